"""Least privilege, secrets and exposure."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from typer.testing import CliRunner

import loaders as L
from loaders import db as dbmod
from loaders.cli import app
from loaders.ops import embedded, migrations
from loaders.ops.runs import run

USERS = {
    "cppa_t_loader": "cppa_loader",
    "cppa_t_transformer": "cppa_transformer",
    "cppa_t_reader": "cppa_reader",
}


@pytest.fixture
def role_conninfo(database: dbmod.Database, conn: Any) -> Iterator[dict[str, str]]:
    # as in production, the transformer's first run loads the seeds itself (the
    # test template pre-loads them as the superuser to save time)
    conn.execute("drop schema if exists cppa_identity_config, cppa_identity_work cascade")
    conn.execute("delete from cppa_ops.settings")
    migrations.apply_grants(conn)
    for user, role in USERS.items():
        conn.execute(
            f"do $$ begin if not exists (select from pg_roles where rolname = '{user}')"
            f" then create role {user} login; end if; end $$"
        )
        conn.execute(f"grant {role} to {user}")
    yield {role: make_conninfo(database.conninfo, user=user) for user, role in USERS.items()}


def test_each_role_can_do_its_job_and_nothing_more(
    database: dbmod.Database, role_conninfo: dict[str, str]
) -> None:
    transformer = dbmod.Database("dsn", role_conninfo["cppa_transformer"])
    with psycopg.connect(role_conninfo["cppa_loader"]) as loader:
        account, _ = L.get_or_create_github_account(1, "octo", conn=loader)
        L.load_slack_users(
            [{"id": "U1", "name": "octo", "profile": {"email": "o@x.org"}}], conn=loader
        )
        tmp = L.create_tmp_identity("t", conn=loader)
        L.add_temp_profile_identity_relation(account, tmp, conn=loader)
        L.add_email(account, "o@x.org", conn=loader)
        loader.commit()
        for statement in (
            "delete from cppa_raw.emails",
            "update cppa_raw.profiles set source = 'x'",
            "truncate cppa_raw.github_accounts",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                loader.execute(statement)
            loader.rollback()

    summary = run(transformer, full=True)
    assert summary.outcome == "success", summary.failures or summary.error

    with psycopg.connect(role_conninfo["cppa_reader"]) as reader:
        assert reader.execute("select count(*) from cppa_identity.identity").fetchone()[0] >= 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reader.execute(
                "insert into cppa_raw.tmp_identities (display_name, description) values ('x', 'y')"
            )
    with (
        psycopg.connect(role_conninfo["cppa_loader"]) as loader,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        loader.execute("select * from cppa_identity.identity")
    with (
        psycopg.connect(role_conninfo["cppa_transformer"]) as t,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        t.execute("delete from cppa_raw.profiles")


SECRET = "S3cret-Pa55word"


@pytest.mark.parametrize(
    "args", [["status"], ["--debug", "status"], ["db"], ["run"], ["--debug", "run"], ["show", "x"]]
)
def test_dsn_password_never_printed(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.setenv(
        dbmod.DSN_ENV, f"postgresql://someone:{SECRET}@127.0.0.1:1/nowhere?connect_timeout=2"
    )
    result = CliRunner().invoke(app, args)
    assert SECRET not in result.output
    assert SECRET not in (result.stderr if result.stderr_bytes is not None else "")
    if args != ["db"]:
        assert result.exit_code != 0


def test_embedded_server_is_private(tmp_path: Path) -> None:
    database = embedded.embedded(tmp_path / "state")
    try:
        host = Path(conninfo_to_dict(database.conninfo)["host"])
        mode = stat.S_IMODE(host.stat().st_mode)
        assert mode & 0o077 == 0, f"socket directory {host} is open to others: {oct(mode)}"
        with psycopg.connect(database.conninfo) as conn:
            listen = conn.execute("show listen_addresses").fetchone()[0]
        assert listen == "", "the embedded server must not listen on TCP"
    finally:
        embedded.stop_embedded(tmp_path / "state")

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

import loaders as L
from loaders import db as dbmod
from loaders.cli import app
from loaders.errors import ConfigError, SchemaOutdated
from loaders.ops import dbt_runner, migrations


def test_migrate_applies_every_migration_once(empty_database: dbmod.Database) -> None:
    with psycopg.connect(empty_database.conninfo) as conn:
        first = migrations.migrate(conn)
        second = migrations.migrate(conn)
        assert first == [name for _, name, _ in dbmod.migrations()]
        assert second == []
        assert dbmod.schema_version(conn) == dbmod.latest_version()


def _migrate(conninfo: str) -> list[str]:
    with psycopg.connect(conninfo) as conn:
        return migrations.migrate(conn)


def test_concurrent_migrations_migrate_once(empty_database: dbmod.Database) -> None:
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_migrate, [empty_database.conninfo] * 4)
    applied = [name for result in results for name in result]
    assert sorted(applied) == sorted(name for _, name, _ in dbmod.migrations())
    with psycopg.connect(empty_database.conninfo) as conn:
        rows = conn.execute("select count(*) from cppa_raw.schema_version").fetchone()
        assert rows is not None and rows[0] == len(dbmod.migrations())


def test_check_schema_refuses_an_unmigrated_database(empty_database: dbmod.Database) -> None:
    with (
        psycopg.connect(empty_database.conninfo) as conn,
        pytest.raises(SchemaOutdated, match="cppa-identity init"),
    ):
        dbmod.check_schema(conn)


def test_dsn_password_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(dbmod.DSN_ENV, "postgresql://bob:s3cret-pw@db.example:5432/ids")
    database = dbmod.resolve()
    assert "s3cret-pw" not in database.display
    assert "s3cret-pw" not in repr(database.display)
    assert "****" in database.display
    assert dbmod.mask("failed for s3cret-pw", database) == "failed for ****"


def test_invalid_dsn_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(dbmod.DSN_ENV, "host=x port")
    with pytest.raises(ConfigError, match="CPPA_IDENTITY_DSN"):
        dbmod.resolve()


def test_loaders_never_choose_a_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A collector that set nothing gets an error naming the variable, and no
    server is started; CPPA_IDENTITY_DSN=embedded chooses the embedded one."""
    monkeypatch.setitem(dbmod._default_embedded, "on", False)
    monkeypatch.delenv(dbmod.DSN_ENV, raising=False)
    monkeypatch.setenv(dbmod.HOME_ENV, str(tmp_path / "home"))
    dbmod.close_pool()
    with pytest.raises(ConfigError, match="CPPA_IDENTITY_DSN=embedded") as refused:
        L.get_or_create_github_account(1, "octo")
    assert "CPPA_IDENTITY_DSN is not set" in str(refused.value)
    assert not (tmp_path / "home").exists()  # nothing started, nothing written
    monkeypatch.setenv(dbmod.DSN_ENV, "embedded")
    chosen = dbmod.resolve(start=False)
    assert chosen.kind == "embedded" and chosen.data_dir == tmp_path / "home" / "pgdata"


@pytest.mark.parametrize(
    "dsn",
    [
        "postgresql://bob:S3cr%zzEt@127.0.0.1:1/ids",  # percent-decoding fails
        "postgresql://bob:S3cr%41Et@127.0.0.1:1/ids?connect_timeout=2",  # encoded
        "host=127.0.0.1 port=1 user=bob password='S3cr\\'Et q' connect_timeout=2",
        "host=127.0.0.1 port=1 user=bob password=S3créEt connect_timeout=2",
        "host=127.0.0.1 port=1 user=bob password='S3cr=Et' dbname",  # malformed
    ],
)
@pytest.mark.parametrize("args", [["--debug", "status"], ["db"], ["--debug", "run"]])
def test_no_part_of_a_password_is_printed(
    monkeypatch: pytest.MonkeyPatch, dsn: str, args: list[str]
) -> None:
    monkeypatch.setenv(dbmod.DSN_ENV, dsn)
    result = CliRunner().invoke(app, args)
    for part in ("S3cr", "Et"):
        assert part not in result.output, result.output


def test_dbt_builds_where_the_cli_reads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A DSN without dbname, user or port: dbt gets what libpq uses (PG* variables)."""
    monkeypatch.setenv("PGDATABASE", "from_env")
    monkeypatch.setenv("PGUSER", "env_user")
    monkeypatch.setenv("PGPORT", "6543")
    dbt_runner.write_profile(dbmod.Database("dsn", "host=db.example"), tmp_path)
    target = json.loads((tmp_path / "profiles.yml").read_text())["cppa_identity"]["outputs"]
    assert (
        target["default"] | {"dbname": "from_env", "user": "env_user", "port": 6543}
        == target["default"]
    )

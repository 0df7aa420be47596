"""Least privilege, secrets and exposure."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from typer.testing import CliRunner

import loaders as L
from loaders import db as dbmod
from loaders.cli import app
from loaders.errors import PermissionDenied
from loaders.ops import embedded, roles, sample
from loaders.ops.runs import run
from loaders.ops.schemas import RUN_SCHEMAS

USERS = {
    "cppa_t_loader": "loader",
    "cppa_t_transformer": "transformer",
    "cppa_t_reviewer": "reviewer",
    "cppa_t_reader": "reader",
    "cppa_t_transformer2": "transformer",
}


@pytest.fixture
def role_names(database: dbmod.Database, conn: Any) -> dict[str, str]:
    """This database's roles, by job, and a login in each (two transformers)."""
    # as in production, the transformer's first run loads the seeds itself (the
    # test template pre-loads them as the superuser to save time)
    conn.execute("drop schema if exists cppa_identity_config, cppa_identity_work cascade")
    conn.execute("delete from cppa_ops.settings")
    names = roles.apply_grants(conn)
    for user, job in USERS.items():
        conn.execute(
            f"do $$ begin if not exists (select from pg_roles where rolname = '{user}')"
            f" then create role {user} login; end if; end $$"
        )
        conn.execute(
            sql.SQL("grant {} to {}").format(sql.Identifier(names[job]), sql.Identifier(user))
        )
    return names


@pytest.fixture
def role_conninfo(database: dbmod.Database, role_names: dict[str, str]) -> dict[str, str]:
    """Connection strings by login and by job (the first login of each)."""
    return {user: make_conninfo(database.conninfo, user=user) for user in USERS} | {
        job: make_conninfo(database.conninfo, user=user)
        for user, job in USERS.items()
        if not user.endswith("2")
    }


def test_each_role_can_do_its_job_and_nothing_more(
    database: dbmod.Database, role_conninfo: dict[str, str]
) -> None:
    transformer = dbmod.Database("dsn", role_conninfo["transformer"])
    with psycopg.connect(role_conninfo["loader"]) as loader:
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

    with psycopg.connect(role_conninfo["reader"]) as reader:
        assert reader.execute("select count(*) from cppa_identity.identity").fetchone()[0] >= 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reader.execute(
                "insert into cppa_raw.tmp_identities (display_name, description) values ('x', 'y')"
            )
    with (
        psycopg.connect(role_conninfo["loader"]) as loader,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        loader.execute("select * from cppa_identity.identity")
    with (
        psycopg.connect(role_conninfo["transformer"]) as t,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        t.execute("delete from cppa_raw.profiles")


def test_the_loader_cannot_touch_decisions_or_the_watermark(
    database: dbmod.Database, role_conninfo: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A collector's login appends observations, and nothing else: no decision
    (directly or through the CLI), no forged loaded_xid / loaded_at."""
    forged = (
        "insert into cppa_raw.manual_decisions (action, node_a, node_b) values ('same', 1, 2)",
        "insert into cppa_raw.profiles (platform, natural_key, loaded_xid)"
        " values ('github', '77', '9999999999')",
        "insert into cppa_raw.profiles (platform, natural_key, loaded_at)"
        " values ('github', '78', '2000-01-01')",
    )
    with psycopg.connect(role_conninfo["loader"]) as loader:
        a, _ = L.get_or_create_github_account(11, "one", conn=loader)
        b, _ = L.get_or_create_github_account(12, "two", conn=loader)
        loader.commit()
        for statement in forged:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                loader.execute(statement)
            loader.rollback()
    monkeypatch.setenv(dbmod.DSN_ENV, role_conninfo["loader"])
    dbmod.close_pool()
    result = CliRunner().invoke(app, ["merge", str(a.id), str(b.id)])
    assert result.exit_code == 4, result.output
    assert "may not record or revoke decisions here" in result.output
    dbmod.close_pool()
    with psycopg.connect(role_conninfo["reviewer"]) as reviewer:
        decision = L.record_decision(
            "same", a.id, b.id, reason="checked", decided_by="Jane", conn=reviewer
        )
        reviewer.commit()
        # the login is the server's to record, not the reviewer's to claim
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reviewer.execute(
                "insert into cppa_raw.manual_decisions (action, node_a, node_b, decided_by_login)"
                " values ('different', %s, %s, 'someone_else')",
                (a.id, b.id),
            )
    assert (decision.login, decision.decided_by) == ("cppa_t_reviewer", "Jane")
    monkeypatch.setenv(dbmod.DSN_ENV, role_conninfo["reviewer"])
    lock = CliRunner().invoke(app, ["lock", str(a.id)])
    assert lock.exit_code == 0 and " by cppa_t_reviewer (" in lock.output, lock.output
    dbmod.close_pool()
    with psycopg.connect(database.conninfo) as owner:
        rows = owner.execute("select count(*) from cppa_raw.manual_decisions").fetchone()
    assert rows == (2,)


def test_a_run_that_hits_a_permission_error_is_logged(
    database: dbmod.Database, role_conninfo: dict[str, str], conn: Any
) -> None:
    """Whatever stops a run after it started is in the run log: here, a table the
    owner added to the published history without granting it to anyone."""
    conn.execute("create schema if not exists cppa_identity_history")
    conn.execute("create table cppa_identity_history.owners_only (x int)")
    with pytest.raises(PermissionDenied):
        run(dbmod.Database("dsn", role_conninfo["transformer"]), full=True)
    row = conn.execute("select outcome, message, run_by from cppa_ops.runs").fetchone()
    assert row[0] == "failed" and "permission denied" in row[1], row
    assert row[2] == "cppa_t_transformer"  # the login, not the role it worked as


def test_doctor_says_which_jobs_each_login_can_do(
    database: dbmod.Database,
    role_conninfo: dict[str, str],
    role_names: dict[str, str],
    conn: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def doctor(conninfo: str, code: int) -> dict[str, Any]:
        monkeypatch.setenv(dbmod.DSN_ENV, conninfo)
        result = CliRunner().invoke(app, ["doctor", "--json"])
        assert result.exit_code == code, result.output
        return {c["name"]: c for c in json.loads(result.stdout)}

    for job in roles.JOBS:
        checks = doctor(role_conninfo[job], 0)
        can = {j for j in roles.JOBS if checks[f"job {j}"]["can"]}
        # reviewers are readers; a transformer reads what it builds
        assert can == ({job} if job in ("loader", "reader") else {job, "reader"}), (job, can)
        assert role_names[job] in checks["roles"]["detail"]
        # a run refuses a login that holds the loader or reviewer role beside the
        # transformer's: doctor never tells one job's login to take the other's
        fixes = {j: checks[f"job {j}"]["fix"] for j in roles.JOBS if j not in can}
        if job == "transformer":
            assert all("grant" not in fixes[j] for j in ("loader", "reviewer")), fixes
        if job in ("loader", "reviewer"):
            assert "grant" not in fixes["transformer"], fixes
            assert "nothing more" in fixes["transformer"] or "run as" in fixes["transformer"]
    owner = doctor(database.conninfo, 0)
    # every job but running: a run executes only with the transformer's rights
    assert [j for j in roles.JOBS if not owner[f"job {j}"]["can"]] == ["transformer"]
    assert "cppa_t_transformer" in owner["job transformer"]["fix"]
    # a login with no role here: every job refused, with the fix, exit 1
    conn.execute(
        "do $$ begin if not exists (select from pg_roles where rolname = 'cppa_t_nobody')"
        " then create role cppa_t_nobody login; end if; end $$"
    )
    nobody = doctor(make_conninfo(database.conninfo, user="cppa_t_nobody"), 1)
    assert not nobody["schema"]["ok"] and "grants" in nobody["schema"]["fix"]
    unreachable = doctor("host=127.0.0.1 port=1 user=x password=S3cret connect_timeout=2", 1)
    assert not unreachable["connection"]["ok"] and "S3cret" not in json.dumps(unreachable)
    with psycopg.connect(database.conninfo) as c:  # read-only: nothing was written
        assert c.execute("select count(*) from cppa_ops.runs").fetchone() == (0,)


def test_grants_without_createrole_says_what_to_ask_a_superuser(
    database: dbmod.Database, conn: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A login without CREATEROLE gets the exact statements for a superuser, and
    nothing changes; run as the superuser, they create what `--json` names."""
    conn.execute(
        "do $$ begin if not exists (select from pg_roles where rolname = 'cppa_t_plain')"
        " then create role cppa_t_plain login; end if; end $$"
    )
    # enough of an owner to see that the schema is up to date
    conn.execute("grant usage on schema cppa_raw to cppa_t_plain")
    conn.execute("grant select on cppa_raw.schema_version to cppa_t_plain")
    monkeypatch.setenv(dbmod.DSN_ENV, make_conninfo(database.conninfo, user="cppa_t_plain"))
    asked = CliRunner().invoke(app, ["grants", "--prefix", "cppa_t_ask_"])
    assert asked.exit_code == 4, asked.output
    statements = [
        line.strip().rstrip(";")
        for line in asked.output.splitlines()
        if line.startswith("  create role") or line.startswith("  grant")
    ]
    wanted = {job: f"cppa_t_ask_{job}" for job in roles.JOBS}
    assert statements[:4] == [f'create role "{name}" nologin' for name in wanted.values()]
    assert 'grant "cppa_t_ask_transformer" to "cppa_t_plain"' in statements
    assert 'grant "cppa_t_ask_reader" to "cppa_t_ask_reviewer"' in statements
    assert conn.execute(
        "select count(*) from pg_roles where rolname like 'cppa_t_ask%'"
    ).fetchone() == (0,)
    assert conn.execute("select count(*) from cppa_ops.roles").fetchone() == (0,)
    try:
        for statement in statements:
            conn.execute(statement.encode())
        assert conn.execute(
            "select pg_has_role('cppa_t_plain', 'cppa_t_ask_transformer', 'MEMBER'),"
            " pg_has_role('cppa_t_ask_reviewer', 'cppa_t_ask_reader', 'MEMBER')"
        ).fetchone() == (True, True)
    finally:
        for name in wanted.values():
            conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(name)))


PLANTED = "PLANTED code ran"


def _plant_everything(t: psycopg.Connection[Any], login: str, others: list[str]) -> int:
    """What a transformer login can do to make someone else run its code: replace
    every function in the database (each by its own definition), create schemas
    named after other logins (first on their search_path), touch the published
    marts, and, where it may create, replace every table and view by a view that
    calls its code, next to functions named like the ones commands call. Its
    code raises in any session but its own. Returns how many relations it
    replaced."""
    functions = t.execute(
        "select p.oid, pg_get_functiondef(p.oid) from pg_proc as p"
        " join pg_namespace as n on n.oid = p.pronamespace"
        " where n.nspname not in ('pg_catalog', 'information_schema') and p.prokind = 'f'"
    ).fetchall()
    assert len(functions) >= 10
    for _oid, definition in functions:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            t.execute(definition)
    for statement in [
        *(f'create schema "{name}"' for name in [*others, "public2", "cppa_identity__next"]),
        "create view cppa_identity.planted as select 1",
        "alter table cppa_identity.identity enable row level security",
        "alter table cppa_identity.identity rename to identity_real",
        "alter schema cppa_identity rename to cppa_identity_mine",
        "create function cppa_identity.fold(text) returns text language sql as 'select $1'",
        "create table cppa_identity_history.planted (x int)",
    ]:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            t.execute(statement)
    writable = [
        str(r[0])
        for r in t.execute(
            "select nspname from pg_namespace where has_schema_privilege(oid, 'CREATE')"
            " and nspname not like 'pg\\_%' order by 1"
        ).fetchall()
    ]
    # where runs build (the side schemas exist only during a run)
    assert {"cppa_identity_work", "cppa_identity_config"} <= set(writable) <= set(RUN_SCHEMAS)
    replaced = 0
    for schema in writable:
        names = {"s": sql.Identifier(schema)}
        t.execute(
            sql.SQL(
                "create function {s}.planted() returns boolean language plpgsql volatile as $$"
                " begin if session_user <> {login} then"
                " raise exception '{marker}: session % as %', session_user, current_user;"
                " end if; return true; end $$"
            ).format(login=sql.Literal(login), marker=sql.SQL(PLANTED), **names)
        )
        for fn in ("fold", "normalize_email_unicode", "lower", "coalesce", "count"):
            t.execute(
                sql.SQL(
                    "create function {s}.{f}(text) returns text language plpgsql as"
                    " $$ begin perform {s}.planted(); return $1; end $$"
                ).format(f=sql.Identifier(fn), **names)
            )
        for relation, kind in t.execute(
            "select relname, relkind from pg_class where relnamespace = %s::regnamespace"
            " and relkind in ('r', 'v')",
            (schema,),
        ).fetchall():
            names["r"], names["kept"] = sql.Identifier(relation), sql.Identifier(f"{relation}_0")
            alter = "view" if kind == "v" else "table"
            t.execute(sql.SQL(f"alter {alter} {{s}}.{{r}} rename to {{kept}}").format(**names))
            t.execute(
                sql.SQL(
                    "create view {s}.{r} as select * from {s}.{kept} where {s}.planted()"
                ).format(**names)
            )
            t.execute(sql.SQL("grant select on {s}.{r} to public").format(**names))
            replaced += 1
    return replaced


def test_nothing_a_transformer_can_change_runs_in_a_more_privileged_session(
    database: dbmod.Database,
    role_conninfo: dict[str, str],
    role_names: dict[str, str],
    conn: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """As it was broken: a transformer login's run; the transformer replaces
    whatever it can, and every CLI command runs as the owner and as a reviewer
    without running a line of its code; the owner's run is refused."""
    owner = str(conn.execute("select current_user").fetchone()[0])

    def cli(conninfo: str, *args: str, code: int = 0) -> str:
        monkeypatch.setenv(dbmod.DSN_ENV, conninfo)
        result = CliRunner().invoke(app, list(args))
        assert result.exit_code == code, (args, result.output)
        assert PLANTED not in result.output, (args, result.output)
        return result.output

    sample.load(sample.generate(12), source="demo")  # as the owner
    dbmod.close_pool()
    summary = run(dbmod.Database("dsn", role_conninfo["cppa_t_transformer"]), full=True)
    assert summary.outcome == "success", summary.failures or summary.error
    a, b = (
        int(r[0])
        for r in conn.execute("select id from cppa_identity.base_profile order by id limit 2")
    )
    with psycopg.connect(role_conninfo["cppa_t_transformer"], autocommit=True) as t:
        replaced = _plant_everything(t, "cppa_t_transformer", [owner, "cppa_t_reviewer"])
    assert replaced >= 10

    for login in ("cppa_t_reviewer", owner):
        dsn = role_conninfo.get(login, database.conninfo)
        for args in (
            ["status"],
            ["status", "--json"],
            ["show", str(a)],
            ["show", "--json", str(b)],
            ["candidates"],
            ["candidates", "accept", "--min-score", "0.99", "--dry-run"],
            ["audit", "--evidence", "shared_email"],
            ["conflicts"],
            ["export", "-o", str(tmp_path / f"{login}.jsonl")],
            ["export", "--format", "csv", "-o", str(tmp_path / f"{login}.csv")],
            ["export", "--format", "mailmap", "-o", str(tmp_path / f"{login}.mailmap")],
        ):
            cli(dsn, *args)
        decided = cli(dsn, "merge", str(a), str(b), "--reason", "attack test")
        cli(dsn, "revoke", decided.split()[1].rstrip(":"))
        cli(dsn, "lock", str(a))
        cli(dsn, "unlock", str(a))
    cli(role_conninfo["cppa_t_reviewer"], "run", code=4)
    cli(database.conninfo, "doctor")
    # the owner's run would read what the transformer planted: refused
    assert "run it as cppa_t_transformer" in cli(database.conninfo, "run", "--full", code=4)
    super_ = conn.execute(
        "select rolname from pg_roles where rolsuper and rolname like 'cppa%'"
    ).fetchall()
    assert super_ == []


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


def test_only_a_transformer_sets_the_merge_policy(
    database: dbmod.Database,
    conn: Any,
    role_conninfo: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`policy --name-join` changes what every later run merges: the loader, the
    reviewer and the reader logins are refused (exit 4, nothing written); a
    transformer sets it, and the reader may look."""

    def policy(login: str, *args: str) -> Any:
        monkeypatch.setenv(dbmod.DSN_ENV, role_conninfo[login])
        dbmod.close_pool()
        try:
            return CliRunner().invoke(app, ["policy", *args])
        finally:
            dbmod.close_pool()

    settings = "select key, value from cppa_ops.settings order by key"
    before = conn.execute(settings).fetchall()
    for login in ("loader", "reviewer", "reader"):
        refused = policy(login, "--name-join", "second_signal")
        assert refused.exit_code == 4, (login, refused.output)
        assert "Traceback" not in refused.output
    assert conn.execute(settings).fetchall() == before
    assert policy("transformer", "--name-join", "second_signal").exit_code == 0
    shown = policy("reader")
    assert shown.exit_code == 0 and shown.stdout.strip() == "name_join: second_signal"
    conn.execute("delete from cppa_ops.settings where key = 'name_join_policy'")


CURRENT_STATE = ("current_emails", "decisions_unrevoked", "decisions_in_force", "identity_states")


def test_the_current_state_views_are_read_only_to_every_role(
    role_conninfo: dict[str, str],
) -> None:
    """Every role reads the current-state views (migration 0016), as it reads the
    raw tables under them; none writes through one (a simple view would pass a
    write on to its table with its owner's rights)."""
    for job in ("loader", "transformer", "reviewer", "reader"):
        with psycopg.connect(role_conninfo[job]) as c:
            for view in CURRENT_STATE:
                c.execute(sql.SQL("select * from cppa_raw.{}").format(sql.Identifier(view)))
            for statement in (
                "insert into cppa_raw.decisions_unrevoked (action, node_a) values ('split', 1)",
                "insert into cppa_raw.decisions_in_force (action, node_a) values ('split', 1)",
                "delete from cppa_raw.decisions_unrevoked",
                "update cppa_raw.decisions_in_force set reason = 'x'",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    c.execute(statement)
                c.rollback()

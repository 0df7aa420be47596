"""`cppa-identity doctor`: what this login, on this database, can and cannot do,
and what to fix. Read-only: privileges are asked of the server, never tried by
writing."""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass
from typing import Any

import psycopg

from ..db import Database, connect, latest_version, schema_version
from ..errors import CppaIdentityError
from .dbt_runner import state_dir
from .roles import (
    JOBS,
    LOADER,
    READER,
    REVIEWER,
    TRANSFORMER,
    outranks_transformer,
    role_for,
    role_names,
    transformer_logins,
)
from .schemas import MARTS, OPS, RAW


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    can: bool | None = None  # for a job: whether this login can do it (not a fault)


# What each job needs, as the server's privilege functions ask it (%(r)s: the
# role the commands take for that job, else the login itself).
JOB_CHECKS = {
    LOADER: f"select has_any_column_privilege(%(r)s, '{RAW}.profiles', 'INSERT')"
    " and has_function_privilege(%(r)s,"
    f" '{RAW}.get_or_create_profile(text, text, text)', 'EXECUTE')",
    # runs build and publish through the owner's functions (migration 0015)
    TRANSFORMER: "select has_function_privilege(%(r)s,"
    f" '{OPS}.publish_marts(bigint)', 'EXECUTE')"
    f" and has_any_column_privilege(%(r)s, '{OPS}.runs', 'INSERT')"
    f" and has_table_privilege(%(r)s, '{RAW}.profiles', 'SELECT')",
    # decisions go through the owner's function (migration 0013)
    REVIEWER: f"select has_function_privilege(%(r)s, '{OPS}.record_decision(text, bigint,"
    " bigint, bigint[], bigint, text, text, text, bigint)', 'EXECUTE')",
    # the marts looked up in the catalog: naming them would need USAGE on their
    # schema, which a collector's login does not have
    READER: f"select has_table_privilege(%(r)s, '{RAW}.profiles', 'SELECT')"
    f" and has_table_privilege(%(r)s, '{OPS}.runs', 'SELECT')"
    " and coalesce((select has_schema_privilege(%(r)s, n.oid, 'USAGE')"
    " and has_table_privilege(%(r)s, c.oid, 'SELECT')"
    " from pg_class as c join pg_namespace as n on n.oid = c.relnamespace"
    " where n.nspname = %(marts)s and c.relname = 'identity'), true)",
}
MARTS_PUBLISHED = (
    "select exists (select from pg_class as c join pg_namespace as n on n.oid = c.relnamespace"
    " where n.nspname = %s and c.relname = 'identity')"
)
JOB_FIX = {
    LOADER: "grant the loader role to this login",
    TRANSFORMER: "grant the transformer role to this login",
    REVIEWER: "grant the reviewer role to this login",
    READER: "grant the reader role to this login",
}


def diagnose(database: Database) -> list[Check]:
    """Every check, in order; a failed connection ends the list."""
    checks = [Check("location", True, database.display)]
    try:
        conn = connect(database, autocommit=True)
    except CppaIdentityError as exc:
        fix = "set CPPA_IDENTITY_DSN to a reachable server (or `embedded`)"
        return [*checks, Check("connection", False, str(exc), fix)]
    with conn:
        try:
            checks += _database_checks(conn)
        except psycopg.Error as exc:
            message = getattr(exc.diag, "message_primary", None) or type(exc).__name__
            checks.append(
                Check(
                    "database", False, message, "ask the owner for a role (`cppa-identity grants`)"
                )
            )
    checks.append(_state_check(database))
    return checks


def _database_checks(conn: psycopg.Connection[Any]) -> list[Check]:
    row = conn.execute(
        "select current_setting('server_version'), current_database(), session_user,"
        " (select rolsuper from pg_roles where rolname = session_user)"
    ).fetchone()
    assert row is not None
    version, dbname, login, superuser = row
    checks = [
        Check("server", True, f"PostgreSQL {version}, database {dbname}"),
        Check("login", True, f"{login}{' (superuser)' if superuser else ''}"),
    ]
    if not _scalar(conn, "select has_schema_privilege(%s, 'USAGE')", (RAW,)):
        checks.append(
            Check(
                "schema",
                False,
                f"this login cannot see {RAW}",
                "ask the owner for one of the roles (`cppa-identity grants --json`)",
            )
        )
        return checks
    have, want = schema_version(conn), latest_version()
    if have < want:
        checks.append(
            Check(
                "schema",
                False,
                f"{RAW} at version {have}, this code needs {want}",
                "run `cppa-identity init` as the database owner",
            )
        )
        return checks
    checks.append(Check("schema", True, f"{RAW} at version {have} (current)"))
    names = role_names(conn)
    held: list[str] = []
    if names is None:
        checks.append(
            Check(
                "roles",
                True,
                "not set up: every job runs as the login itself",
                "for least privilege, run `cppa-identity grants` as the owner",
            )
        )
    else:
        held = [
            name
            for name in names.values()
            if _scalar(conn, "select pg_has_role(session_user, %s, 'MEMBER')", (name,))
        ]
        checks.append(
            Check(
                "roles",
                True,
                f"{', '.join(f'{j} {n}' for j, n in names.items())};"
                f" this login holds {', '.join(held) or 'none of them'}",
            )
        )
    can = []
    for job in JOBS:
        role = role_for(conn, job) if names else None
        as_role = role or login
        allowed = bool(_scalar(conn, JOB_CHECKS[job], {"r": as_role, "marts": MARTS}))
        detail, fix = f"{'can' if allowed else 'cannot'} (as {as_role})", JOB_FIX[job]
        more = outranks_transformer(conn) if job == TRANSFORMER and allowed and names else []
        if more:  # runs refuse it (roles.refuse_privileged_run)
            allowed = False
            detail = f"cannot: runs only as a login that holds {as_role} and nothing more;"
            detail += f" this one is {' and '.join(more)}"
            usable = transformer_logins(conn)
            fix = f"run as {' or '.join(usable)}" if usable else "ask the owner for such a login"
        elif not allowed and names:
            fix = _other_login_fix(conn, job, names, held) or fix
        if allowed:
            can.append(job)
        checks.append(Check(f"job {job}", True, detail, "" if allowed else fix, allowed))
    marts = _scalar(conn, MARTS_PUBLISHED, (MARTS,))
    last = (
        conn.execute(
            f"select run_id, outcome, finished_at from {OPS}.runs order by run_id desc limit 1"
        ).fetchone()
        if _scalar(conn, f"select has_table_privilege('{OPS}.runs', 'SELECT')")
        else None
    )
    checks.append(
        Check(
            "marts",
            True,
            ("published" if marts else "none yet: run `cppa-identity run`")
            + (f"; last run {last[0]}: {last[1]}" if last else ""),
        )
    )
    if not can:
        checks.append(
            Check(
                "jobs",
                False,
                "this login can do none of the jobs",
                "ask the owner for one of the roles (`cppa-identity grants --json`)",
            )
        )
    return checks


def _other_login_fix(
    conn: psycopg.Connection[Any], job: str, names: dict[str, str], held: list[str]
) -> str:
    """For a job this login should not be granted: a run refuses a login that
    holds the loader or reviewer role beside the transformer's
    (roles.refuse_privileged_run), so a scheduler's login is not told to take
    those roles, nor a loader's or reviewer's login the transformer's. Empty when
    granting the job's role is the fix."""
    lends = [names[LOADER], names[REVIEWER]]
    if job in (LOADER, REVIEWER) and names[TRANSFORMER] in held:
        return (
            f"use another login for this job: this one runs the merge, and runs refuse a"
            f" login that also holds {names[job]}"
        )
    if job == TRANSFORMER and any(role in held for role in lends):
        usable = transformer_logins(conn)
        return (
            f"run as {' or '.join(usable)}"
            if usable
            else f"ask the owner for a login that holds {names[TRANSFORMER]} and nothing more"
        )
    return ""


def _state_check(database: Database) -> Check:
    path = state_dir(database)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path):
            pass
    except OSError as exc:
        return Check(
            "dbt state",
            False,
            f"{path}: {exc.strerror}",
            "set CPPA_IDENTITY_HOME to a writable directory",
        )
    return Check("dbt state", True, str(path))


def _scalar(conn: psycopg.Connection[Any], query: str, params: Any = None) -> Any:
    row = conn.execute(query, params).fetchone()
    return row[0] if row else None


def as_dicts(checks: list[Check]) -> list[dict[str, Any]]:
    return [asdict(c) for c in checks]

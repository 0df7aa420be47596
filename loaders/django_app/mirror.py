"""The Django tables and the raw log, kept in step (plain psycopg, no Django):

- `install`: the raw schema, then the triggers that append every ORM write to
  the log (sql/install.sql); runs after each `migrate` and costs one query when
  nothing changed;
- `move_in`: the rows a database already holds that the log has not seen;
- `write_back`: each Django profile's identity as the last run merged it, called
  by the run inside its publish transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

SQL_DIR = Path(__file__).parent / "sql"
INSTALL_SQL = SQL_DIR / "install.sql"
WRITE_BACK_SQL = SQL_DIR / "write_back.sql"
SCHEMA_KEY = "django_schema"  # cppa_ops.settings: where the Django tables are
INSTALLED_KEY = "django_install"  # cppa_ops.settings: checksum of what was installed
PROBE = "cppa_user_tracker_baseprofile"
PLAIN_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _setting(conn: psycopg.Connection[Any], key: str) -> str | None:
    row = conn.execute("select value from cppa_ops.settings where key = %s", (key,)).fetchone()
    return str(row[0]) if row else None


def _put(conn: psycopg.Connection[Any], key: str, value: str) -> None:
    conn.execute(
        "insert into cppa_ops.settings (key, value) values (%s, %s)"
        " on conflict (key) do update set value = excluded.value,"
        " updated_at = clock_timestamp()",
        (key, value),
    )


def tables_schema(conn: psycopg.Connection[Any]) -> str:
    """The schema in which this session finds the Django tables."""
    row = conn.execute(
        "select n.nspname from pg_class as c join pg_namespace as n on n.oid = c.relnamespace"
        " where c.oid = to_regclass(%s)",
        (PROBE,),
    ).fetchone()
    if row is None:
        raise LookupError(f"no table {PROBE} on this connection's search_path: run migrate first")
    schema = str(row[0])
    if not PLAIN_NAME.match(schema):
        raise ValueError(f"the Django tables' schema {schema!r} is not a plain lower-case name")
    return schema


def install_checksum(schema: str) -> str:
    return hashlib.sha256(INSTALL_SQL.read_bytes() + schema.encode()).hexdigest()


def installed(conn: psycopg.Connection[Any]) -> bool:
    """Whether the raw schema is current and these triggers are installed."""
    from ..db import latest_version, schema_version

    if schema_version(conn) < latest_version():
        return False
    schema = tables_schema(conn)
    if not _reads_settings(conn):
        # a collector's login (the loader role) installs nothing: the triggers are there or not
        return _has_triggers(conn, schema)
    return _setting(conn, INSTALLED_KEY) == install_checksum(schema)


def _reads_settings(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute(
        "select to_regclass('cppa_ops.settings') is null"
        " or has_table_privilege('cppa_ops.settings', 'select')"
    ).fetchone()
    return bool(row and row[0])


def _has_triggers(conn: psycopg.Connection[Any], schema: str) -> bool:
    row = conn.execute(
        "select exists (select from pg_trigger where tgname = 'cppa_identity_log'"
        " and tgrelid = to_regclass(%s))",
        (f'"{schema}".{PROBE}',),
    ).fetchone()
    return bool(row and row[0])


def install(conn: psycopg.Connection[Any]) -> bool:
    """Bring the raw schema up to date and install the triggers on the Django
    tables; True when something was done. Run inside a transaction of the
    caller's or in autocommit mode."""
    from ..ops.migrations import apply_pending

    if installed(conn):
        return False
    apply_pending(conn)
    with conn.transaction():
        schema = tables_schema(conn)
        conn.execute(INSTALL_SQL.read_text().replace("{schema}", f'"{schema}"').encode())
        _put(conn, SCHEMA_KEY, schema)
        _put(conn, INSTALLED_KEY, install_checksum(schema))
        conn.execute("select cppa_raw.django_grant_write_back()")
    return True


def move_in(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """Append to the log what the Django tables hold and the log has not seen;
    the counts per kind. Idempotent: a second call appends nothing. The owner's
    job (the login that ran `migrate`): a collector's login is refused."""
    from ..errors import PermissionDenied

    if not _reads_settings(conn):
        row = conn.execute("select session_user").fetchone()
        raise PermissionDenied(
            f"moving rows in is the owner's job, and {row[0] if row else 'this login'} is a"
            " collector's login (the loader role); nothing was moved",
            "run `manage.py cppa_identity_move_in` with the login that runs `migrate`",
        )
    install(conn)
    row = conn.execute(
        "select cppa_raw.django_move_in(%s)::text", (tables_schema(conn),)
    ).fetchone()
    assert row is not None
    return {str(k): int(v) for k, v in json.loads(row[0]).items()}


def tables_written_back(conn: psycopg.Connection[Any]) -> str | None:
    """The schema of the Django tables that runs write identities back to, if any."""
    schema = _setting(conn, SCHEMA_KEY) if _has_settings(conn) else None
    if schema is None or not PLAIN_NAME.match(schema):
        return None
    row = conn.execute("select to_regclass(%s)", (f'"{schema}"."{PROBE}"',)).fetchone()
    return schema if row and row[0] is not None else None


def write_back(conn: psycopg.Connection[Any], marts: str) -> dict[str, int] | None:
    """Point each Django profile at the identity the run in `marts` gave it (and
    create the identity rows it needs); None when this database has no Django
    tables. Call inside a transaction: the triggers pause for it alone, and only
    for the run's role. A collector's login is refused (PermissionDenied)."""
    if not _reads_settings(conn):
        from ..errors import PermissionDenied

        raise PermissionDenied(
            "writing identities back is the run's job, and this is a collector's login"
            " (the loader role); nothing was written",
            "run it with the merge's login (CPPA_IDENTITY_MERGE_DSN), or let the run do it",
        )
    schema = tables_written_back(conn)
    if schema is None:
        return None
    row = conn.execute("select to_regclass(%s)", (f'"{marts}".identity',)).fetchone()
    if row is None or row[0] is None:
        return {}  # no run has published yet
    names = {
        "django": sql.Identifier(schema),
        "marts": sql.Identifier(marts),
        "django_name": sql.Literal(schema),
        "marts_name": sql.Literal(marts),
    }
    counts: dict[str, int] = {}
    for statement in WRITE_BACK_SQL.read_text().split(";\n"):
        if not statement.strip():
            continue
        cursor = conn.execute(sql.SQL(statement).format(**names))  # type: ignore[arg-type,unused-ignore]
        label = re.search(r"^-- (\w+):", statement.strip(), re.M)
        if label:
            counts[label.group(1)] = cursor.rowcount
    return counts


def _has_settings(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute("select to_regclass('cppa_ops.settings') is not null").fetchone()
    return bool(row and row[0])

"""The Django tables and the raw log, kept in step (plain psycopg, no Django):

- `install`: the raw schema, then the triggers that append every ORM write to
  the log (sql/install.sql); runs after each `migrate` and costs one query when
  nothing changed;
- `move_in`: the rows a database already holds that the log has not seen;
- `write_back`: each Django profile's identity as the last run merged it; it is
  the publish's step (loaders.ops.write_back), re-exported here for the command
  that runs it alone. This app depends on the operations side, never the reverse.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import psycopg

from ..db import latest_version, schema_version
from ..errors import PermissionDenied
from ..ops.catalog import put_setting, setting
from ..ops.migrations import apply_pending
from ..ops.write_back import (
    PLAIN_NAME,
    PROBE,
    SCHEMA_KEY,
    reads_settings,
    tables_written_back,
    write_back,
)

__all__ = ["install", "installed", "move_in", "tables_schema", "tables_written_back", "write_back"]

INSTALL_SQL = Path(__file__).parent / "sql" / "install.sql"
INSTALLED_KEY = "django_install"  # cppa_ops.settings: checksum of what was installed


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
    if schema_version(conn) < latest_version():
        return False
    schema = tables_schema(conn)
    if not reads_settings(conn):
        # a collector's login (the loader role) installs nothing: the triggers are there or not
        return _has_triggers(conn, schema)
    return setting(conn, INSTALLED_KEY) == install_checksum(schema)


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
    if installed(conn):
        return False
    apply_pending(conn)
    with conn.transaction():
        schema = tables_schema(conn)
        conn.execute(INSTALL_SQL.read_text().replace("{schema}", f'"{schema}"').encode())
        put_setting(conn, SCHEMA_KEY, schema)
        put_setting(conn, INSTALLED_KEY, install_checksum(schema))
        conn.execute("select cppa_raw.django_grant_write_back()")
    return True


def move_in(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """Append to the log what the Django tables hold and the log has not seen;
    the counts per kind. Idempotent: a second call appends nothing. The owner's
    job (the login that ran `migrate`): a collector's login is refused."""
    if not reads_settings(conn):
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

"""Write-back, the publish's last step: where the Django drop-in's tables live in
this database, point each Django profile at the identity the run gave it (plain
psycopg, no Django). The Django app (loaders.django_app) depends on this module,
never the reverse."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from ..errors import PermissionDenied
from .catalog import relation_exists, setting
from .schemas import OPS

WRITE_BACK_SQL = Path(__file__).parent / "sql" / "write_back.sql"
SCHEMA_KEY = "django_schema"  # cppa_ops.settings: where the Django tables are
PROBE = "cppa_user_tracker_baseprofile"  # a Django table: where it is, they all are
PLAIN_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def reads_settings(conn: psycopg.Connection[Any]) -> bool:
    """Whether this login may read cppa_ops.settings (not a collector's login),
    or the table is not there yet."""
    row = conn.execute(
        "select to_regclass(%s) is null or has_table_privilege(%s, 'select')",
        (f"{OPS}.settings", f"{OPS}.settings"),
    ).fetchone()
    return bool(row and row[0])


def tables_written_back(conn: psycopg.Connection[Any]) -> str | None:
    """The schema of the Django tables that runs write identities back to, if any."""
    schema = setting(conn, SCHEMA_KEY) if relation_exists(conn, OPS, "settings") else None
    if schema is None or not PLAIN_NAME.match(schema):
        return None
    return schema if relation_exists(conn, schema, PROBE) else None


def write_back(conn: psycopg.Connection[Any], marts: str) -> dict[str, int] | None:
    """Point each Django profile at the identity the run in `marts` gave it (and
    create the identity rows it needs); None when this database has no Django
    tables. Call inside a transaction: the triggers pause for it alone, and only
    for the run's role. A collector's login is refused (PermissionDenied)."""
    if not reads_settings(conn):
        raise PermissionDenied(
            "writing identities back is the run's job, and this is a collector's login"
            " (the loader role); nothing was written",
            "run it with the merge's login (CPPA_IDENTITY_MERGE_DSN), or let the run do it",
        )
    schema = tables_written_back(conn)
    if schema is None:
        return None
    if not relation_exists(conn, marts, "identity"):
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

"""Versioned raw-schema migrations (loaders/sql/migrations/) and the roles' grants."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from ..db import latest_version, migrations, schema_version

GRANTS_FILE = Path(__file__).parent / "sql" / "grants.sql"


MIGRATION_LOCK = 74_657_301  # pg_advisory_lock key for migrations
READER = "cppa_reader"


def apply_grants(conn: psycopg.Connection[Any]) -> None:
    """Create the least-privilege roles and their grants (idempotent)."""
    with conn.transaction():
        conn.execute(GRANTS_FILE.read_text().encode())


def migrate(conn: psycopg.Connection[Any]) -> list[str]:
    """Apply pending migrations under an advisory lock; return the names applied.
    Where the roles exist (`grants` ran), they are granted what the new
    migrations created."""
    conn.autocommit = True
    applied = apply_pending(conn)
    if applied and grants_applied(conn):
        apply_grants(conn)
    return applied


def take_role(conn: psycopg.Connection[Any], role: str) -> str | None:
    """Work as `role` (SET ROLE) where `grants` set the roles up and this login
    may: a session of the owner that only reads does so as the reader, so that
    nothing a less privileged role built and it reads (a view, a function a view
    calls) ever runs with the owner's rights. Returns the role taken."""
    if not grants_applied(conn):
        return None
    row = conn.execute("select pg_has_role(current_user, %s, 'MEMBER')", (role,)).fetchone()
    if not (row and row[0]):
        return None
    conn.execute(sql.SQL("set role {}").format(sql.Identifier(role)))
    if not conn.autocommit:
        conn.commit()  # a later rollback must not give the session its rights back
    return role


def grants_applied(conn: psycopg.Connection[Any]) -> bool:
    """Whether `grants` set the roles up in this database (the roles are
    cluster-wide; the transformer's CREATE on this database is not)."""
    row = conn.execute(
        "select has_database_privilege(oid, current_database(), 'CREATE')"
        " from pg_roles where rolname = 'cppa_transformer'"
    ).fetchone()
    return bool(row and row[0])


def apply_pending(conn: psycopg.Connection[Any]) -> list[str]:
    """Apply pending migrations: each in a transaction of its own under a session
    lock on an autocommit connection, or all in the caller's transaction (under a
    transaction lock) otherwise. Returns the names applied."""
    if schema_version(conn) >= latest_version():
        return []  # up to date: no DDL, so a role without CREATE can call this
    if not conn.autocommit:
        conn.execute("select pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        return _apply(conn)
    conn.execute("select pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        return _apply(conn)
    finally:
        conn.execute("select pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


def _apply(conn: psycopg.Connection[Any]) -> list[str]:
    applied: list[str] = []
    with conn.transaction():
        conn.execute("create schema if not exists cppa_raw")
        conn.execute(
            "create table if not exists cppa_raw.schema_version ("
            " version integer primary key, name text not null,"
            " applied_at timestamptz not null default clock_timestamp())"
        )
    current = schema_version(conn)
    for version, name, path in migrations():
        if version <= current:
            continue
        with conn.transaction():
            conn.execute(path.read_text().encode())
            conn.execute(
                "insert into cppa_raw.schema_version (version, name) values (%s, %s)",
                (version, name),
            )
        applied.append(name)
    return applied

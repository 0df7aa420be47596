"""Versioned raw-schema migrations (loaders/sql/migrations/)."""

from __future__ import annotations

from typing import Any

import psycopg

from .. import locks
from ..db import latest_version, migrations, schema_version
from .roles import apply_grants, role_names
from .schemas import RAW


def migrate(conn: psycopg.Connection[Any]) -> list[str]:
    """Apply pending migrations under an advisory lock; return the names applied.
    Where `grants` named this database's roles, it runs again: the roles are
    granted what the new migrations created."""
    conn.autocommit = True
    applied = apply_pending(conn)
    if applied and role_names(conn) is not None:
        apply_grants(conn)
    return applied


def apply_pending(conn: psycopg.Connection[Any]) -> list[str]:
    """Apply pending migrations: each in a transaction of its own under a session
    lock on an autocommit connection, or all in the caller's transaction (under a
    transaction lock) otherwise. Returns the names applied."""
    if schema_version(conn) >= latest_version():
        return []  # up to date: no DDL, so a role without CREATE can call this
    if not conn.autocommit:
        conn.execute("select pg_advisory_xact_lock(%s)", (locks.MIGRATION,))
        return _apply(conn)
    conn.execute("select pg_advisory_lock(%s)", (locks.MIGRATION,))
    try:
        return _apply(conn)
    finally:
        conn.execute("select pg_advisory_unlock(%s)", (locks.MIGRATION,))


def _apply(conn: psycopg.Connection[Any]) -> list[str]:
    applied: list[str] = []
    with conn.transaction():
        conn.execute(f"create schema if not exists {RAW}")
        conn.execute(
            f"create table if not exists {RAW}.schema_version ("
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
                f"insert into {RAW}.schema_version (version, name) values (%s, %s)",
                (version, name),
            )
        applied.append(name)
    return applied

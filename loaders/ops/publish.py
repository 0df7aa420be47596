"""The swap at the end of a run: the side schemas become the published ones in
one transaction (with the run's log entry), and the ones they replaced are
dropped by a later run."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from .catalog import SQL, schema_exists
from .schemas import HISTORY, HISTORY_NEXT, HISTORY_OLD, MARTS, NEXT, OLD, RETIRED
from .write_back import write_back


def _rename(conn: psycopg.Connection[Any], schema: str, to: str) -> None:
    conn.execute(
        sql.SQL("alter schema {} rename to {}").format(sql.Identifier(schema), sql.Identifier(to))
    )


def publish(
    conn: psycopg.Connection[Any], run_id: int, counts: dict[str, int], owners: bool
) -> dict[str, int]:
    """Swap the freshly built marts in: two schema renames in one transaction, which
    take no lock on a published table, so readers are never blocked and never
    deadlock with it. Once `grants` ran, the owner's function does it and first
    takes what the run built over (checked: plain tables only), so nothing the
    transformer role can change is ever read by a more privileged session.
    The same transaction logs the run as a success, so a run killed after its
    publish committed is logged as what it did. Where the Django drop-in's
    tables live in this database, it writes the new identities back into them;
    returns what that changed."""
    with conn.transaction():
        if owners:
            # the owner's function: it takes the new marts over, checked, and swaps
            conn.execute("select cppa_ops.publish_marts(%s)", (run_id,))
        else:
            _swap(conn, run_id)
        written = write_back(conn, MARTS) or {}
        conn.execute(SQL["log_finish"], ("success", Jsonb(counts | written), None, run_id))
        return written


def _swap(conn: psycopg.Connection[Any], run_id: int) -> None:
    """The swap where `grants` never ran: one login does every job."""
    if schema_exists(conn, MARTS):
        _rename(conn, MARTS, f"{OLD}_{run_id}")
    _rename(conn, NEXT, MARTS)
    if schema_exists(conn, HISTORY_NEXT):
        if schema_exists(conn, HISTORY):
            _rename(conn, HISTORY, f"{HISTORY_OLD}_{run_id}")
        _rename(conn, HISTORY_NEXT, HISTORY)


def prepare_history(conn: psycopg.Connection[Any], owners: bool) -> None:
    """Copy the snapshots (membership, candidates) into the side history schema,
    where this run's dbt snapshots append to them; it is swapped in with the
    marts, so a run that fails leaves the published history as it was."""
    names = {"next": sql.Identifier(HISTORY_NEXT), "old": sql.Identifier(HISTORY)}
    with conn.transaction():
        run_schema(conn, HISTORY_NEXT, fresh=True, owners=owners)
        for (table,) in conn.execute(SQL["schema_tables"], (HISTORY,)).fetchall():
            like = "create table {next}.{t} (like {old}.{t} including all)"
            copy = "insert into {next}.{t} select * from {old}.{t}"
            for statement in (like, copy):
                conn.execute(sql.SQL(statement).format(t=sql.Identifier(table), **names))


def run_schema(conn: psycopg.Connection[Any], schema: str, fresh: bool, owners: bool) -> None:
    """Make sure a schema a run builds in exists (`fresh`: empty). Once `grants`
    ran (`owners`: roles.grants_applied), the owner's function does it: the
    transformer creates no schema."""
    if owners:
        conn.execute("select cppa_ops.run_schema(%s, %s)", (schema, fresh))
        return
    name = sql.Identifier(schema)
    if fresh:
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(name))
    conn.execute(sql.SQL("create schema if not exists {}").format(name))


def drop_retired(conn: psycopg.Connection[Any], owners: bool) -> None:
    """Drop mart schemas replaced by earlier runs; skip any still in use (5 s)."""
    for (schema,) in conn.execute(SQL["retired_schemas"], (list(RETIRED),)).fetchall():
        try:
            with conn.transaction():
                conn.execute("set local lock_timeout = '5s'")
                if owners:
                    conn.execute("select cppa_ops.drop_retired_schema(%s)", (schema,))
                else:
                    conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(schema)))
        except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
            continue

"""The swap at the end of a run: the side schemas become the published ones in
one transaction (with the run's log entry), and the ones they replaced are
dropped by a later run. One path: the owner's functions (migration 0015) do
every schema change, before `grants` as after."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from ..errors import RunFailed
from .catalog import SQL
from .project import mart_names, snapshot_names
from .schemas import HISTORY, HISTORY_NEXT, MARTS, OPS, RETIRED
from .write_back import write_back


def publish(conn: psycopg.Connection[Any], run_id: int, counts: dict[str, int]) -> dict[str, int]:
    """Swap the freshly built marts in: two schema renames in one transaction, which
    take no lock on a published table, so readers are never blocked and never
    deadlock with it. The owner's function does it and first takes what the run
    built over (checked: plain tables only), so nothing the transformer role can
    change is ever read by a more privileged session. The same transaction logs
    the run as a success, so a run killed after its publish committed is logged
    as what it did. Where the Django drop-in's tables live in this database, it
    writes the new identities back into them; returns what that changed."""
    with conn.transaction():
        conn.execute(f"select {OPS}.publish_marts(%s)", (run_id,))
        refuse_unbuilt(conn)
        written = write_back(conn, MARTS) or {}
        conn.execute(SQL["log_finish"], ("success", Jsonb(counts | written), None, run_id))
        return written


def refuse_unbuilt(conn: psycopg.Connection[Any]) -> None:
    """Raise RunFailed (the publish's transaction is rolled back) when the schemas
    just published hold a relation this run does not build: another transformer
    login can create one in the side schemas while a run builds, and the owner's
    function takes plain tables over. Checked after it took them over, when no
    transformer login can create there any more; a foreign table in the marts
    would have stopped every later run (catalog.refuse_foreign_objects)."""
    for schema, ours in ((MARTS, mart_names()), (HISTORY, snapshot_names())):
        exists = conn.execute(SQL["schema_exists"], (schema,)).fetchone()
        if not (exists and exists[0]):
            continue
        rows = conn.execute(SQL["foreign_objects"], {"schema": schema, "ours": sorted(ours)})
        foreign = [str(r[0]) for r in rows.fetchall()]
        if foreign:
            raise RunFailed(
                f"what the run was publishing as {schema} held {', '.join(foreign)}, which it did not build"
                " (another transformer login made it while the run built): nothing was published",
                "find who made it (the transformer role's logins), then run again",
            )


def prepare_history(conn: psycopg.Connection[Any]) -> None:
    """Copy the snapshots (membership, candidates) into the side history schema,
    where this run's dbt snapshots append to them; it is swapped in with the
    marts, so a run that fails leaves the published history as it was."""
    names = {"next": sql.Identifier(HISTORY_NEXT), "old": sql.Identifier(HISTORY)}
    with conn.transaction():
        run_schema(conn, HISTORY_NEXT, fresh=True)
        for (table,) in conn.execute(SQL["schema_tables"], (HISTORY,)).fetchall():
            like = "create table {next}.{t} (like {old}.{t} including all)"
            copy = "insert into {next}.{t} select * from {old}.{t}"
            for statement in (like, copy):
                conn.execute(sql.SQL(statement).format(t=sql.Identifier(table), **names))


def run_schema(conn: psycopg.Connection[Any], schema: str, fresh: bool) -> None:
    """Make sure a schema a run builds in exists (`fresh`: empty), the transformer
    role's (the login's before `grants`): the owner's function creates it, so
    the transformer creates no schema."""
    conn.execute(f"select {OPS}.run_schema(%s, %s)", (schema, fresh))


def drop_retired(conn: psycopg.Connection[Any]) -> None:
    """Drop mart schemas replaced by earlier runs; skip any still in use (5 s)."""
    for (schema,) in conn.execute(SQL["retired_schemas"], (list(RETIRED),)).fetchall():
        try:
            with conn.transaction():
                conn.execute("set local lock_timeout = '5s'")
                conn.execute(f"select {OPS}.drop_retired_schema(%s)", (schema,))
        except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
            continue

"""`cppa-identity run`: migrate, lock, fix a watermark, build the marts into a side
schema, swap it in atomically when every model and test passed, log the run."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from ..db import Database, connect
from ..errors import RunFailed, RunLocked, wrap_db_errors
from .dbt_runner import run_dbt
from .migrations import migrate
from .project import mart_names, raw_tables, seeds_checksum
from .roles import READER, TRANSFORMER, role_for, role_names

RUN_LOCK = 74_657_302
MARTS = "cppa_identity"
NEXT = "cppa_identity__next"
OLD = "cppa_identity__old"
HISTORY = "cppa_identity_history"
HISTORY_NEXT = "cppa_identity_history__next"
HISTORY_OLD = "cppa_identity_history__old"
SNAPSHOT_RE = re.compile(r"^\d+:\d+:(\d+(,\d+)*)?$")


@dataclass(frozen=True)
class RunStep:
    """Progress of a run: a stage (`migrate`, `lock`, `build`, `node`, `publish`)
    and, for `node`, the dbt node that finished and its status."""

    stage: str
    message: str
    node: str | None = None
    status: str | None = None

    @property
    def is_quiet(self) -> bool:
        """A node that passed: counted by a progress display, not printed."""
        return self.stage == "node" and self.status in ("success", "pass", "skipped")


def _no_progress(_: RunStep) -> None:
    return None


@dataclass
class RunSummary:
    run_id: int
    outcome: str
    watermark: str
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "outcome": self.outcome,
            "watermark": self.watermark,
            "seconds": round(self.seconds, 3),
            "counts": self.counts,
            "failures": self.failures,
            "error": self.error,
        }


def acquire_run_lock(conn: psycopg.Connection[Any], wait: float) -> None:
    deadline = time.monotonic() + max(wait, 0)
    while True:
        row = conn.execute("select pg_try_advisory_lock(%s)", (RUN_LOCK,)).fetchone()
        if row and row[0]:
            return
        if time.monotonic() >= deadline:
            raise RunLocked(
                f"another `cppa-identity run` is in progress (waited {wait:g} s); "
                "try again later or pass a longer --wait"
            )
        time.sleep(0.2)


def pending_rows(conn: psycopg.Connection[Any], watermark: str | None) -> int:
    """Raw rows not covered by `watermark` (all rows when there is none)."""
    visible = (
        sql.SQL("true")
        if watermark is None
        else sql.SQL("not pg_visible_in_snapshot(loaded_xid, {}::pg_snapshot)").format(
            sql.Literal(watermark)
        )
    )
    query = sql.SQL(" + ").join(
        sql.SQL("(select count(*) from cppa_raw.{} where {})").format(sql.Identifier(t), visible)
        for t in raw_tables()
    )
    row = conn.execute(sql.SQL("select {}").format(query)).fetchone()
    return int(row[0]) if row else 0


def last_success(conn: psycopg.Connection[Any]) -> tuple[int, str] | None:
    row = conn.execute(
        "select run_id, watermark::text from cppa_ops.runs where outcome in ('success', 'noop')"
        " order by run_id desc limit 1"
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


SEEDS_KEY = "seeds_checksum"
SEEDS_SCHEMA = "cppa_identity_config"


def seeds_loaded(conn: psycopg.Connection[Any], checksum: str) -> bool:
    """True when the seeds in the database are the ones shipped now (same checksum
    recorded, tables present): the run can skip reloading them."""
    row = conn.execute(
        "select value from cppa_ops.settings where key = %s", (SEEDS_KEY,)
    ).fetchone()
    return bool(
        row and row[0] == checksum and relation_exists(conn, SEEDS_SCHEMA, "evidence_kinds")
    )


def put_setting(conn: psycopg.Connection[Any], key: str, value: str) -> None:
    conn.execute(
        "insert into cppa_ops.settings (key, value) values (%s, %s)"
        " on conflict (key) do update set value = excluded.value,"
        " updated_at = clock_timestamp()",
        (key, value),
    )


def record_seeds(conn: psycopg.Connection[Any], checksum: str) -> None:
    put_setting(conn, SEEDS_KEY, checksum)


def relation_exists(conn: psycopg.Connection[Any], schema: str, table: str) -> bool:
    row = conn.execute("select to_regclass(%s) is not null", (f'"{schema}"."{table}"',)).fetchone()
    return bool(row and row[0])


def mart_counts(conn: psycopg.Connection[Any], schema: str = MARTS) -> dict[str, int]:
    """Row counts of the main marts in `schema` (empty when they do not exist)."""
    tables = {
        "profiles": "base_profile",
        "identities": "identity",
        "candidates": "identity_merge_candidate",
        "conflicts": "identity_conflict",
    }
    counts: dict[str, int] = {}
    for name, table in tables.items():
        if relation_exists(conn, schema, table):
            row = conn.execute(
                sql.SQL("select count(*) from {}.{}").format(
                    sql.Identifier(schema), sql.Identifier(table)
                )
            ).fetchone()
            counts[name] = int(row[0]) if row else 0
    return counts


def rows_left_out(conn: psycopg.Connection[Any], schema: str = MARTS) -> int:
    """Raw rows the merge could not use and left out (mart raw_rows_left_out)."""
    if not relation_exists(conn, schema, "raw_rows_left_out"):
        return 0
    row = conn.execute(
        sql.SQL("select coalesce(sum(row_count), 0) from {}.raw_rows_left_out").format(
            sql.Identifier(schema)
        )
    ).fetchone()
    return int(row[0]) if row else 0


def _new_candidates(conn: psycopg.Connection[Any]) -> int:
    if not relation_exists(conn, NEXT, "identity_merge_candidate"):
        return 0
    if not relation_exists(conn, MARTS, "identity_merge_candidate"):
        return mart_counts(conn, NEXT).get("candidates", 0)
    row = conn.execute(
        "select count(*) from cppa_identity__next.identity_merge_candidate as n"
        " where not exists (select from cppa_identity.identity_merge_candidate as o"
        " where o.candidate_id = n.candidate_id)"
    ).fetchone()
    return int(row[0]) if row else 0


def _changes(conn: psycopg.Connection[Any], since: Any) -> dict[str, int]:
    if not relation_exists(conn, NEXT, "identity_change"):
        return {"merges": 0, "splits": 0}
    row = conn.execute(
        "select count(*) filter (where change_type = 'merge'),"
        " count(*) filter (where change_type = 'split')"
        " from cppa_identity__next.identity_change where changed_at >= %s",
        (since,),
    ).fetchone()
    return {"merges": int(row[0]), "splits": int(row[1])} if row else {}


FOREIGN_OBJECTS = """
select format('%%s (%%s)', c.oid::regclass, case c.relkind when 'r' then 'table'
    when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence'
    when 'f' then 'foreign table' else 'partitioned table' end)
from pg_class as c
where c.relnamespace = %(schema)s::regnamespace and c.relkind in ('r', 'v', 'm', 'S', 'f', 'p')
    and not c.relname = any(%(ours)s)
union all
select format('%%s (function)', p.oid::regprocedure)
from pg_proc as p where p.pronamespace = %(schema)s::regnamespace
order by 1
"""


def refuse_foreign_objects(conn: psycopg.Connection[Any]) -> None:
    """Publishing moves the marts schema aside whole: refuse (RunFailed, nothing
    built) while it holds an object this project does not build."""
    if not _schema_exists(conn, MARTS):
        return
    rows = conn.execute(FOREIGN_OBJECTS, {"schema": MARTS, "ours": sorted(mart_names())})
    foreign = [str(r[0]) for r in rows.fetchall()]
    if foreign:
        raise RunFailed(
            f"{MARTS} holds {', '.join(foreign)}, which cppa-identity does not build;"
            " publishing would move it aside with the old marts, so nothing was run",
            f"move it to a schema of its own (ALTER TABLE … SET SCHEMA …) and run again;"
            f" {MARTS} belongs to cppa-identity",
        )


def publish(conn: psycopg.Connection[Any], run_id: int) -> dict[str, int]:
    """Swap the freshly built marts in: two schema renames in one transaction, which
    take no table locks, so readers are never blocked and never deadlock with it.
    The replaced schema is dropped by a later run (see drop_retired). Where the
    Django drop-in's tables live in this database, the same transaction writes
    the new identities back into them; returns what that changed."""
    from ..django_app import mirror  # plain psycopg: no Django needed

    with conn.transaction():
        reader = (role_names(conn) or {}).get(READER)
        if reader:
            for schema in (NEXT, SEEDS_SCHEMA) if _schema_exists(conn, SEEDS_SCHEMA) else (NEXT,):
                names = {"schema": sql.Identifier(schema), "role": sql.Identifier(reader)}
                conn.execute(sql.SQL("grant usage on schema {schema} to {role}").format(**names))
                conn.execute(
                    sql.SQL("grant select on all tables in schema {schema} to {role}").format(
                        **names
                    )
                )
        if _schema_exists(conn, MARTS):
            conn.execute(f"alter schema {MARTS} rename to {OLD}_{run_id}")
        conn.execute(f"alter schema {NEXT} rename to {MARTS}")
        if _schema_exists(conn, HISTORY_NEXT):
            if _schema_exists(conn, HISTORY):
                conn.execute(f"alter schema {HISTORY} rename to {HISTORY_OLD}_{run_id}")
            conn.execute(f"alter schema {HISTORY_NEXT} rename to {HISTORY}")
        return mirror.write_back(conn, MARTS) or {}


def prepare_history(conn: psycopg.Connection[Any]) -> None:
    """Copy the snapshots (membership, candidates) into the side history schema,
    where this run's dbt snapshots append to them; it is swapped in with the
    marts, so a run that fails leaves the published history as it was."""
    names = {"next": sql.Identifier(HISTORY_NEXT), "old": sql.Identifier(HISTORY)}
    with conn.transaction():
        conn.execute(f"drop schema if exists {HISTORY_NEXT} cascade")
        tables = conn.execute(
            "select tablename from pg_tables where schemaname = %s order by 1", (HISTORY,)
        ).fetchall()
        if tables:
            conn.execute(f"create schema {HISTORY_NEXT}")
        for (table,) in tables:
            like = "create table {next}.{t} (like {old}.{t} including all)"
            copy = "insert into {next}.{t} select * from {old}.{t}"
            for statement in (like, copy):
                conn.execute(sql.SQL(statement).format(t=sql.Identifier(table), **names))


def drop_retired(conn: psycopg.Connection[Any]) -> None:
    """Drop mart schemas replaced by earlier runs; skip any still in use (5 s)."""
    for (schema,) in conn.execute(
        r"select nspname from pg_namespace where nspname like 'cppa\_identity\_\_old%'"
        r" or nspname like 'cppa\_identity\_history\_\_old%'"
        " order by nspname"
    ).fetchall():
        try:
            with conn.transaction():
                conn.execute("set local lock_timeout = '5s'")
                conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(schema)))
        except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
            continue


def _schema_exists(conn: psycopg.Connection[Any], schema: str) -> bool:
    row = conn.execute(
        "select exists (select from pg_namespace where nspname = %s)", (schema,)
    ).fetchone()
    return bool(row and row[0])


def run_role(conn: psycopg.Connection[Any]) -> str | None:
    """The role a run works as: this database's transformer role when `grants`
    set it up and this login may take it (its members, the owner), so that
    whatever a run builds belongs to that role and any of its logins can
    replace it, whoever ran first."""
    return role_for(conn, TRANSFORMER)


def run(
    database: Database,
    wait: float = 0.0,
    full: bool = False,
    progress: Callable[[RunStep], None] = _no_progress,
    unit_tests: bool = False,
) -> RunSummary:
    """One scheduled merge run. Raises RunLocked; returns the summary otherwise.

    Data tests guard every publish; dbt's unit tests (the models' logic on
    hand-written rows, independent of the data) run when `unit_tests` is set:
    in `demo`, `run --unit-tests` and CI."""
    started = time.monotonic()
    with wrap_db_errors("run"), connect(database, autocommit=True) as conn:
        progress(RunStep("migrate", "applying migrations"))
        migrate(conn)
        role = run_role(conn)
        if role:
            conn.execute(sql.SQL("set role {}").format(sql.Identifier(role)))
        progress(RunStep("lock", "taking the run lock"))
        acquire_run_lock(conn, wait)
        try:
            return _locked_run(conn, database, full, progress, started, unit_tests)
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (RUN_LOCK,))


def _locked_run(
    conn: psycopg.Connection[Any],
    database: Database,
    full: bool,
    progress: Callable[[RunStep], None],
    started: float,
    unit_tests: bool = False,
) -> RunSummary:
    conn.execute(
        "update cppa_ops.runs set outcome = 'failed', finished_at = clock_timestamp(),"
        " message = 'interrupted (the process died; its lock was released)'"
        " where outcome = 'running'"
    )  # we hold the lock: no other run is alive
    previous = last_success(conn)
    row = conn.execute("select pg_current_snapshot()::text").fetchone()
    assert row is not None
    watermark = str(row[0])
    if not SNAPSHOT_RE.match(watermark):
        raise ValueError(f"unexpected snapshot text {watermark!r}")
    before = mart_counts(conn)
    if (
        not full
        and previous is not None
        and "identities" in before
        and pending_rows(conn, previous[1]) == 0
    ):
        row = conn.execute(
            "insert into cppa_ops.runs (finished_at, watermark, outcome, counts)"
            " values (clock_timestamp(), %s, 'noop', %s) returning run_id",
            (previous[1], Jsonb(before)),
        ).fetchone()
        assert row is not None
        return RunSummary(int(row[0]), "noop", previous[1], time.monotonic() - started, before)
    refuse_foreign_objects(conn)
    row = conn.execute(
        "insert into cppa_ops.runs (watermark) values (%s) returning run_id, started_at",
        (watermark,),
    ).fetchone()
    assert row is not None
    run_id, started_at = int(row[0]), row[1]
    conn.execute(f"drop schema if exists {NEXT} cascade")
    drop_retired(conn)
    prepare_history(conn)
    checksum = seeds_checksum()
    reload_seeds = not seeds_loaded(conn, checksum)
    progress(RunStep("build", "building models and running tests (dbt build)"))
    command = ["build"]
    if not reload_seeds:
        command += ["--exclude", "resource_type:seed"]
    if not unit_tests:
        command += ["--exclude-resource-type", "unit_test"]
    result = run_dbt(
        database,
        command,
        {"marts_schema": NEXT, "history_schema": HISTORY_NEXT},
        on_node=lambda name, status: progress(RunStep("node", f"{status:<7} {name}", name, status)),
        watermark=watermark,
        role=run_role(conn),
    )
    failures = result.failures()
    counts: dict[str, int] = {
        "test_failures": sum(1 for r in failures if "test" in r["resource_type"]),
        "model_errors": sum(1 for r in failures if "test" not in r["resource_type"]),
        "unit_tests": sum(1 for r in result.results if r["resource_type"] == "unit_test"),
    }
    if result.success:
        if reload_seeds:
            record_seeds(conn, checksum)
        after = mart_counts(conn, NEXT)
        counts.update(after)
        counts["new_profiles"] = after.get("profiles", 0) - before.get("profiles", 0)
        counts["new_candidates"] = _new_candidates(conn)
        counts["rows_left_out"] = rows_left_out(conn, NEXT)
        counts.update(_changes(conn, started_at))
        progress(RunStep("publish", "publishing the new marts"))
        counts.update(publish(conn, run_id))
    outcome = "success" if result.success else "failed"
    conn.execute(
        "update cppa_ops.runs set finished_at = clock_timestamp(), outcome = %s,"
        " counts = %s, message = %s where run_id = %s",
        (outcome, Jsonb(counts), result.error, run_id),
    )
    return RunSummary(
        run_id, outcome, watermark, time.monotonic() - started, counts, failures, result.error
    )

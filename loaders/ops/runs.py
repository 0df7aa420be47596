"""`cppa-identity run`: migrate, lock, fix a watermark, build the marts into a side
schema, swap it in atomically when every model and test passed, log the run.
Every run that starts is logged: success, failed (whatever failed, permission
errors too), noop, or cancelled (Ctrl-C), with its kind: `full` (every model
built) or `unchanged` (nothing a build reads changed since the last published
run: no dbt, nothing written but the log row)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from .. import locks
from ..db import Database, connect, mask, schema_version
from ..errors import CppaIdentityError, RunCancelled, RunLocked, wrap_db_errors
from .catalog import (
    MART_TABLES,
    NAME_POLICY_BUILT_KEY,
    SQL,
    changes,
    mart_counts,
    name_policy,
    new_candidates,
    put_setting,
    raw_changed_since,
    record_seeds,
    refuse_foreign_objects,
    relation_exists,
    rows_left_out,
    seeds_loaded,
)
from .dbt_runner import run_dbt
from .migrations import migrate
from .project import project_checksum, seeds_checksum
from .publish import drop_retired, prepare_history, publish, run_schema
from .roles import TRANSFORMER, refuse_privileged_run, role_for
from .schemas import HISTORY_NEXT, MARTS, NEXT, OPS, SEEDS, WORK

SNAPSHOT_RE = re.compile(r"^\d+:\d+:(\d+(,\d+)*)?$")


@dataclass(frozen=True)
class RunStep:
    """Progress of a run: a stage (`migrate`, `lock`, `build`, `node`, `publish`)
    and, for `node`, the dbt node that finished, its status, and how many of
    the build's nodes are done out of how many."""

    stage: str
    message: str
    node: str | None = None
    status: str | None = None
    done: int = 0
    total: int = 0

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
    kind: str = "full"  # full | incremental | unchanged

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "kind": self.kind,
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
        row = conn.execute(SQL["try_lock"], (locks.RUN,)).fetchone()
        if row and row[0]:
            return
        if time.monotonic() >= deadline:
            raise RunLocked(
                f"another `cppa-identity run` is in progress (waited {wait:g} s); "
                "try again later or pass a longer --wait"
            )
        time.sleep(0.2)


@dataclass(frozen=True)
class Published:
    """The last published run: its id, the watermark its build read raw rows
    at, and the inputs it was built from (build_inputs; None before 0017)."""

    run_id: int
    watermark: str
    inputs: str | None


def last_published(conn: psycopg.Connection[Any]) -> Published | None:
    row = conn.execute(SQL["last_success"]).fetchone()
    return Published(int(row[0]), str(row[1]), row[2]) if row else None


def last_success(conn: psycopg.Connection[Any]) -> tuple[int, str] | None:
    found = last_published(conn)
    return (found.run_id, found.watermark) if found else None


def build_inputs(conn: psycopg.Connection[Any], policy: str) -> str:
    """What a build reads besides raw rows, as one text: the dbt project's files
    (models, macros, seeds, tests), the name policy it runs with, the raw
    schema's version (the functions the models call) and the server's (what
    those functions do: a memoised model keeps their results)."""
    row = conn.execute("select current_setting('server_version_num')").fetchone()
    return json.dumps(
        {
            "project": project_checksum(),
            "name_join_policy": policy,
            "schema_version": schema_version(conn),
            "server_version": row[0] if row else None,
        },
        sort_keys=True,
    )


def unchanged_since(conn: psycopg.Connection[Any], previous: Published | None, inputs: str) -> bool:
    """True when a build now would read what the last published run read: the
    same inputs and no raw row that run did not see, and its marts still there."""
    return (
        previous is not None
        and previous.inputs == inputs
        and relation_exists(conn, MARTS, "identity")
        and not raw_changed_since(conn, previous.watermark)
    )


WORK_INPUTS_KEY = "work_inputs"  # cppa_ops.settings: the inputs the work schema was built from


def build_kind(
    conn: psycopg.Connection[Any], previous: Published | None, inputs: str, full: bool
) -> str:
    """`incremental` when the memoised models may keep what earlier builds left in
    the work schema: the last published run and the builds since read the same
    inputs (project files, seeds, policy, schema version: the functions that
    made the memos' rows); `full` otherwise, and always under `run --full`."""
    if full or previous is None or previous.inputs != inputs:
        return "full"
    row = conn.execute(f"select value from {OPS}.settings where key = %s", (WORK_INPUTS_KEY,))
    found = row.fetchone()
    return "incremental" if found and found[0] == inputs else "full"


def run_role(conn: psycopg.Connection[Any]) -> str | None:
    """The role a run works as: this database's transformer role when `grants`
    set it up (and the login holds it and nothing more: refuse_privileged_run),
    so that whatever a run builds belongs to that role and any of its logins
    can replace it, whoever ran first."""
    return role_for(conn, TRANSFORMER)


def run(
    database: Database,
    wait: float = 0.0,
    full: bool = False,
    progress: Callable[[RunStep], None] = _no_progress,
    unit_tests: bool = False,
) -> RunSummary:
    """One scheduled merge run. Raises RunLocked, RunCancelled (Ctrl-C, logged);
    returns the summary otherwise, failed runs included (logged).

    Data tests guard every publish; dbt's unit tests (the models' logic on
    hand-written rows, independent of the data) run when `unit_tests` is set:
    in `demo`, `run --unit-tests` and CI."""
    started = time.monotonic()
    with wrap_db_errors("run"), connect(database, autocommit=True) as conn:
        progress(RunStep("migrate", "applying migrations"))
        migrate(conn)
        refuse_privileged_run(conn)
        role = run_role(conn)
        if role:
            conn.execute(sql.SQL("set role {}").format(sql.Identifier(role)))
        progress(RunStep("lock", "taking the run lock"))
        acquire_run_lock(conn, wait)
        try:
            return _locked_run(conn, database, full, progress, started, unit_tests, role)
        finally:
            if not conn.closed and not conn.broken:
                conn.execute(SQL["unlock"], (locks.RUN,))


def _log_end(
    database: Database, run_id: int, outcome: str, message: str, role: str | None
) -> str | None:
    """Log how a run ended on a connection of its own (the run's may be broken:
    a cancelled query, a lost server); a run its publish logged stays as logged.
    Returns the outcome on record (None when the server cannot be reached)."""
    try:
        with connect(database, autocommit=True) as conn:
            if role:
                conn.execute(sql.SQL("set role {}").format(sql.Identifier(role)))
            conn.execute(SQL["log_finish"], (outcome, Jsonb({}), message, run_id))
            row = conn.execute(SQL["outcome"], (run_id,)).fetchone()
            return str(row[0]) if row else None
    except (psycopg.Error, CppaIdentityError):
        return None  # the server is gone: the next run marks this one interrupted


def _locked_run(
    conn: psycopg.Connection[Any],
    database: Database,
    full: bool,
    progress: Callable[[RunStep], None],
    started: float,
    unit_tests: bool,
    role: str | None,
) -> RunSummary:
    conn.execute(SQL["mark_interrupted"])  # we hold the lock: no other run is alive
    previous = last_published(conn)
    row = conn.execute(SQL["snapshot"]).fetchone()
    assert row is not None
    watermark = str(row[0])
    if not SNAPSHOT_RE.match(watermark):
        raise ValueError(f"unexpected snapshot text {watermark!r}")
    inputs = build_inputs(conn, name_policy(conn))
    if not full and previous is not None and unchanged_since(conn, previous, inputs):
        keys = {"keys": list(MART_TABLES), "published": previous.run_id}
        row = conn.execute(SQL["log_noop"], keys).fetchone()
        assert row is not None
        counts = {str(k): int(v) for k, v in row[1].items()}
        seconds = time.monotonic() - started
        return RunSummary(
            int(row[0]), "noop", previous.watermark, seconds, counts, kind="unchanged"
        )
    before = mart_counts(conn)
    kind = build_kind(conn, previous, inputs, full)
    row = conn.execute(SQL["log_start"], (watermark, kind, inputs)).fetchone()
    assert row is not None
    run_id, started_at = int(row[0]), row[1]
    try:
        return _build(
            _Run(
                conn,
                database,
                progress,
                started,
                unit_tests,
                role,
                run_id,
                started_at,
                watermark,
                before,
                kind,
                inputs,
            )
        )
    except KeyboardInterrupt:
        _log_end(database, run_id, "cancelled", "cancelled by its caller (Ctrl-C)", role)
        raise RunCancelled(f"run {run_id} cancelled; the published marts are unchanged") from None
    except BaseException as exc:
        message = mask(str(exc) or type(exc).__name__, database)
        _log_end(database, run_id, "failed", message, role)
        raise


@dataclass(frozen=True)
class _Run:
    """One run that holds the lock and was logged as started: what building and
    publishing it needs."""

    conn: psycopg.Connection[Any]  # the run's own connection, working as `role`
    database: Database
    progress: Callable[[RunStep], None]
    started: float  # time.monotonic() when the run began
    unit_tests: bool
    role: str | None  # the transformer role, once `grants` ran
    run_id: int
    started_at: Any  # the log's started_at: what changed since is counted
    watermark: str  # the pg_snapshot text dbt's staging models read
    before: dict[str, int]  # the published marts' counts
    kind: str  # full | incremental (build_kind)
    inputs: str  # build_inputs


def _build(run: _Run) -> RunSummary:
    conn, progress, started, watermark = run.conn, run.progress, run.started, run.watermark
    refuse_foreign_objects(conn)
    # NEXT starts empty, and WORK too on a full build (its memoised models are
    # built from nothing); WORK and SEEDS are the transformer's, and once
    # `grants` ran only a transformer login runs (roles.refuse_privileged_run)
    checksum = seeds_checksum()
    reload_seeds = not seeds_loaded(conn, checksum)
    # seeds that changed load into an empty schema: a seed whose columns changed
    # (a new version's) is created anew, not appended to the old table
    fresh_work = run.kind == "full"
    for schema, fresh in ((NEXT, True), (WORK, fresh_work), (SEEDS, reload_seeds)):
        run_schema(conn, schema, fresh)
    if fresh_work:
        put_setting(conn, WORK_INPUTS_KEY, run.inputs)
    drop_retired(conn)
    prepare_history(conn)
    policy = name_policy(conn)
    progress(RunStep("build", "building models and running tests (dbt build)"))
    command = ["build"]
    if not reload_seeds:
        command += ["--exclude", "resource_type:seed"]
    if not run.unit_tests:
        command += ["--exclude-resource-type", "unit_test"]
    done = 0

    def on_node(name: str, status: str, total: int) -> None:
        nonlocal done
        done += 1
        progress(RunStep("node", f"{status:<7} {name}", name, status, done, total))

    result = run_dbt(
        run.database,
        command,
        {
            "marts_schema": NEXT,
            "history_schema": HISTORY_NEXT,
            "name_join_policy": policy,
        },
        on_node=on_node,
        watermark=watermark,
        role=run.role,
    )
    failures = result.failures()
    counts: dict[str, int] = {
        "test_failures": sum(1 for r in failures if "test" in r["resource_type"]),
        "model_errors": sum(1 for r in failures if "test" not in r["resource_type"]),
        "unit_tests": sum(1 for r in result.results if r["resource_type"] == "unit_test"),
    }
    if not result.success:
        conn.execute(SQL["log_finish"], ("failed", Jsonb(counts), result.error, run.run_id))
        return RunSummary(
            run.run_id,
            "failed",
            watermark,
            time.monotonic() - started,
            counts,
            failures,
            result.error,
            kind=run.kind,
        )
    if reload_seeds:
        record_seeds(conn, checksum)
    put_setting(conn, NAME_POLICY_BUILT_KEY, policy)
    after = mart_counts(conn, NEXT)
    counts.update(after)
    counts["new_profiles"] = after.get("profiles", 0) - run.before.get("profiles", 0)
    counts["new_candidates"] = new_candidates(conn)
    counts["rows_left_out"] = rows_left_out(conn, NEXT)
    counts.update(changes(conn, run.started_at))
    progress(RunStep("publish", "publishing the new marts"))
    counts.update(publish(conn, run.run_id, counts))
    return RunSummary(
        run.run_id,
        "success",
        watermark,
        time.monotonic() - started,
        counts,
        failures,
        None,
        kind=run.kind,
    )

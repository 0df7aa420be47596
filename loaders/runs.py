"""`cppa-identity run`: migrate, lock, fix a watermark, dbt build, log the run."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from .db import Database, connect, migrate
from .dbt_runner import DbtResult, run_dbt
from .errors import RunLocked, wrap_db_errors

RUN_LOCK = 74_657_302
SNAPSHOT_RE = re.compile(r"^\d+:\d+:(\d+(,\d+)*)?$")
RAW_TABLES = (
    "profiles",
    "unknown_github_authors",
    "github_accounts",
    "slack_users",
    "discord_profiles",
    "mailing_list_profiles",
    "wg21_paper_author_profiles",
    "youtube_speakers",
    "emails",
    "identities",
    "tmp_identities",
    "temp_profile_identity_relation_keys",
    "temp_profile_identity_relations",
    "manual_decisions",
)


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
    total = 0
    for table in RAW_TABLES:
        query = psycopg.sql.SQL("select count(*) from cppa_raw.{} where {}").format(
            psycopg.sql.Identifier(table),
            psycopg.sql.SQL("true")
            if watermark is None
            else psycopg.sql.SQL("not pg_visible_in_snapshot(loaded_xid, {}::pg_snapshot)").format(
                psycopg.sql.Literal(watermark)
            ),
        )
        row = conn.execute(query).fetchone()
        total += int(row[0]) if row else 0
    return total


def last_success(conn: psycopg.Connection[Any]) -> tuple[int, str] | None:
    row = conn.execute(
        "select run_id, watermark::text from cppa_ops.runs where outcome in ('success', 'noop')"
        " order by run_id desc limit 1"
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def marts_exist(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute("select to_regclass('cppa_identity.identity') is not null").fetchone()
    return bool(row and row[0])


MART_COUNTS = {
    "profiles": "select count(*) from cppa_identity.base_profile",
    "identities": "select count(*) from cppa_identity.identity",
    "candidates": "select count(*) from cppa_identity.identity_merge_candidate",
    "conflicts": "select count(*) from cppa_identity.identity_conflict",
}


def mart_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, query in MART_COUNTS.items():
        table = query.rsplit(" ", 1)[-1]
        row = conn.execute("select to_regclass(%s) is not null", (table,)).fetchone()
        if row and row[0]:
            value = conn.execute(query).fetchone()
            counts[name] = int(value[0]) if value else 0
    return counts


def change_counts(conn: psycopg.Connection[Any], since: Any) -> dict[str, int]:
    row = conn.execute("select to_regclass('cppa_identity.identity_change') is not null").fetchone()
    if not (row and row[0]):
        return {"merges": 0, "splits": 0}
    row = conn.execute(
        "select count(*) filter (where change_type = 'merge'),"
        " count(*) filter (where change_type = 'split')"
        " from cppa_identity.identity_change where changed_at >= %s",
        (since,),
    ).fetchone()
    return {"merges": int(row[0]), "splits": int(row[1])} if row else {}


def run(
    database: Database,
    wait: float = 0.0,
    full: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> RunSummary:
    """One scheduled merge run. Raises RunLocked; returns the summary otherwise."""
    started = time.monotonic()
    with wrap_db_errors("run"), connect(database, autocommit=True) as conn:
        progress("applying migrations")
        migrate(conn)
        progress("taking the run lock")
        acquire_run_lock(conn, wait)
        try:
            previous = last_success(conn)
            watermark = str(conn.execute("select pg_current_snapshot()::text").fetchone()[0])  # type: ignore[index]
            if not SNAPSHOT_RE.match(watermark):
                raise ValueError(f"unexpected snapshot text {watermark!r}")
            before = mart_counts(conn)
            if (
                not full
                and previous is not None
                and marts_exist(conn)
                and pending_rows(conn, previous[1]) == 0
            ):
                row = conn.execute(
                    "insert into cppa_ops.runs (finished_at, watermark, outcome, counts)"
                    " values (clock_timestamp(), %s, 'noop', %s) returning run_id",
                    (previous[1], Jsonb(before)),
                ).fetchone()
                assert row is not None
                return RunSummary(
                    int(row[0]),
                    "noop",
                    previous[1],
                    time.monotonic() - started,
                    before,
                )
            row = conn.execute(
                "insert into cppa_ops.runs (watermark) values (%s) returning run_id, started_at",
                (watermark,),
            ).fetchone()
            assert row is not None
            run_id, started_at = int(row[0]), row[1]
            progress("running dbt build")
            result: DbtResult = run_dbt(database, ["build"], {"watermark": watermark})
            after = mart_counts(conn)
            counts = {
                "new_profiles": after.get("profiles", 0) - before.get("profiles", 0),
                "new_candidates": after.get("candidates", 0) - before.get("candidates", 0),
                **after,
                **change_counts(conn, started_at),
                "test_failures": sum(1 for r in result.failures() if "test" in r["resource_type"]),
                "model_errors": sum(
                    1 for r in result.failures() if "test" not in r["resource_type"]
                ),
            }
            outcome = "success" if result.success else "failed"
            conn.execute(
                "update cppa_ops.runs set finished_at = clock_timestamp(), outcome = %s,"
                " counts = %s, message = %s where run_id = %s",
                (outcome, Jsonb(counts), result.error, run_id),
            )
            return RunSummary(
                run_id,
                outcome,
                watermark,
                time.monotonic() - started,
                counts,
                result.failures(),
                result.error,
            )
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (RUN_LOCK,))

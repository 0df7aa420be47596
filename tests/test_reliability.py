"""Concurrency, crashes and restarts: what collectors and readers can rely on."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

import loaders as L
from loaders import db as dbmod
from loaders.errors import RunCancelled
from loaders.ops import embedded, migrations
from loaders.ops.runs import RunStep, run

from .helpers import hears_ctrl_c

PLATFORMS = ("github", "slack", "discord", "mailing_list")


def _collector(conninfo: str, platform: str, seconds: float, out: Any) -> None:
    """Load one platform until the deadline: single calls and small bulk batches."""
    os.environ[dbmod.DSN_ENV] = conninfo
    import loaders

    deadline, n, errors = time.monotonic() + seconds, 0, 0
    while time.monotonic() < deadline:
        n += 1
        try:
            if platform == "github":
                loaders.load_github_accounts(
                    [
                        {
                            "github_account_id": n * 10 + k,
                            "username": f"gh{n}-{k}",
                            "email": f"person{n}-{k}@stress.example",
                        }
                        for k in range(10)
                    ]
                )
            elif platform == "slack":
                loaders.get_or_create_slack_user(
                    {
                        "id": f"U{n}",
                        "name": f"s{n}",
                        "profile": {"email": f"person{n}-0@stress.example"},
                    }
                )
            elif platform == "discord":
                loaders.get_or_create_discord_profile(n, f"d{n}", f"D {n}")
            else:
                loaders.get_or_create_mailing_list_profile(
                    f"Person {n}", f"person{n}-1@stress.example"
                )
        except Exception:
            errors += 1
    dbmod.close_pool()
    out.put((platform, n, errors))


def _consistent(conn: psycopg.Connection[Any]) -> bool:
    """One published state: every profile's identity exists, counts agree."""
    row = conn.execute("""
        select
            (select count(*) from cppa_identity.base_profile as b where not exists (
                select from cppa_identity.identity as i where i.id = b.identity_id)),
            (select count(*) from cppa_identity.base_profile),
            (select count(*) from cppa_identity.github_account)
              + (select count(*) from cppa_identity.slack_user)
              + (select count(*) from cppa_identity.discord_profile)
              + (select count(*) from cppa_identity.mailing_list_profile)
              + (select count(*) from cppa_identity.wg21_paper_author_profile)
              + (select count(*) from cppa_identity.youtube_speaker)""").fetchone()
    return row is not None and row[0] == 0 and row[1] == row[2]


def test_runs_while_collectors_load(
    database: dbmod.Database, conn: Any, request: pytest.FixtureRequest, figures: dict[str, str]
) -> None:
    seconds = 120.0 if request.config.getoption("--soak") else 10.0
    L.get_or_create_youtube_speaker("UC-seed", "Seed")
    assert run(database, full=True).outcome == "success"
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    workers = [
        ctx.Process(target=_collector, args=(database.conninfo, p, seconds, out)) for p in PLATFORMS
    ]
    for w in workers:
        w.start()
    stop, inconsistent, reads = threading.Event(), [], [0]

    def reader() -> None:
        with psycopg.connect(database.conninfo, autocommit=True) as rconn:
            while not stop.is_set():
                if not _consistent(rconn):
                    inconsistent.append(time.monotonic())
                reads[0] += 1

    thread = threading.Thread(target=reader)
    thread.start()
    runs, started = 0, time.monotonic()
    time.sleep(1.0)
    while any(w.is_alive() for w in workers):
        summary = run(database, wait=60)
        assert summary.outcome in ("success", "noop"), summary.failures or summary.error
        runs += 1
    results = [out.get(timeout=30) for _ in workers]
    for w in workers:
        w.join(timeout=30)
    final = run(database, wait=60)
    stop.set()
    thread.join()
    # The last run inside the loop may already have seen every row (a worker
    # can finish writing while it is still shutting down), so "noop" is a fair
    # outcome here; what matters is that the marts hold every raw profile.
    assert final.outcome in ("success", "noop"), final.failures or final.error
    raw = conn.execute("select count(*) from cppa_raw.profiles").fetchone()[0]
    marts = conn.execute("select count(*) from cppa_identity.base_profile").fetchone()[0]
    dupes = conn.execute(
        "select count(*) - count(distinct (platform, natural_key)) from cppa_raw.profiles"
    ).fetchone()[0]
    errors = sum(r[2] for r in results)
    assert errors == 0 and dupes == 0
    assert marts == raw, f"{raw - marts} profiles written during runs never reached the marts"
    assert inconsistent == [], "a reader saw a mix of two runs"
    figures["stress"] = (
        f"{len(workers)} collector processes × {seconds:.0f} s "
        f"({sum(r[1] for r in results)} loader calls, {raw} profiles) with "
        f"{runs + 1} runs and {reads[0]} consistency reads in "
        f"{time.monotonic() - started:.0f} s: errors 0, duplicates 0, "
        f"rows lost {raw - marts}, mixed reads {len(inconsistent)}"
    )


def _slow_bulk(conninfo: str, marker: str) -> None:
    """Start a bulk load and stall inside the COPY, so the parent can kill us."""
    os.environ[dbmod.DSN_ENV] = conninfo
    import psycopg as pg

    import loaders

    original = pg.Copy.write_row
    count = [0]

    def write_row(self: Any, row: Any) -> None:
        original(self, row)
        count[0] += 1
        if count[0] == 5000:
            Path(marker).write_text("copying")
            time.sleep(600)

    pg.Copy.write_row = write_row  # type: ignore[method-assign]
    loaders.load_github_accounts(
        [
            {"github_account_id": i + 1, "username": f"k{i}", "email": f"k{i}@kill.example"}
            for i in range(20_000)
        ]
    )


def test_sigkill_during_copy_leaves_nothing(
    database: dbmod.Database, conn: Any, tmp_path: Path
) -> None:
    marker = tmp_path / "copying"
    child = multiprocessing.get_context("spawn").Process(
        target=_slow_bulk, args=(database.conninfo, str(marker))
    )
    child.start()
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert time.monotonic() < deadline and child.is_alive(), "the child never reached COPY"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
    child.join()
    time.sleep(0.5)
    for table in ("profiles", "github_accounts", "emails"):
        assert conn.execute(f"select count(*) from cppa_raw.{table}").fetchone()[0] == 0
    ids = L.load_github_accounts([{"github_account_id": 1, "username": "after"}])
    assert len(ids) == 1, "the table is usable again at once"


def test_killed_run_keeps_marts_and_next_run_converges(database: dbmod.Database, conn: Any) -> None:
    from loaders.ops import sample

    sample.load(sample.generate(40, seed=11))
    assert run(database, full=True).outcome == "success"
    before = conn.execute(
        "select id, identity_id from cppa_identity.base_profile order by id"
    ).fetchall()
    env = {**os.environ, dbmod.DSN_ENV: database.conninfo}
    proc = subprocess.Popen(
        [sys.executable, "-m", "loaders.cli", "run", "--full", "--quiet"], env=env
    )
    deadline = time.monotonic() + 120
    while not conn.execute(
        "select exists (select from pg_namespace where nspname = 'cppa_identity__next')"
    ).fetchone()[0]:
        assert time.monotonic() < deadline and proc.poll() is None, "run ended before the kill"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    during = conn.execute(
        "select id, identity_id from cppa_identity.base_profile order by id"
    ).fetchall()
    assert during == before, "the published marts are untouched by a killed run"
    summary = run(database, full=True, wait=30)
    assert summary.outcome == "success"
    after = conn.execute(
        "select id, identity_id from cppa_identity.base_profile order by id"
    ).fetchall()
    assert after == before
    stale = conn.execute("select count(*) from cppa_ops.runs where outcome = 'running'").fetchone()[
        0
    ]
    assert stale == 0, "the killed run is recorded as failed, not running forever"

    # Ctrl-C during the build: exit 130, one line, no traceback, logged cancelled
    proc = subprocess.Popen(
        [sys.executable, "-m", "loaders.cli", "run", "--full"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=hears_ctrl_c,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if "nodes built or tested" in line and not line.startswith("… 1 of"):
            break
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    assert proc.wait(60) == 130, rest
    assert "Traceback" not in rest and "cancelled; the published marts are unchanged" in rest
    assert (
        conn.execute(
            "select id, identity_id from cppa_identity.base_profile order by id"
        ).fetchall()
        == before
    )

    # a cancel in the caller's own code (a progress callback) is one too
    def stop(step: RunStep) -> None:
        if step.stage == "build":
            raise KeyboardInterrupt

    with pytest.raises(RunCancelled):
        run(database, full=True, progress=stop)
    outcomes = [r[0] for r in conn.execute("select outcome from cppa_ops.runs order by run_id")]
    assert outcomes[-2:] == ["cancelled", "cancelled"], outcomes


def test_a_run_killed_after_its_publish_is_logged_as_published(
    database: dbmod.Database, conn: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The publish and its log entry commit together: a process that dies right
    after is logged as the success it was, and nothing is pending afterwards."""
    from loaders.ops import review, runs, sample

    sample.load(sample.generate(10, seed=5))
    real_publish = runs.publish

    def publish_then_die(*args: Any) -> Any:
        real_publish(*args)
        raise SystemExit("killed")  # nothing after the publish transaction runs

    monkeypatch.setattr(runs, "publish", publish_then_die)
    with pytest.raises(SystemExit):
        run(database, full=True)
    row = conn.execute("select outcome, counts ->> 'identities' from cppa_ops.runs").fetchone()
    assert row[0] == "success" and int(row[1]) >= 1
    status = review.status(database, conn)
    assert status.pending_raw_rows == 0
    monkeypatch.setattr(runs, "publish", real_publish)
    assert run(database).outcome == "noop"  # the next run knows it was published


def test_server_restart_gives_a_retryable_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state"
    server = embedded.embedded(state)
    monkeypatch.setenv(dbmod.DSN_ENV, server.conninfo)
    dbmod.close_pool()
    with psycopg.connect(server.conninfo) as conn:
        migrations.migrate(conn)
    rows = [{"github_account_id": i + 1, "username": f"r{i}"} for i in range(20_000)]
    caught: list[BaseException] = []
    copying, stopped = threading.Event(), threading.Event()
    original = psycopg.Copy.write_row

    def write_row(self: Any, row: Any) -> None:
        """Pause inside the COPY (a marker, not a sleep) until the server is down."""
        original(self, row)
        if not copying.is_set():
            copying.set()
            stopped.wait(60)

    monkeypatch.setattr(psycopg.Copy, "write_row", write_row)

    def load() -> None:
        try:
            L.load_github_accounts(rows)
        except BaseException as exc:
            caught.append(exc)

    thread = threading.Thread(target=load)
    thread.start()
    assert copying.wait(60), "the loader never reached its COPY"
    embedded.stop_embedded(state)
    stopped.set()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the loader hung after the server went away"
    assert caught and isinstance(caught[0], L.DatabaseUnavailable), caught
    assert getattr(caught[0], "retryable", False)
    embedded.embedded(state)  # the server comes back
    ids = L.retry(lambda: L.load_github_accounts(rows[:1000]), attempts=5, delay=0.2)
    assert len(ids) == 1000
    dbmod.close_pool()
    embedded.stop_embedded(state)


def test_rows_committed_during_a_run_wait_for_the_next(database: dbmod.Database, conn: Any) -> None:
    L.get_or_create_youtube_speaker("UC-before", "Before")
    late: list[int] = []

    def progress(step: RunStep) -> None:
        if step.node == "stg_cppa_raw__youtube_speakers" and not late:
            with psycopg.connect(database.conninfo) as other:  # commits mid-build
                speaker, _ = L.get_or_create_youtube_speaker("UC-late", "Late", conn=other)
                other.commit()
            late.append(speaker.id)

    first = run(database, full=True, progress=progress)
    assert first.outcome == "success" and late
    ids = {r[0] for r in conn.execute("select id from cppa_identity.youtube_speaker")}
    assert late[0] not in ids and len(ids) == 1, "a row committed after the watermark was read"
    second = run(database)
    assert second.outcome == "success", "the late row makes the next run do work"
    ids = {r[0] for r in conn.execute("select id from cppa_identity.youtube_speaker")}
    assert late[0] in ids


CTRL_C_WHILE_DBT_STARTS = """
import dbt.cli.flags
from loaders import db
from loaders.ops import dbt_runner

def interrupted(self, *args, **kwargs):
    raise KeyboardInterrupt  # Ctrl-C while dbt reads its flags, its first moment

dbt.cli.flags.Flags.__init__ = interrupted
try:
    dbt_runner.run_dbt(db.resolve(), ["parse"])
except KeyboardInterrupt:
    print("cancelled")
"""


def test_ctrl_c_as_dbt_starts_says_nothing_of_dbt(database: dbmod.Database) -> None:
    """A Ctrl-C before dbt has read its flags reaches the caller as a cancel and
    prints nothing of dbt's (no traceback, no "Error uploading artifacts")."""
    said = subprocess.run(
        [sys.executable, "-c", CTRL_C_WHILE_DBT_STARTS],
        env={**os.environ, dbmod.DSN_ENV: database.conninfo},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (said.stdout, said.stderr) == ("cancelled\n", "")

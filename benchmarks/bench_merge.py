"""Full merge run (`cppa-identity run --full`) on synthetic data of growing size.

    python -m benchmarks.bench_merge [--sizes 10000,100000,1000000] [--baseline REF]
    python -m benchmarks.bench_merge --incremental [--sizes 1000000] [--profile] [--check]

--baseline REF also runs the dbt project as it was at git commit REF on the same
data (a database of its own), side by side in the same session, and prints the
ratio of the two run times.

Each size gets a scratch database: N profiles over four platforms, 1.5 emails per
profile on average, people owning 1-4 profiles that share an address. Prints
load time, run time, a second full run's time, connected-component rounds and the
Python peak RSS.

--incremental runs what a schedule runs, side by side on one database: a full
run of N profiles, a run after 1,000 new profiles (new people) arrive, and a run
with nothing new; each with the kind the run log gave it, and the Python peak
RSS (dbt runs in this process). --profile prints the slowest dbt nodes of each
build (run_results.json). --check then runs `run --full` on the same database
and says whether it gave the marts and history the incremental run gave
(benchmarks/marts_digest.py). --prefix names the scratch databases (a shared
server: one prefix per person).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import resource
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.scratch_database import scratch_database
from loaders import db as dbmod
from loaders.ops.dbt_runner import STATE_ENV
from loaders.ops.project import PROJECT_ENV


def generate(
    n: int, seed: int = 1, offset: int = 0
) -> tuple[dict[str, list[dict[str, object]]], list[str]]:
    """n profiles; `offset` starts the people and platform ids past those of an
    earlier batch, so that a second batch is new people."""
    rng = random.Random(seed)
    rows: dict[str, list[dict[str, object]]] = {
        "github": [],
        "slack": [],
        "mail": [],
        "discord": [],
    }
    second_emails: list[str] = []
    made = person = offset
    while made < n + offset:
        person += 1
        address = f"person{person}@mail{person % 97}.example"
        for _ in range(min(rng.choice((1, 1, 2, 2, 3, 4)), n + offset - made)):
            made += 1
            kind = rng.choices(("github", "slack", "mail", "discord"), (4, 2, 2.5, 1.5))[0]
            email = address if rng.random() < 0.9 else f"p{person}x{made}@other.example"
            if kind == "github":
                rows[kind].append(
                    {
                        "github_account_id": made,
                        "username": f"user{person}-{made}",
                        "display_name": f"Person {person}",
                        "email": email,
                    }
                )
            elif kind == "slack":
                rows[kind].append(
                    {
                        "id": f"U{made}",
                        "name": f"person{person}",
                        "real_name": f"Person {person}",
                        "profile": {"email": email},
                    }
                )
            elif kind == "mail":
                rows[kind].append({"display_name": f"Person {person}", "email": email})
            else:
                rows[kind].append(
                    {
                        "discord_user_id": made,
                        "username": f"person{person}",
                        "display_name": f"P{person}",
                        "email": email,
                    }
                )
            if rng.random() < 0.5:
                second_emails.append(f"alt{made}@alt{made % 13}.example")
            elif rng.random() < 0.03:  # shares the next person's address: longer chains
                second_emails.append(f"person{person + 1}@mail{(person + 1) % 97}.example")
    return rows, second_emails


def load(rows: dict[str, list[dict[str, object]]]) -> list[Any]:
    """The generated rows through the bulk loaders, 50,000 at a time; their ids."""
    import loaders as L

    ids: list[Any] = []
    for i in range(0, max(len(r) for r in rows.values()), 50_000):
        ids += L.load_github_accounts(rows["github"][i : i + 50_000])
        ids += L.load_slack_users(rows["slack"][i : i + 50_000])
        ids += L.load_mailing_list_profiles(rows["mail"][i : i + 50_000])
        ids += L.load_discord_profiles(rows["discord"][i : i + 50_000])
    return ids


PREFIX = "cppa_bench_merge"


def bench(n: int, keep: bool = False, baseline: str | None = None) -> None:
    took = {}
    if baseline:
        with (
            tempfile.TemporaryDirectory() as tmp,
            project_at(baseline, Path(tmp)),
            scratch_database(f"{PREFIX}_{n}_base", keep) as conninfo,
        ):
            took["baseline"] = measure(n, conninfo, f"baseline {baseline}")
    with scratch_database(f"{PREFIX}_{n}", keep) as conninfo:
        took["current"] = measure(n, conninfo, "current")
    if baseline:
        print(
            f"{n:>9,} profiles: current / baseline run time {took['current'] / took['baseline']:.2f}x"
        )


@contextlib.contextmanager
def project_at(ref: str, into: Path) -> Iterator[None]:
    """The dbt project as committed at `ref`, used by the runs in the block (its own
    dbt state directory, so the two projects' parses never mix)."""
    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", ref, "dbt_project"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    saved = {key: os.environ.get(key) for key in (PROJECT_ENV, STATE_ENV)}
    os.environ[PROJECT_ENV] = str(into / "dbt_project")
    os.environ[STATE_ENV] = str(into / "dbt_state")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def measure(n: int, conninfo: str, label: str = "") -> float:
    from loaders.ops.runs import run

    start = time.perf_counter()
    load_all(n)
    loaded = time.perf_counter() - start
    with psycopg.connect(conninfo) as conn:
        emails = conn.execute("select count(*) from cppa_raw.emails").fetchone()[0]
    database = dbmod.Database("dsn", conninfo)
    start = time.perf_counter()
    summary = run(database, full=True)
    took = time.perf_counter() - start
    with psycopg.connect(conninfo) as conn:
        rounds = conn.execute(
            "select max(cc_rounds), max(cc_jumps) from cppa_identity_work.int_components_labelled"
        ).fetchone()
    # a second full run: same data, now with a membership history to carry over
    start = time.perf_counter()
    again = run(database, full=True)
    rerun = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label + ': ' if label else ''}"
        f"{n:>9,} profiles, {emails:>9,} emails: load {loaded:6.1f} s, run {took:6.1f} s "
        f"({summary.outcome}), rerun {rerun:6.1f} s ({again.outcome}), "
        f"{summary.counts.get('identities', 0):,} identities, "
        f"cc rounds {rounds[0]}, pointer jumps {rounds[1]}, python peak RSS {peak:.0f} MiB"
    )
    return took


def load_all(n: int, offset: int = 0) -> None:
    """Generate and load n profiles with their second addresses (`offset`: new
    people past an earlier batch's)."""
    import loaders as L

    rows, extra = generate(n, offset=offset)
    ids = load(rows)
    pairs = [{"profile": ids[i % len(ids)], "email": e} for i, e in enumerate(extra)]
    for i in range(0, len(pairs), 100_000):
        L.load_emails(pairs[i : i + 100_000])


NEW_PROFILES = 1_000


def incremental(n: int, keep: bool = False, profile: bool = False, check: bool = False) -> None:
    """Full run, a run after NEW_PROFILES new profiles, a run with nothing new."""
    from benchmarks.marts_digest import digest
    from loaders.ops.runs import run

    equal = ""
    with scratch_database(f"{PREFIX}_incremental_{n}", keep) as conninfo:
        start = time.perf_counter()
        load_all(n)
        loaded = time.perf_counter() - start
        database = dbmod.Database("dsn", conninfo)
        took = []
        steps = (
            ("full", True, 0),
            (f"{NEW_PROFILES:,} new", False, NEW_PROFILES),
            ("nothing new", False, 0),
        )
        for label, full, new in steps:
            if new:
                load_all(new, offset=n)
            start = time.perf_counter()
            summary = run(database, full=full)
            took.append((label, time.perf_counter() - start, summary))
            if profile and summary.kind != "unchanged":
                print_profile(database, label)
        if check:
            with psycopg.connect(conninfo) as conn:
                built = digest(conn)
            summary = run(database, full=True)
            with psycopg.connect(conninfo) as conn:
                same = digest(conn) == built and summary.outcome == "success"
            equal = f" · equal to run --full: {'yes' if same else 'NO'}"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    full_seconds = took[0][1]
    print(
        f"{n:>9,} profiles (load {loaded:.1f} s): "
        + " · ".join(
            f"{label} {seconds:.2f} s ({summary.kind}, {summary.outcome},"
            f" {seconds / full_seconds:.0%} of the full run)"
            for label, seconds, summary in took
        )
        + f" · {took[-1][2].counts.get('identities', 0):,} identities"
        f" · python peak RSS {peak:.0f} MiB{equal}"
    )


def print_profile(database: dbmod.Database, label: str, top: int = 15) -> None:
    """The slowest dbt nodes of the last build, from dbt's run_results.json."""
    import json

    from loaders.ops.dbt_runner import state_dir

    results = json.loads((state_dir(database) / "target" / "run_results.json").read_text())
    nodes = sorted(results["results"], key=lambda r: -r["execution_time"])
    total = sum(r["execution_time"] for r in nodes)
    print(
        f"{label}: dbt {results['elapsed_time']:.1f} s, {len(nodes)} nodes, {total:.1f} s in nodes"
    )
    for r in nodes[:top]:
        print(f"  {r['execution_time']:7.1f} s  {r['unique_id'].split('.', 1)[1]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch databases.")
    parser.add_argument("--baseline", help="Also run the dbt project of this git commit.")
    parser.add_argument(
        "--incremental",
        action="store_true",
        help=f"Full run, then {NEW_PROFILES:,} new profiles, then nothing new, side by side.",
    )
    parser.add_argument("--profile", action="store_true", help="Print the slowest dbt nodes.")
    parser.add_argument("--check", action="store_true", help="Compare with run --full after.")
    parser.add_argument("--prefix", help="Scratch databases' name prefix.")
    args = parser.parse_args()
    global PREFIX
    PREFIX = args.prefix or PREFIX
    for size in args.sizes.split(","):
        if args.incremental:
            incremental(int(size), args.keep, args.profile, args.check)
        else:
            bench(int(size), args.keep, args.baseline)


if __name__ == "__main__":
    main()

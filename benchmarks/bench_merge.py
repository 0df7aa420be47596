"""Full merge run (`cppa-identity run --full`) on synthetic data of growing size.

    python -m benchmarks.bench_merge [--sizes 10000,100000,1000000]

Each size gets a scratch database: N profiles over four platforms, 1.5 emails per
profile on average, people owning 1-4 profiles that share an address. Prints
load time, run time, a second full run's time, connected-component rounds and the
Python peak RSS.
"""

from __future__ import annotations

import argparse
import random
import resource
import time

import psycopg

from benchmarks.scratch_database import scratch_database
from loaders import db as dbmod


def generate(n: int, seed: int = 1) -> tuple[dict[str, list[dict[str, object]]], list[str]]:
    rng = random.Random(seed)
    rows: dict[str, list[dict[str, object]]] = {
        "github": [],
        "slack": [],
        "mail": [],
        "discord": [],
    }
    second_emails: list[str] = []
    made = person = 0
    while made < n:
        person += 1
        address = f"person{person}@mail{person % 97}.example"
        for _ in range(min(rng.choice((1, 1, 2, 2, 3, 4)), n - made)):
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


def bench(n: int, keep: bool = False) -> None:
    with scratch_database(f"cppa_bench_merge_{n}", keep) as conninfo:
        measure(n, conninfo)


def measure(n: int, conninfo: str) -> None:
    import loaders as L
    from loaders.ops.runs import run

    rows, extra = generate(n)
    start = time.perf_counter()
    ids = []
    for i in range(0, max(len(r) for r in rows.values()), 50_000):
        ids += L.load_github_accounts(rows["github"][i : i + 50_000])
        ids += L.load_slack_users(rows["slack"][i : i + 50_000])
        ids += L.load_mailing_list_profiles(rows["mail"][i : i + 50_000])
        ids += L.load_discord_profiles(rows["discord"][i : i + 50_000])
    pairs = [{"profile": ids[i % len(ids)], "email": e} for i, e in enumerate(extra)]
    for i in range(0, len(pairs), 100_000):
        L.load_emails(pairs[i : i + 100_000])
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
        f"{n:>9,} profiles, {emails:>9,} emails: load {loaded:6.1f} s, run {took:6.1f} s "
        f"({summary.outcome}), rerun {rerun:6.1f} s ({again.outcome}), "
        f"{summary.counts.get('identities', 0):,} identities, "
        f"cc rounds {rounds[0]}, pointer jumps {rounds[1]}, python peak RSS {peak:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch databases.")
    args = parser.parse_args()
    for size in args.sizes.split(","):
        bench(int(size), args.keep)


if __name__ == "__main__":
    main()

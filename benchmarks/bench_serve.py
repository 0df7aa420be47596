"""The review pages at scale: the queue's first page, an identity page and a
search, timed on a running `serve` (its Server-Timing header: the time the
page took in the server) next to a bare select of the same rows.

    python -m benchmarks.bench_serve [--profiles 1000000] [--repeat 30]

Builds a scratch database with the merge benchmark's synthetic people, whose
names come from 1,000 given names × 1,000 surnames (so that different people
share names and the run has merge candidates), runs the merge once, then
serves it and asks each page `--repeat` times. Prints medians and p95s.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import threading
import time
import urllib.parse
import urllib.request
from typing import Any

import psycopg

from benchmarks.bench_merge import generate
from benchmarks.bench_merge import load as load_rows
from benchmarks.scratch_database import scratch_database
from loaders import db as dbmod

SYLLABLES = ("ka", "ro", "mi", "ten", "sa", "lu", "vor", "in", "da", "be", "zel", "or", "an", "qui")


def names(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out: set[str] = set()
    while len(out) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        out.add(word.capitalize())
    return sorted(out)


def load(n: int) -> None:
    rows, _ = generate(n)
    given, surnames = names(1000, 1), names(1000, 2)
    rng = random.Random(3)
    people: dict[str, str] = {}

    def name_of(text: str) -> str:
        # "Person 123" → one fixed "Given Surname" for person 123
        if text not in people:
            people[text] = f"{rng.choice(given)} {rng.choice(surnames)}"
        return people[text]

    for row in rows["github"] + rows["mail"]:
        row["display_name"] = name_of(str(row["display_name"]))
    for row in rows["slack"]:
        row["real_name"] = name_of(str(row["real_name"]))
    load_rows(rows)


def served(database: dbmod.Database) -> tuple[str, Any]:
    import uvicorn

    from loaders.web.app import create_app, server_config

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    token = "bench"
    server = uvicorn.Server(
        server_config(create_app(database, token), log_level="warning", access_log=False)
    )
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server


def timed_page(opener: Any, url: str) -> tuple[float, float]:
    """(server time from Server-Timing, wall time of the request), in ms."""
    start = time.perf_counter()
    with opener.open(url, timeout=60) as response:
        response.read()
        timing = response.headers["Server-Timing"]
    wall = (time.perf_counter() - start) * 1000
    return float(timing.split("dur=")[1]), wall


def timed_select(conninfo: str, query: str, params: Any) -> float:
    start = time.perf_counter()
    with psycopg.connect(conninfo) as conn:
        conn.execute(query, params).fetchall()
    return (time.perf_counter() - start) * 1000


def summary(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{label}: median {statistics.median(values):7.1f} ms, p95 {p95:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    args = parser.parse_args()
    from loaders.ops.runs import run

    with scratch_database(f"cppa_bench_serve_{args.profiles}", args.keep) as conninfo:
        start = time.perf_counter()
        load(args.profiles)
        loaded = time.perf_counter() - start
        database = dbmod.Database("dsn", conninfo)
        start = time.perf_counter()
        outcome = run(database, full=True)
        built = time.perf_counter() - start
        with psycopg.connect(conninfo) as conn:
            counts = conn.execute(
                "select (select count(*) from cppa_identity.identity_profile),"
                " (select count(*) from cppa_identity.identity),"
                " (select count(*) from cppa_identity.identity_merge_candidate),"
                " (select count(*) from cppa_identity.identity_search_term)"
            ).fetchone()
            big = conn.execute(
                "select id, display_name from cppa_identity.identity"
                " order by profile_count desc, id limit 1"
            ).fetchone()
        assert counts and big
        print(
            f"{counts[0]:,} profiles, {counts[1]:,} identities, {counts[2]:,} candidates,"
            f" {counts[3]:,} search terms; load {loaded:.1f} s, run {built:.1f} s"
            f" ({outcome.outcome})"
        )
        base, server = served(database)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        opener.open(f"{base}/?token=bench").read()
        word = str(big[1]).split()[-1].lower()[:4]
        pages = {
            "queue, first page": (
                "/",
                "select * from cppa_identity.identity_merge_candidate order by score desc limit 25",
                None,
            ),
            f"identity page ({big[0]})": (
                f"/identity/{big[0]}",
                "select * from cppa_identity.identity_profile where identity_id = %s",
                (big[0],),
            ),
            f"search {word!r}": (
                "/search?q=" + urllib.parse.quote(word),
                "select * from cppa_identity.identity_search_term"
                " where term >= %s and term < %s || chr(1114111) limit 50",
                (word, word),
            ),
        }
        for label, (path, query, params) in pages.items():
            timings = [timed_page(opener, base + path) for _ in range(args.repeat)]
            bare = [timed_select(conninfo, query, params) for _ in range(args.repeat)]
            print(summary(f"{label:<28} server time", [t[0] for t in timings]))
            print(summary(f"{'':<28} request (wall)", [t[1] for t in timings]))
            print(summary(f"{'':<28} bare select", bare))
        server.should_exit = True


if __name__ == "__main__":
    main()

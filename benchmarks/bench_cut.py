"""The minimum cut a "different" decision takes (cppa_lib.separate), timed on
large components next to cppa_lib.connected_components on the same links (the
labelling every run does anyway, and the cut's first step).

    python -m benchmarks.bench_cut [--nodes 2000 20000] [--pairs 1] [--repeat 3]

Each graph is one component: a random tree over the nodes (so it is one
component) plus as many random extra links, each weak (capacity 1) or, one in
five, strong (capacity 1,000). `--pairs` "different" pairs are drawn between
random nodes. Prints the median time of each and the links cut.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Any

import psycopg

from benchmarks.scratch_database import scratch_database


def graph(nodes: int, seed: int) -> list[tuple[int, int, int]]:
    rng = random.Random(seed)
    links = [(rng.randrange(1, n), n, 1) for n in range(2, nodes + 1)]
    for _ in range(nodes):
        a, b = rng.sample(range(1, nodes + 1), 2)
        links.append((a, b, 1000 if rng.random() < 0.2 else 1))
    return links


def timed(conn: Any, query: str, repeat: int) -> tuple[float, list[Any]]:
    times = []
    rows: list[Any] = []
    for _ in range(repeat):
        start = time.perf_counter()
        rows = conn.execute(query).fetchall()
        times.append(time.perf_counter() - start)
    return statistics.median(times), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[2_000, 20_000])
    parser.add_argument("--pairs", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with (
        scratch_database("cppa_bench_cut") as conninfo,
        psycopg.connect(conninfo, autocommit=True) as conn,
    ):
        print(
            f"{'nodes':>8} {'links':>8} {'pairs':>6} {'components':>11} {'cut':>9} {'links cut':>10}"
        )
        for nodes in args.nodes:
            links = graph(nodes, seed=nodes)
            rng = random.Random(nodes + 1)
            pairs = [tuple(rng.sample(range(1, nodes + 1), 2)) for _ in range(args.pairs)]
            conn.execute("drop table if exists bench_links, bench_pairs")
            conn.execute(
                "create table bench_links (node_a bigint, node_b bigint, capacity numeric)"
            )
            conn.execute("create table bench_pairs (node_a bigint, node_b bigint)")
            with conn.cursor().copy("copy bench_links from stdin") as copy:
                for link in links:
                    copy.write_row(link)
            with conn.cursor().copy("copy bench_pairs from stdin") as copy:
                for pair in pairs:
                    copy.write_row(pair)
            conn.execute("analyze bench_links")
            labelled, _ = timed(
                conn,
                "select * from cppa_lib.connected_components("
                "'select node_a, node_b from bench_links')",
                args.repeat,
            )
            cut, rows = timed(
                conn,
                "select * from cppa_lib.separate("
                "'select node_a, node_b, capacity from bench_links',"
                " 'select node_a, node_b from bench_pairs')",
                args.repeat,
            )
            links_cut = sum(len(r[2]) for r in rows) // 2
            print(
                f"{nodes:>8,} {len(links):>8,} {len(pairs):>6} {labelled * 1000:>9.0f}ms"
                f" {cut * 1000:>7.0f}ms {links_cut:>10,}"
            )


if __name__ == "__main__":
    main()

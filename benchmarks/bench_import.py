"""Import speed against the bulk loaders, in the same run on the same rows: N
generated profiles (the merge benchmark's) are loaded through the bulk loaders,
dumped as JSON Lines (`export --format jsonl`), and the dump is imported into an
empty database; a .mailmap naming the same people (one line per address) is
imported into another. Prints each time and its ratio to the bulk load.

    python -m benchmarks.bench_import [--rows 20000]

Uses CPPA_IDENTITY_DSN when set, else the embedded server (scratch databases).
"""

from __future__ import annotations

import argparse
import io
import os
import time
from collections import defaultdict

import psycopg

from benchmarks.bench_merge import generate, load
from benchmarks.scratch_database import scratch_database
from loaders.ops import calls, transfer


def mailmap_of(rows: dict[str, list[dict[str, object]]]) -> list[str]:
    """One .mailmap line per address of each generated person: the first names
    the person, the others map to it."""
    addresses: dict[str, list[str]] = defaultdict(list)
    for kind, items in rows.items():
        for item in items:
            name = str(item.get("real_name") or item.get("display_name") or "")
            profile = item.get("profile")
            email = str(profile.get("email") if isinstance(profile, dict) else item.get("email"))
            if kind != "discord" and email not in addresses[name]:
                addresses[name].append(email)
    lines = []
    for name, emails in addresses.items():
        lines.append(f"{name} <{emails[0]}>\n")
        lines += [f"{name} <{emails[0]}> <{e}>\n" for e in emails[1:]]
    return lines


def measure(count: int) -> None:
    rows, _ = generate(count)
    with scratch_database(f"cppa_bench_import_src_{os.getpid()}") as source:
        started = time.perf_counter()
        load(rows)
        bulk = time.perf_counter() - started
        out = io.StringIO()
        with psycopg.connect(source) as conn:
            transfer.write_lines(calls.dump(conn), out)
    dump = out.getvalue().splitlines()
    print(f"{count} profiles: bulk loaders {bulk:.1f} s")
    lines = mailmap_of(rows)
    for label, importer, given in (
        ("JSON Lines", transfer.import_jsonl, dump),
        (".mailmap", transfer.import_mailmap, lines),
    ):
        with (
            scratch_database(f"cppa_bench_import_into_{os.getpid()}") as target,
            psycopg.connect(target) as conn,
        ):
            started = time.perf_counter()
            report = importer(conn, given)
            conn.commit()
            took = time.perf_counter() - started
        print(
            f"import {label}: {len(given)} lines, {report.imported} imported"
            f" ({report.decisions} mapping decisions), {len(report.errors)} errors,"
            f" {took:.1f} s ({took / bulk:.1f}x the bulk loaders)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    measure(args.rows)


if __name__ == "__main__":
    main()

"""Load a data set into a scratch database, run `run --full`, and write a digest
of every mart and history table (row count and a hash of the sorted rows, with
timestamps and run ids left out) to a JSON file: two versions of the code give
the same marts when their digests are equal.

    python -m benchmarks.marts_digest --data sample --size 600 --out new.json
    (cd /tmp/base && PYTHONPATH=/tmp/base python -m benchmarks.marts_digest ... --out base.json)

where /tmp/base holds an older commit (`git archive REF | tar -x -C /tmp/base`);
diff the two files. --data bench uses bench_merge's generated profiles.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import psycopg
from psycopg import sql

from benchmarks.scratch_database import scratch_database
from loaders import db as dbmod

SCHEMAS = ("cppa_identity", "cppa_identity_history")
# what differs from run to run whatever the data: when, and which run
LEFT_OUT = ("dbt_scd_id", "run_id", "first_run_id", "last_run_id")


def load(data: str, size: int) -> None:
    if data == "sample":
        from loaders.ops import sample

        sample.load(sample.generate(size, seed=7))
    else:
        import loaders as L
        from benchmarks.bench_merge import generate
        from benchmarks.bench_merge import load as load_rows

        rows, extra = generate(size)
        ids = load_rows(rows)
        L.load_emails([{"profile": ids[i % len(ids)], "email": e} for i, e in enumerate(extra)])


def table_rows(
    conn: psycopg.Connection[tuple[object, ...]], schemas: tuple[str, ...] = SCHEMAS
) -> dict[str, list[str]]:
    """Every table of `schemas`, its rows as sorted texts (timestamps and run ids
    left out): what two builds must agree on, row for row."""
    found: dict[str, list[str]] = {}
    for schema in schemas:
        tables = conn.execute(
            "select table_name from information_schema.tables"
            " where table_schema = %s and table_type = 'BASE TABLE' order by 1",
            (schema,),
        ).fetchall()
        for (table,) in tables:
            columns = [
                str(name)
                for name, kind in conn.execute(
                    "select column_name, data_type from information_schema.columns"
                    " where table_schema = %s and table_name = %s order by ordinal_position",
                    (schema, table),
                ).fetchall()
                if "timestamp" not in str(kind) and name not in LEFT_OUT
            ]
            query = sql.SQL("select {} from {}.{}").format(
                sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(c)) for c in columns),
                sql.Identifier(schema),
                sql.Identifier(str(table)),
            )
            found[f"{schema}.{table}"] = sorted(repr(r) for r in conn.execute(query).fetchall())
    return found


def digest(conn: psycopg.Connection[tuple[object, ...]]) -> dict[str, list[object]]:
    found: dict[str, list[object]] = {}
    for table, rows in table_rows(conn).items():
        text = "\n".join(rows).encode()
        found[table] = [len(rows), hashlib.sha256(text).hexdigest()[:16]]
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", choices=("sample", "bench"), default="sample")
    parser.add_argument("--size", type=int, default=600, help="People (sample) or profiles.")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--database", default="cppa_marts_digest")
    args = parser.parse_args()
    from loaders.ops.runs import run

    with scratch_database(args.database) as conninfo:
        load(args.data, args.size)
        summary = run(dbmod.Database("dsn", conninfo), full=True)
        assert summary.outcome == "success", summary.failures or summary.error
        with psycopg.connect(conninfo) as conn:
            found = digest(conn)
    args.out.write_text(json.dumps(found, indent=1, sort_keys=True))
    print(f"{args.out}: {len(found)} tables, {sum(int(str(v[0])) for v in found.values()):,} rows")


if __name__ == "__main__":
    main()

"""Loader speed: single-call latency and bulk throughput, against a plain COPY of
the same rows into bare tables measured in the same run.

    python benchmarks/bench_loaders.py [--rows 100000] [--calls 2000]

Uses CPPA_IDENTITY_DSN when set, else the embedded server (a scratch database).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import psycopg
from scratch import scratch_database

from loaders import db as dbmod


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    with scratch_database(f"cppa_bench_loaders_{os.getpid()}"):
        measure(args.rows, args.calls)


def measure(rows_wanted: int, calls: int) -> None:
    import loaders as L

    def timed(call: object) -> float:
        start = time.perf_counter()
        call()  # type: ignore[operator]
        return time.perf_counter() - start

    new = [
        timed(lambda i=i: L.get_or_create_github_account(10_000_000 + i, f"u{i}"))
        for i in range(calls)
    ]
    old = [
        timed(lambda i=i: L.get_or_create_github_account(10_000_000 + i, f"u{i}"))
        for i in range(calls)
    ]
    for label, data in (("new key", new), ("existing key", old)):
        data.sort()
        print(
            f"single get_or_create_github_account, {label}: median "
            f"{statistics.median(data) * 1e3:.2f} ms, p99 {data[int(len(data) * 0.99)] * 1e3:.2f} ms"
        )

    rows = [
        {
            "github_account_id": i + 1,
            "username": f"user{i}",
            "display_name": f"User {i}",
            "avatar_url": f"https://a.example/{i}",
            "email": f"user{i}@example.org",
        }
        for i in range(rows_wanted)
    ]
    start = time.perf_counter()
    L.load_github_accounts(rows)
    bulk = time.perf_counter() - start

    with psycopg.connect(os.environ[dbmod.DSN_ENV]) as conn:
        conn.execute(
            "create table bare_accounts (id bigint, username text, display_name text,"
            " avatar_url text, account_type text)"
        )
        conn.execute("create table bare_emails (id bigint, email text)")
        conn.commit()
        start = time.perf_counter()
        with conn.cursor() as cur:
            with cur.copy("copy bare_accounts from stdin") as copy:
                for r in rows:
                    copy.write_row(
                        (
                            r["github_account_id"],
                            r["username"],
                            r["display_name"],
                            r["avatar_url"],
                            "user",
                        )
                    )
            with cur.copy("copy bare_emails from stdin") as copy:
                for r in rows:
                    copy.write_row((r["github_account_id"], r["email"]))
        conn.commit()
        plain = time.perf_counter() - start
    with psycopg.connect(os.environ[dbmod.DSN_ENV]) as conn:
        for table in ("profiles", "github_accounts", "emails"):
            conn.execute(f"create table indexed_{table} (like cppa_raw.{table} including all)")
        conn.commit()
        start = time.perf_counter()
        with conn.cursor() as cur:
            with cur.copy("copy indexed_profiles (platform, natural_key) from stdin") as copy:
                for r in rows:
                    copy.write_row(("github", str(r["github_account_id"])))
            with cur.copy(
                "copy indexed_github_accounts (base_profile_id, github_account_id,"
                " username, display_name, avatar_url, account_type) from stdin"
            ) as copy:
                for r in rows:
                    copy.write_row(
                        (
                            r["github_account_id"],
                            r["github_account_id"],
                            r["username"],
                            r["display_name"],
                            r["avatar_url"],
                            "user",
                        )
                    )
            with cur.copy(
                "copy indexed_emails (email_id, base_profile_id, action, email,"
                " is_primary, is_active) from stdin"
            ) as copy:
                for r in rows:
                    copy.write_row(
                        (
                            r["github_account_id"],
                            r["github_account_id"],
                            "add",
                            r["email"],
                            True,
                            True,
                        )
                    )
        conn.commit()
        indexed = time.perf_counter() - start
    print(
        f"bulk load_github_accounts, {rows_wanted} accounts + 1 email each: {bulk:.2f} s, "
        f"{rows_wanted / bulk:,.0f} rows/s"
    )
    print(
        f"plain COPY of the same rows into bare tables: {plain:.2f} s, "
        f"{rows_wanted / plain:,.0f} rows/s"
    )
    print(
        f"COPY of the same rows into tables shaped like the raw ones (same indexes and"
        f" defaults, no key lookups): {indexed:.2f} s, {rows_wanted / indexed:,.0f} rows/s"
    )
    print(
        f"bulk path at {plain / bulk:.0%} of the plain COPY rate,"
        f" {indexed / bulk:.0%} of the indexed COPY rate"
    )


if __name__ == "__main__":
    main()

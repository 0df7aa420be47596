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
from psycopg.conninfo import make_conninfo

from loaders import db as dbmod


def scratch_database() -> str:
    base = dbmod.resolve()
    name = f"cppa_bench_{os.getpid()}"
    with psycopg.connect(make_conninfo(base.conninfo, dbname="postgres"), autocommit=True) as c:
        c.execute(f"create database {name}")
    conninfo = make_conninfo(base.conninfo, dbname=name)
    with psycopg.connect(conninfo) as conn:
        dbmod.migrate(conn)
    os.environ[dbmod.DSN_ENV] = conninfo
    return name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    name = scratch_database()
    import loaders as L

    def timed(call: object) -> float:
        start = time.perf_counter()
        call()  # type: ignore[operator]
        return time.perf_counter() - start

    new = [
        timed(lambda i=i: L.get_or_create_github_account(10_000_000 + i, f"u{i}"))
        for i in range(args.calls)
    ]
    old = [
        timed(lambda i=i: L.get_or_create_github_account(10_000_000 + i, f"u{i}"))
        for i in range(args.calls)
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
        for i in range(args.rows)
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
        f"bulk load_github_accounts, {args.rows} accounts + 1 email each: {bulk:.2f} s, "
        f"{args.rows / bulk:,.0f} rows/s"
    )
    print(
        f"plain COPY of the same rows into bare tables: {plain:.2f} s, "
        f"{args.rows / plain:,.0f} rows/s"
    )
    print(
        f"COPY of the same rows into tables shaped like the raw ones (same indexes and"
        f" defaults, no key lookups): {indexed:.2f} s, {args.rows / indexed:,.0f} rows/s"
    )
    print(
        f"bulk path at {plain / bulk:.0%} of the plain COPY rate,"
        f" {indexed / bulk:.0%} of the indexed COPY rate"
    )
    dbmod.close_pool()
    with psycopg.connect(
        make_conninfo(os.environ[dbmod.DSN_ENV], dbname="postgres"), autocommit=True
    ) as c:
        c.execute(f"drop database {name} with (force)")


if __name__ == "__main__":
    main()

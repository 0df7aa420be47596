"""Loader speed: single-call latency and bulk throughput, against a plain COPY of
the same rows into bare tables measured in the same run.

    python -m benchmarks.bench_loaders [--rows 100000] [--calls 2000]

Uses CPPA_IDENTITY_DSN when set, else the embedded server (a scratch database).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import psycopg

from benchmarks.scratch_database import scratch_database
from loaders import db as dbmod


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    with scratch_database(f"cppa_bench_loaders_{os.getpid()}"):
        measure(args.rows, args.calls)


def _percentiles(data: list[float]) -> tuple[float, float]:
    data = sorted(data)
    return statistics.median(data), data[int(len(data) * 0.99)]


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def bare_upsert(calls: int) -> dict[str, float]:
    """The floor: one `INSERT … ON CONFLICT … RETURNING` round trip in autocommit,
    on a connection of its own, for new and for existing keys."""
    with psycopg.connect(os.environ[dbmod.DSN_ENV], autocommit=True) as conn:
        conn.execute(
            "create table bare_keys (id bigint generated always as identity,"
            " natural_key text primary key)"
        )
        statement = (
            "insert into bare_keys (natural_key) values (%s) on conflict (natural_key)"
            " do update set natural_key = excluded.natural_key returning id"
        )
        new = [
            _timed(lambda i=i: conn.execute(statement, (str(i),)).fetchone()) for i in range(calls)
        ]
        old = [
            _timed(lambda i=i: conn.execute(statement, (str(i),)).fetchone()) for i in range(calls)
        ]
    return {"new key": _percentiles(new)[0], "existing key": _percentiles(old)[0]}


def measure(rows_wanted: int, calls: int) -> None:
    import loaders as L

    floor = bare_upsert(calls)
    print(
        f"bare INSERT … ON CONFLICT … RETURNING round trip: new key median "
        f"{floor['new key'] * 1e3:.3f} ms, existing key {floor['existing key'] * 1e3:.3f} ms"
    )

    def report(label: str, data: list[float], floor_key: str) -> None:
        median, p99 = _percentiles(data)
        print(
            f"single {label}: median {median * 1e3:.3f} ms, p99 {p99 * 1e3:.3f} ms, "
            f"{median / floor[floor_key]:.2f}× the bare round trip"
        )

    new = [
        _timed(lambda i=i: L.get_or_create_github_account(10_000_000 + i, f"u{i}"))
        for i in range(calls)
    ]
    old = [
        _timed(lambda i=i: L.get_or_create_github_account(10_000_000 + i, f"u{i}"))
        for i in range(calls)
    ]
    report("get_or_create_github_account, new key", new, "new key")
    report("get_or_create_github_account, existing key", old, "existing key")
    account, _ = L.get_or_create_github_account(9_999_999, "emails")
    added: list[L.Email] = []
    report(
        "add_email",
        [
            _timed(lambda i=i: added.append(L.add_email(account, f"e{i}@x.org")))
            for i in range(calls)
        ],
        "new key",
    )
    report(
        "update_email",
        [_timed(lambda e=e: L.update_email(e, is_active=False)) for e in added],
        "new key",
    )
    report(
        "create_identity",
        [_timed(lambda: L.create_identity("Someone")) for _ in range(calls)],
        "new key",
    )
    report(
        "get_or_create_slack_user, existing key",
        [
            _timed(lambda: L.get_or_create_slack_user({"id": "U1", "name": "u"}))
            for _ in range(calls)
        ],
        "existing key",
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

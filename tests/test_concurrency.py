"""Many collectors calling get-or-create with the same keys at the same moment."""

from __future__ import annotations

import multiprocessing
import os
import random
from typing import Any

from loaders import db as dbmod

PROCESSES, CALLS, KEYS = 8, 2000, 500


def _worker(args: tuple[str, int]) -> tuple[dict[int, int], int, int, list[str]]:
    conninfo, seed = args
    os.environ[dbmod.DSN_ENV] = conninfo
    import loaders as L

    rng = random.Random(seed)
    ids: dict[int, int] = {}
    created = unknown_created = 0
    errors: list[str] = []
    for i in range(CALLS):
        key = rng.randrange(KEYS)
        try:
            if i % 10 == 0:
                _, made = L.get_or_create_unknown_github_account(f"author {key % 20}")
                unknown_created += made
                continue
            account, made = L.get_or_create_github_account(key + 1, f"user{key}")
        except Exception as exc:  # collected and asserted empty below
            errors.append(repr(exc))
            continue
        assert ids.setdefault(key, account.id) == account.id
        created += made
    dbmod.close_pool()
    return ids, created, unknown_created, errors


def test_concurrent_get_or_create_is_race_free(database: dbmod.Database, conn: Any) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(PROCESSES) as pool:
        results = pool.map(_worker, [(database.conninfo, seed) for seed in range(PROCESSES)])
    errors = [e for r in results for e in r[3]]
    assert errors == []
    merged: dict[int, int] = {}
    for ids, _, _, _ in results:
        for key, pid in ids.items():
            assert merged.setdefault(key, pid) == pid, f"key {key} got two ids"
    created = sum(r[1] for r in results)
    unknown_created = sum(r[2] for r in results)
    github = conn.execute(
        "select count(*) from cppa_raw.profiles where natural_key::bigint > 0"
    ).fetchone()[0]
    assert github == len(merged) == created
    assert len(merged) == KEYS  # 8 × 1800 draws over 500 keys cover every key
    negative = conn.execute(
        "select count(*), count(distinct natural_key) from cppa_raw.profiles"
        " where natural_key::bigint < 0"
    ).fetchone()
    assert negative == (20, 20) and unknown_created == 20

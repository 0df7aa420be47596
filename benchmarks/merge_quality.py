"""Merge quality against the sample generator's ground truth.

    python -m benchmarks.merge_quality [--people 200,600]

For automatic merges: pairwise precision and recall over profile pairs. For
merge candidates: the share of candidate pairs that are truly one person, and
the share of true same-person pairs left unmerged that a candidate covers.
"""

from __future__ import annotations

import argparse

import psycopg

from benchmarks.scratch_database import scratch_database
from loaders import db as dbmod
from loaders.ops import sample
from loaders.ops.runs import run


def measure(people: int) -> None:
    with scratch_database(f"cppa_quality_{people}") as conninfo:
        report(people, conninfo)


def report(people: int, conninfo: str) -> None:
    truth = sample.load(sample.generate(people, seed=7))
    summary = run(dbmod.Database("dsn", conninfo), full=True)
    assert summary.outcome == "success", summary.failures
    with psycopg.connect(conninfo) as conn:
        predicted = dict(
            conn.execute("select id, identity_id from cppa_identity.base_profile").fetchall()
        )
        candidates = conn.execute(
            "select identity_a, identity_b from cppa_identity.identity_merge_candidate"
        ).fetchall()
    precision, recall, hits, predicted_pairs, true_pairs = sample.pairwise_scores(truth, predicted)
    person_of: dict[int, set[object]] = {}
    for pid, ident in predicted.items():
        person_of.setdefault(ident, set()).add(truth.get(pid, ("bot", pid)) or ("bot", pid))
    good = sum(1 for a, b in candidates if person_of[a] & person_of[b])
    missing: set[tuple[int, int]] = set()
    for a in person_of:
        for b in person_of:
            if a < b and person_of[a] & person_of[b]:
                missing.add((a, b))
    covered = len(missing & set(candidates))
    print(
        f"{people} people, {len(truth)} profiles: automatic merges precision {precision:.3f}, "
        f"recall {recall:.3f} ({hits}/{true_pairs} true pairs, {predicted_pairs} merged pairs); "
        f"candidates: {len(candidates)}, precision {good / max(len(candidates), 1):.3f}, "
        f"cover {covered}/{len(missing)} unmerged same-person identity pairs"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", default="200,600")
    for people in parser.parse_args().people.split(","):
        measure(int(people))


if __name__ == "__main__":
    main()

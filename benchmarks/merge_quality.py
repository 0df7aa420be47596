"""Merge quality: pairwise precision and recall of the automatic merge, recall of
merges + candidates, and the candidate count, next to two simple baselines
computed in the same run on the same profiles:

- exact email: profiles sharing a normalised address are one person;
- email + name, transitive (as SortingHat's unify): a shared address or a shared
  folded full name joins two profiles, transitively.

    python -m benchmarks.merge_quality [--people 200,600] [--name-join second_signal]
    python -m benchmarks.merge_quality --git-dir /path/to/repo.git [--git-dir …]

With --git-dir, each distinct commit identity (author name, author email) of the
repository becomes a mailing-list profile; the truth is the repository's own
.mailmap: two identities are one person when git maps them to the same address
or to the same name (folded for case and accents). Nothing from the repository
is written anywhere but the scratch database, which is dropped afterwards.
"""

from __future__ import annotations

import argparse
import subprocess
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import psycopg

import loaders as L
from benchmarks.scratch_database import scratch_database
from loaders import db as dbmod
from loaders.ops import sample
from loaders.ops.catalog import DEFAULT_NAME_POLICY, NAME_POLICIES, NAME_POLICY_KEY, put_setting
from loaders.ops.runs import run

Pair = tuple[int, int]


def fold(name: str) -> str:
    """Case and accents folded, whitespace collapsed (the truth's name rule)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("ı", "i").split())


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def groups_to_pairs(label: dict[int, Hashable]) -> set[Pair]:
    groups: dict[Hashable, list[int]] = {}
    for node, key in label.items():
        groups.setdefault(key, []).append(node)
    pairs: set[Pair] = set()
    for members in groups.values():
        members.sort()
        pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return pairs


def unify(nodes: Iterable[int], keys: dict[int, list[Hashable]]) -> dict[int, Hashable]:
    """Join nodes sharing any key, transitively; returns node -> group."""
    uf = UnionFind()
    first: dict[Hashable, int] = {}
    for node in nodes:
        uf.find(node)
        for key in keys.get(node, []):
            if key in first:
                uf.union(first[key], node)
            else:
                first[key] = node
    return {node: uf.find(node) for node in uf.parent}


@dataclass
class Scores:
    precision: float
    recall: float

    def __str__(self) -> str:
        return f"P {self.precision:.3f} / R {self.recall:.3f}"


def score(predicted: set[Pair], truth: set[Pair]) -> Scores:
    hits = len(predicted & truth)
    return Scores(hits / len(predicted) if predicted else 1.0, hits / len(truth) if truth else 1.0)


EXPLAIN = 0  # --explain N: print N false merges and N missed pairs
NAME_JOIN = DEFAULT_NAME_POLICY  # --name-join: the policy the scratch database merges by


def explain(
    conn: psycopg.Connection[Any],
    names: dict[int, str],
    merged: set[Pair],
    truth: set[Pair],
    identity_of: dict[int, int],
) -> None:
    """Examples of what went wrong, with the evidence behind each false merge."""
    emails: dict[int, str] = dict(
        conn.execute(
            "select base_profile_id, string_agg(email_normalized, ' ')"
            " from cppa_identity.email group by 1"
        ).fetchall()
    )

    def show(p: int) -> str:
        return f"{p} {names.get(p)!r} <{emails.get(p, '')}>"

    for a, b in sorted(merged - truth)[:EXPLAIN]:
        print(f"    false merge: {show(a)} ~ {show(b)}")
        for row in conn.execute(
            "select node_a, node_b, evidence, detail from cppa_identity.identity_evidence"
            " where identity_id = %s limit 12",
            (identity_of[a],),
        ):
            print(f"        {row}")
    for a, b in sorted(truth - merged)[:EXPLAIN]:
        print(f"    missed: {show(a)} ~ {show(b)}")


def evaluate(label: str, conninfo: str, truth_of: dict[int, Hashable]) -> None:
    """Run the merge on what is loaded and print the figures against `truth_of`
    (profile id -> person key)."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        put_setting(conn, NAME_POLICY_KEY, NAME_JOIN)
    summary = run(dbmod.Database("dsn", conninfo), full=True)
    assert summary.outcome == "success", summary.failures or summary.error
    with psycopg.connect(conninfo) as conn:
        identity_of = dict(
            conn.execute("select id, identity_id from cppa_identity.base_profile").fetchall()
        )
        names = dict(
            conn.execute("select id, display_name from cppa_identity.identity_profile").fetchall()
        )
        emails: dict[int, list[Hashable]] = {}
        for pid, address in conn.execute(
            "select base_profile_id, email_normalized from cppa_identity.email where is_valid_email"
        ):
            emails.setdefault(pid, []).append(("email", address))
        candidates = conn.execute(
            "select identity_a, identity_b from cppa_identity.identity_merge_candidate"
        ).fetchall()
    profiles = sorted(p for p in identity_of if p in truth_of)
    truth = groups_to_pairs({p: truth_of[p] for p in profiles})
    merged = groups_to_pairs({p: identity_of[p] for p in profiles})
    members: dict[int, list[int]] = {}
    for p in profiles:
        members.setdefault(identity_of[p], []).append(p)
    offered: set[Pair] = set()
    useful = 0
    for a, b in candidates:
        pairs = {(min(x, y), max(x, y)) for x in members.get(a, []) for y in members.get(b, [])}
        offered |= pairs
        useful += bool(pairs & truth)
    with_names: dict[int, list[Hashable]] = {
        p: [*emails.get(p, []), *([("name", fold(names[p]))] if names.get(p) else [])]
        for p in profiles
    }
    exact = groups_to_pairs(unify(profiles, {p: emails.get(p, []) for p in profiles}))
    transitive = groups_to_pairs(unify(profiles, with_names))
    reach = score(merged | offered, truth)
    if EXPLAIN:
        with psycopg.connect(conninfo) as conn:
            explain(conn, names, merged, truth, identity_of)
    print(
        f"{label}: {len(profiles)} profiles, {len(truth)} same-person pairs\n"
        f"  automatic merge          {score(merged, truth)}\n"
        f"  merges + candidates      R {reach.recall:.3f}; {len(candidates)} candidates,"
        f" {useful} of them true ({len(candidates) / max(useful, 1):.2f}× the true ones)\n"
        f"  baseline exact email     {score(exact, truth)}\n"
        f"  baseline email + name    {score(transitive, truth)}"
    )


def measure_sample(people: int) -> None:
    with scratch_database(f"cppa_quality_{people}") as conninfo:
        truth = sample.load(sample.generate(people, seed=7))
        evaluate(
            f"sample, {people} people",
            conninfo,
            {p: ("bot", p) if person is None else person for p, person in truth.items()},
        )


def git_identities(git_dir: str) -> list[tuple[str, str, str, str]]:
    """Distinct (name, email, mapped name, mapped email) of every commit author."""
    out = subprocess.run(
        [
            "git",
            "--git-dir",
            git_dir,
            "-c",
            "mailmap.blob=HEAD:.mailmap",
            "log",
            "--format=%an%x09%ae%x09%aN%x09%aE",
        ],
        check=True,
        capture_output=True,
        text=True,
        errors="replace",
    ).stdout
    rows = {tuple(line.split("\t")) for line in out.splitlines() if line.count("\t") == 3}
    return sorted(rows)  # type: ignore[arg-type]


def measure_git(git_dir: str) -> None:
    identities = git_identities(git_dir)
    with scratch_database("cppa_quality_git") as conninfo:
        ids = L.load_mailing_list_profiles(
            [{"display_name": name or email, "email": email} for name, email, _, _ in identities],
            source="merge_quality",
        )
        keys: dict[int, list[Hashable]] = {}
        for pid, (_, _, mapped_name, mapped_email) in zip(ids, identities, strict=True):
            keys.setdefault(pid, []).append(("email", mapped_email.strip().lower()))
            if fold(mapped_name):
                keys[pid].append(("name", fold(mapped_name)))
        truth_of = unify(ids, keys)
        evaluate(f"git history {git_dir}", conninfo, dict(truth_of.items()))


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", default="200,600", help="sample sizes (comma-separated)")
    parser.add_argument("--git-dir", action="append", default=[], help="a git repository")
    parser.add_argument("--explain", type=int, default=0, help="print N errors of each kind")
    parser.add_argument(
        "--name-join", choices=NAME_POLICIES, default=DEFAULT_NAME_POLICY, help="the name policy"
    )
    args = parser.parse_args(argv)
    global EXPLAIN, NAME_JOIN
    EXPLAIN = args.explain
    NAME_JOIN = args.name_join
    if args.git_dir:
        for git_dir in args.git_dir:
            measure_git(git_dir)
        return
    for people in args.people.split(","):
        measure_sample(int(people))


if __name__ == "__main__":
    main()

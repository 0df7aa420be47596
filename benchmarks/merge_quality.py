"""Merge quality: pairwise precision and recall of the automatic merge, recall of
merges + candidates, and the candidate count, next to two simple baselines
computed in the same run on the same profiles:

- exact email: profiles sharing a normalised address are one person;
- email + name, transitive (as SortingHat's unify): a shared address or a shared
  folded full name joins two profiles, transitively.

    python -m benchmarks.merge_quality [--people 200,600] [--name-join second_signal]
    python -m benchmarks.merge_quality --community 12000 [--seed 29]
    python -m benchmarks.merge_quality --git-dir /path/to/repo.git [--git-dir …]

--community N generates N people with the world's name distribution
(benchmarks/community.py): common names are carried by several people.

Besides precision and recall, each data set prints:
- calibration of the candidates: per score band, how many candidates, the share
  that are true (their two identities hold profiles of one person) and the mean
  score; the expected calibration error is the count-weighted mean of
  |share true - mean score|;
- identities holding the GitHub accounts of two or more people, and those holding
  verified platform accounts (GitHub, Slack, Discord, YouTube) of two or more;
- the same-person pairs split by what links them: more than a common name (a
  shared address, login or handle, GitHub id or noreply address, or a name only
  one person carries; directly or through the person's other such links), only a
  name several people carry, or nothing (a name compares as its core_name: case,
  accents, punctuation, initials and word order aside); recall of merges + candidates over the
  first, and how many of the second are merged or offered. A value counts as a
  link only when one person (in the truth) carries it.

With --git-dir, each distinct commit identity (author name, author email) of the
repository becomes a mailing-list profile; the truth is the repository's own
.mailmap: two identities are one person when git maps them to the same address
or to the same name (folded for case and accents). Nothing from the repository
is written anywhere but the scratch database, which is dropped afterwards.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import time
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

import loaders as L
from benchmarks import community
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
LEVELS = False  # --levels: m and u of each comparison level, estimated from the truth


def explain(
    conn: psycopg.Connection[Any],
    names: dict[int, str],
    merged: set[Pair],
    truth: set[Pair],
    identity_of: dict[int, int],
    offered: set[Pair],
) -> None:
    """Examples of what went wrong, with the evidence behind each false merge;
    a missed pair says how the model weighed it and whether the queue offers it."""
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
    anchor_of = dict(
        conn.execute(
            "select node_id, anchor_id from cppa_identity_work.int_evidence_anchors_labelled"
        ).fetchall()
    )
    compared = {
        (a, b): (p, levels)
        for a, b, p, levels in conn.execute(
            "select anchor_a, anchor_b, match_probability::float8, levels"
            " from cppa_identity_work.int_comparison_pairs_scored"
        )
    }
    for a, b in sorted(truth - merged)[:EXPLAIN]:
        x, y = sorted((anchor_of.get(a, a), anchor_of.get(b, b)))
        seen = compared.get((x, y))
        weighed = f" p={seen[0]:.3f} {' '.join(seen[1])}" if seen else " (not compared)"
        queued = " [candidate]" if (a, b) in offered else ""
        print(f"    missed: {show(a)} ~ {show(b)}{queued}{weighed}")


def evaluate(label: str, conninfo: str, truth_of: dict[int, Hashable]) -> None:
    """Run the merge on what is loaded and print the figures against `truth_of`
    (profile id -> person key)."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        put_setting(conn, NAME_POLICY_KEY, NAME_JOIN)
    started = time.monotonic()
    summary = run(dbmod.Database("dsn", conninfo), full=True)
    elapsed = time.monotonic() - started
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
        column = score_column(conn)
        scored: list[tuple[int, int, float]] = conn.execute(
            sql.SQL(
                "select identity_a, identity_b, {}::float8"
                " from cppa_identity.identity_merge_candidate"
            ).format(sql.Identifier(column))
        ).fetchall()
        candidates = [(a, b) for a, b, _ in scored]
        profile_rows = conn.execute(
            "select p.id, p.type, p.username, p.display_name, g.github_account_id"
            " from cppa_identity.identity_profile p"
            " left join cppa_identity.github_account g on g.id = p.id"
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
            explain(conn, names, merged, truth, identity_of, offered)
    print(
        f"{label}: {len(profiles)} profiles, {len(truth)} same-person pairs"
        f" (merge run {elapsed:.0f} s)\n"
        f"  automatic merge          {score(merged, truth)}\n"
        f"  merges + candidates      R {reach.recall:.3f}; {len(candidates)} candidates,"
        f" {useful} of them true ({len(candidates) / max(useful, 1):.2f}× the true ones)\n"
        f"  baseline exact email     {score(exact, truth)}\n"
        f"  baseline email + name    {score(transitive, truth)}"
    )
    truth_sub = {p: truth_of[p] for p in profiles}
    print_calibration(scored, members, truth_sub, column)
    print_mixed(profile_rows, identity_of, truth_sub)
    print_links(profile_rows, emails, truth_sub, merged, merged | offered)
    if LEVELS:
        with psycopg.connect(conninfo) as conn:
            print_levels(conn, truth_sub)


def print_levels(conn: psycopg.Connection[Any], truth_of: dict[int, Hashable]) -> None:
    """m and u of each comparison level estimated from the truth (labels): over
    the anchor pairs the model compared, the share of one person's pairs (m) and
    of two people's pairs (u) showing the level, beside the seed's m; the same
    among the pairs whose comparison (name, login, address, account) was made,
    both sides having values of its kind ("| compared": Fellegi-Sunter's m and u
    given the comparison, a level of each comparison per pair); and the model's
    calibration over every compared pair."""
    anchor_of = dict(
        conn.execute(
            "select p.base_profile_id, coalesce(a.anchor_id, p.base_profile_id)"
            " from cppa_identity_work.int_profiles_unioned p"
            " left join cppa_identity_work.int_evidence_anchors_labelled a"
            " on a.node_id = p.base_profile_id"
        ).fetchall()
    )
    people: dict[int, set[Hashable]] = {}
    for pid, anchor in anchor_of.items():
        if pid in truth_of:
            people.setdefault(anchor, set()).add(truth_of[pid])
    seed_m = dict(
        conn.execute("select level, m_probability from cppa_identity_config.comparison_levels")
    )
    comparison_of = dict(
        conn.execute("select level, comparison from cppa_identity_config.comparison_levels")
    )
    counts: dict[str, list[int]] = {}
    evaluated: dict[str, list[int]] = {}
    matches = non_matches = 0
    bands = [[0, 0, 0.0] for _ in range(10)]
    for a, b, p, levels in conn.execute(
        "select anchor_a, anchor_b, match_probability::float8, levels"
        " from cppa_identity_work.int_comparison_pairs_scored"
    ):
        is_match = bool(people.get(a, set()) & people.get(b, set()))
        matches += is_match
        non_matches += not is_match
        shown = {entry.split(":", 1)[0] for entry in levels}
        for level in shown:
            counts.setdefault(level, [0, 0])[0 if is_match else 1] += 1
        for comparison in {comparison_of.get(level) for level in shown}:
            evaluated.setdefault(str(comparison), [0, 0])[0 if is_match else 1] += 1
        band = bands[min(int(p * 10), 9)]
        band[0] += 1
        band[1] += is_match
        band[2] += p
    print(
        f"  comparison levels over {matches + non_matches} compared anchor pairs"
        f" ({matches} one person):"
    )
    print(
        "    level                        m (labels)  m (seed)  u (labels)"
        "  m | compared  u | compared"
    )
    for level, (m, u) in sorted(counts.items()):
        among = evaluated.get(str(comparison_of.get(level)), [0, 0])
        print(
            f"    {level:<28} {m / max(matches, 1):>10.3f}  {float(seed_m.get(level, 0)):>8.3f}"
            f"  {u / max(non_matches, 1):>10.4f}  {m / max(among[0], 1):>12.3f}"
            f"  {u / max(among[1], 1):>12.4f}"
        )
    total = sum(n for n, _, _ in bands)
    error = sum(abs(t - s) for n, t, s in bands if n) / max(total, 1)
    print(
        "    every compared pair, per band: "
        + ", ".join(
            f"{i / 10:.1f}: {n} ({t / n:.2f} true, mean {s / n:.2f})"
            for i, (n, t, s) in enumerate(bands)
            if n
        )
        + f"; calibration error {error:.3f}"
    )


SCORE_COLUMNS = ("probability", "match_probability", "score")


def score_column(conn: psycopg.Connection[Any]) -> str:
    """The candidate's score column: the first of SCORE_COLUMNS the mart has."""
    have = {
        row[0]
        for row in conn.execute(
            "select column_name from information_schema.columns"
            " where table_schema = 'cppa_identity' and table_name = 'identity_merge_candidate'"
        )
    }
    for name in SCORE_COLUMNS:
        if name in have:
            return name
    raise SystemExit(f"identity_merge_candidate has none of {SCORE_COLUMNS}: {sorted(have)}")


def calibration(
    scored: Iterable[tuple[int, int, float]],
    members: dict[int, list[int]],
    truth_of: dict[int, Hashable],
) -> tuple[list[tuple[int, int, float]], float]:
    """Per score band 0.0-0.1 … 0.9-1.0: (candidates, true ones, sum of scores), and
    the expected calibration error. A candidate is true when its two identities
    hold profiles of one person."""
    bands = [[0, 0, 0.0] for _ in range(10)]
    for a, b, value in scored:
        people_a = {truth_of[p] for p in members.get(a, [])}
        is_true = any(truth_of[p] in people_a for p in members.get(b, []))
        band = bands[min(max(int(value * 10), 0), 9)]
        band[0] += 1
        band[1] += is_true
        band[2] += value
    total = sum(n for n, _, _ in bands)
    error = sum(abs(t / n - s / n) * n for n, t, s in bands if n) / total if total else 0.0
    return [(int(n), int(t), float(s)) for n, t, s in bands], error


def print_calibration(
    scored: list[tuple[int, int, float]],
    members: dict[int, list[int]],
    truth_of: dict[int, Hashable],
    column: str,
) -> None:
    bands, error = calibration(scored, members, truth_of)
    print(f"  calibration of the {len(scored)} candidates ({column}):")
    print("    band        candidates  share true  mean score")
    for i, (n, t, s) in enumerate(bands):
        if n:
            print(f"    {i / 10:.1f}-{(i + 1) / 10:.1f}  {n:>12}  {t / n:>10.3f}  {s / n:>10.3f}")
    print(f"    expected calibration error {error:.3f}")


VERIFIED = ("github", "slack", "discord", "youtube")


def print_mixed(
    profile_rows: list[tuple[Any, ...]],
    identity_of: dict[int, int],
    truth_of: dict[int, Hashable],
) -> None:
    """Identities holding the GitHub accounts (or any verified accounts) of 2+ people."""
    github: dict[int, set[Hashable]] = {}
    verified: dict[int, set[Hashable]] = {}
    anything: dict[int, set[Hashable]] = {}
    for pid, platform, _, _, gid in profile_rows:
        if pid not in truth_of:
            continue
        person, identity = truth_of[pid], identity_of[pid]
        anything.setdefault(identity, set()).add(person)
        is_account = platform in VERIFIED and (platform != "github" or (gid or 0) > 0)
        if is_account:
            verified.setdefault(identity, set()).add(person)
        if platform == "github" and (gid or 0) > 0:
            github.setdefault(identity, set()).add(person)

    def mixed(held: dict[int, set[Hashable]]) -> int:
        return sum(len(people) > 1 for people in held.values())

    print(
        f"  identities mixing people: {mixed(anything)} of {len(anything)};"
        f" holding GitHub accounts of 2+ people: {mixed(github)};"
        f" verified accounts of 2+ people: {mixed(verified)};"
        f" the largest holds {max(map(len, anything.values()), default=0)} people"
    )


def core_name(name: str) -> str:
    """The name a careful reader compares: folded, punctuation and initials dropped,
    words in order ("Wang, Wei", "wei wang" and "Wei J. Wang" are one name)."""
    words = re.sub(r"[^\w\s]", " ", re.sub(r"['’-]", "", fold(name))).split()
    return " ".join(sorted(w for w in words if len(w) > 1))


NOREPLY = re.compile(r"^(?:([0-9]{1,18})\+)?([^@+]+)@users\.noreply\.github\.com$")


def link_keys(
    profile_rows: list[tuple[Any, ...]], emails: dict[int, list[Hashable]]
) -> tuple[dict[int, set[Hashable]], dict[int, set[Hashable]]]:
    """Per profile: the values that can link it to another (addresses, GitHub ids and
    logins, handles, noreply ids and logins), and its folded names."""
    keys: dict[int, set[Hashable]] = {}
    names: dict[int, set[Hashable]] = {}
    for pid, platform, username, display_name, gid in profile_rows:
        own = keys.setdefault(pid, set())
        if platform == "github" and (gid or 0) > 0:
            own.add(("github id", gid))
        if username and platform in VERIFIED:
            own.add(("login", username.lower()))
        core = core_name(display_name or "")
        if core:
            names[pid] = {("name", core)}
    for pid, addresses in emails.items():
        for _, address in addresses:  # type: ignore[misc]
            keys.setdefault(pid, set()).add(("email", address))
            noreply = NOREPLY.match(str(address))
            if noreply:
                if noreply.group(1):
                    keys[pid].add(("github id", int(noreply.group(1))))
                keys[pid].add(("login", noreply.group(2).lower()))
    return keys, names


def print_links(
    profile_rows: list[tuple[Any, ...]],
    emails: dict[int, list[Hashable]],
    truth_of: dict[int, Hashable],
    merged: set[Pair],
    found: set[Pair],
) -> None:
    """Same-person pairs by what links them, and how many the merge found."""
    keys, names = link_keys(profile_rows, emails)
    carriers: dict[Hashable, set[Hashable]] = {}
    for pid, person in truth_of.items():
        for key in keys.get(pid, set()) | names.get(pid, set()):
            carriers.setdefault(key, set()).add(person)
    strong = {
        pid: {k for k in keys.get(pid, set()) | names.get(pid, set()) if len(carriers[k]) == 1}
        for pid in truth_of
    }
    by_person: dict[Hashable, list[int]] = {}
    for pid, person in truth_of.items():
        by_person.setdefault(person, []).append(pid)
    linked = name_only = unlinked = 0
    linked_found = linked_merged = name_merged = name_offered = 0
    for pids in by_person.values():
        if len(pids) < 2:
            continue
        component = unify(pids, {p: list(strong[p]) for p in pids})
        for i, a in enumerate(sorted(pids)):
            for b in sorted(pids)[i + 1 :]:
                pair = (a, b)
                if component[a] == component[b]:
                    linked += 1
                    linked_found += pair in found
                    linked_merged += pair in merged
                    continue
                names_a = set().union(
                    *(names.get(p, set()) for p in pids if component[p] == component[a])
                )
                names_b = set().union(
                    *(names.get(p, set()) for p in pids if component[p] == component[b])
                )
                if names_a & names_b:
                    name_only += 1
                    name_merged += pair in merged
                    name_offered += pair in found and pair not in merged
                else:
                    unlinked += 1
    print(
        f"  same-person pairs linked by more than a common name: {linked};"
        f" merged {linked_merged / max(linked, 1):.3f},"
        f" merges + candidates R {linked_found / max(linked, 1):.3f}\n"
        f"  linked only by a name several people carry: {name_only};"
        f" {name_merged} merged, {name_offered} candidates;"
        f" with no shared value: {unlinked}"
    )


def measure_community(people: int, seed: int) -> None:
    generated = community.generate(people, seed)
    with scratch_database(f"cppa_quality_community_{people}") as conninfo:
        started = time.monotonic()
        truth = community.load(generated)
        loaded = time.monotonic() - started
        evaluate(
            f"community, {people} people (seed {seed}), loaded in {loaded:.0f} s",
            conninfo,
            truth,
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
    parser.add_argument(
        "--people", default=None, help="sample sizes (comma-separated; 200,600 when alone)"
    )
    parser.add_argument("--community", type=int, action="append", default=[], help="N people")
    parser.add_argument("--seed", type=int, default=29, help="the community's seed")
    parser.add_argument("--git-dir", action="append", default=[], help="a git repository")
    parser.add_argument("--explain", type=int, default=0, help="print N errors of each kind")
    parser.add_argument(
        "--name-join", choices=NAME_POLICIES, default=DEFAULT_NAME_POLICY, help="the name policy"
    )
    parser.add_argument(
        "--levels", action="store_true", help="estimate each level's m and u from the truth"
    )
    args = parser.parse_args(argv)
    global EXPLAIN, NAME_JOIN, LEVELS
    LEVELS = args.levels
    EXPLAIN = args.explain
    NAME_JOIN = args.name_join
    sizes = args.people or ("" if args.git_dir or args.community else "200,600")
    for people in filter(None, sizes.split(",")):
        measure_sample(int(people))
    for people in args.community:
        measure_community(people, args.seed)
    for git_dir in args.git_dir:
        measure_git(git_dir)


if __name__ == "__main__":
    main()

"""The .mailmap round trip on a real history: the repository's own .mailmap and
its commit identities are imported, merged (`run`), exported as a .mailmap, and
git itself (`git check-mailmap`) reads every commit identity under both files.
It prints how many pairs of identities the original joins and how many of them
the export splits (the goal: none), and how many pairs the export joins that
the original keeps apart (the merge's own additions).

    python -m benchmarks.mailmap_round_trip --git-dir /path/to/repo.git [--git-dir …]

With `--generated N`: N generated profiles (the merge benchmark's) are loaded
and merged, exported as a .mailmap and read back identity by identity, by git
(`git check-mailmap`) and by `import` into an empty database (`round_trip`
below, which tests/ops/test_transfer.py runs on 2,000 profiles).

Nothing from the repository is written anywhere but the scratch database, which
is dropped afterwards, and a temporary directory.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

import loaders as L
from benchmarks.merge_quality import git_identities
from benchmarks.scratch_database import scratch_database
from loaders.ops import transfer
from loaders.ops.runs import run


def check_mailmap(git_dir: str | None, mailmap: Path, identities: list[str]) -> list[str]:
    """git's reading of each identity under `mailmap`, in order (batches of 500);
    without `git_dir`, in an empty repository beside the file (git asks for one)."""
    if git_dir is None:
        git_dir = str(mailmap.parent / ".git")
        subprocess.run(["git", "init", "-q", str(mailmap.parent)], check=True, capture_output=True)
    answers: list[str] = []
    for start in range(0, len(identities), 500):
        out = subprocess.run(
            [
                "git",
                "--git-dir",
                git_dir,
                "-c",
                f"mailmap.file={mailmap}",
                "check-mailmap",
                *identities[start : start + 500],
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        answers += [line.strip().lower() for line in out.splitlines()]
    return answers


def joined_pairs(readings: list[str]) -> set[tuple[int, int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, reading in enumerate(readings):
        groups[reading].append(i)
    return {pair for members in groups.values() for pair in itertools.combinations(members, 2)}


def measure(git_dir: str, keep: str = "") -> None:
    original = subprocess.run(
        ["git", "--git-dir", git_dir, "show", "HEAD:.mailmap"],
        check=True,
        capture_output=True,
        text=True,
        errors="replace",
    ).stdout
    commits = [
        (name, email) for name, email, _, _ in git_identities(git_dir) if "<" not in name + email
    ]
    asked = [f"{name or email} <{email}>" for name, email in commits]
    with (
        scratch_database("cppa_mailmap_round_trip") as conninfo,
        tempfile.TemporaryDirectory() as tmp,
    ):
        L.load_mailing_list_profiles(
            [{"display_name": name or email, "email": email} for name, email in commits],
            source="mailmap_round_trip",
        )
        with psycopg.connect(conninfo) as conn:
            report = transfer.import_mailmap(conn, original.splitlines())
            conn.commit()
        summary = run(L.db.resolve(), full=True)
        assert summary.outcome == "success", summary.failures or summary.error
        files = {"original": Path(tmp) / "original", "exported": Path(tmp) / "exported"}
        files["original"].write_text(original)
        with psycopg.connect(conninfo) as conn, files["exported"].open("w") as out:
            written = transfer.write_export(transfer.identities(conn), "mailmap", out)
        if keep:
            Path(keep).write_text(files["exported"].read_text())
        before = joined_pairs(check_mailmap(git_dir, files["original"], asked))
        after = joined_pairs(check_mailmap(git_dir, files["exported"], asked))
    split = before - after
    print(
        f"{git_dir}: {len(asked)} commit identities, mailmap {report.lines} lines"
        f" ({report.decisions} mapping decisions), exported {written} identities\n"
        f"  pairs the original joins   {len(before)}\n"
        f"  of them split by export    {len(split)}\n"
        f"  pairs only the export joins {len(after - before)}"
    )
    for i, j in sorted(split)[:5]:
        print(f"    split: #{i} and #{j}")  # indexes only: the history is other people's data


@dataclass
class RoundTrip:
    """What a .mailmap round trip kept: identities with an address, how many of
    them git and `import` read back whole and alone, and what differs."""

    identities: int = 0
    without_address: int = 0
    with_address: int = 0
    git_exact: int = 0
    import_exact: int = 0
    unnamed_lines: int = 0  # ` <address>` lines (no name)
    import_errors: int = 0
    differ: list[str] = field(default_factory=list)


def mailmap_entries(item: dict[str, Any]) -> tuple[set[tuple[str, str]], list[str]]:
    """An exported identity's (name, address) entries as the .mailmap writes them
    (the identity's name with each own address, the sender's with a shared one),
    and the commit identities git would be asked about ("Name <address>")."""
    entries: set[tuple[str, str]] = set()
    asked: list[str] = []
    name = (item["display_name"] or "").replace("<", "").replace(">", "").strip()
    for p in item["profiles"]:
        sender = (p["display_name"] or "").replace("<", "").replace(">", "").strip()
        for e in p["emails"]:
            address = (e["email"] or "").strip()
            if not address or any(c in address for c in "<> \t\n"):
                continue
            if e.get("shared"):
                if sender:
                    entries.add((sender, address))
                    asked.append(f"{sender} <{address}>")
            else:
                entries.add((name or address, address))
                asked.append(f"{sender or name or address} <{address}>")
    return entries, asked


def round_trip(
    source: psycopg.Connection[Any], target: psycopg.Connection[Any], workdir: Path
) -> RoundTrip:
    """Export `source` (merged) as a .mailmap, import it into `target` (empty),
    and compare identity by identity: under git, every commit identity of an
    identity reads as one line no other identity's reads as; after `import`, its
    entries are one component of the import's "same" decisions, holding nothing
    else."""
    found = RoundTrip()
    exported = workdir / "exported.mailmap"
    items = list(transfer.identities(source))
    with exported.open("w") as out:
        transfer.write_export(items, "mailmap", out)
    text = exported.read_text()
    found.unnamed_lines = sum(1 for line in text.splitlines() if line.startswith(" <"))
    report = transfer.import_mailmap(target, text.splitlines(keepends=True))
    target.commit()
    found.import_errors = len(report.errors)
    profiles = {
        (name, json.loads(key)[1]): pid
        for pid, name, key in target.execute(
            "select p.base_profile_id, m.display_name, p.natural_key from cppa_raw.profiles as p"
            " join cppa_raw.mailing_list_profiles as m using (base_profile_id)"
        )
    }
    parent = {pid: pid for pid in profiles.values()}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in target.execute(
        "select node_a, node_b from cppa_raw.manual_decisions where action = 'same'"
    ):
        parent[root(a)] = root(b)
    members: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for entry, pid in profiles.items():
        members[root(pid)].add(entry)
    asked_of: dict[int, list[str]] = {}
    found.identities = len(items)
    for item in items:
        entries, asked = mailmap_entries(item)
        if not entries:
            found.without_address += 1
            continue
        found.with_address += 1
        asked_of[item["id"]] = asked
        roots = {root(profiles[e]) for e in entries if e in profiles}
        whole = len(roots) == 1 and all(e in profiles for e in entries)
        if whole and members[roots.pop()] == entries:
            found.import_exact += 1
        elif len(found.differ) < 10:
            found.differ.append(f"import: identity {item['id']}")
    flat = [a for asked in asked_of.values() for a in asked]
    readings = dict(zip(flat, check_mailmap(None, exported, flat), strict=True))
    owners: dict[str, set[int]] = defaultdict(set)
    for identity, asked in asked_of.items():
        for a in asked:
            owners[readings[a]].add(identity)
    for identity, asked in asked_of.items():
        read = {readings[a] for a in asked}
        if len(read) == 1 and owners[next(iter(read))] == {identity}:
            found.git_exact += 1
        elif len(found.differ) < 20:
            found.differ.append(f"git: identity {identity}")
    return found


def generated(count: int) -> None:
    """The .mailmap round trip of `count` generated profiles (the merge
    benchmark's), with timings."""
    from benchmarks.bench_merge import generate, load

    with (
        scratch_database("cppa_round_trip_source") as source_info,
        tempfile.TemporaryDirectory() as tmp,
    ):
        started = time.perf_counter()
        load(generate(count)[0])
        L.db.close_pool()
        summary = run(L.db.resolve(), full=True)
        assert summary.outcome == "success", summary.failures or summary.error
        print(f"{count} profiles loaded and merged in {time.perf_counter() - started:.1f} s")
        with (
            scratch_database("cppa_round_trip_mailmap") as target_info,
            psycopg.connect(source_info) as source,
            psycopg.connect(target_info) as target,
        ):
            started = time.perf_counter()
            found = round_trip(source, target, Path(tmp))
        print(
            f"mailmap: {found.identities} identities, {found.without_address} without an address"
            f" (a comment line each), {found.with_address} with one;"
            f" read back whole and alone by git {found.git_exact}, by import {found.import_exact};"
            f" unnamed lines {found.unnamed_lines}, import errors {found.import_errors}"
            f" ({time.perf_counter() - started:.1f} s)"
        )
        for line in found.differ:
            print("  differs:", line)


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--git-dir", action="append", default=[], help="a git repository")
    parser.add_argument("--keep", default="", help="write the exported .mailmap here")
    parser.add_argument(
        "--generated", type=int, default=0, help="round-trip this many generated profiles"
    )
    args = parser.parse_args(argv)
    if not args.git_dir and not args.generated:
        parser.error("give --git-dir or --generated")
    for git_dir in args.git_dir:
        measure(git_dir, args.keep)
    if args.generated:
        generated(args.generated)


if __name__ == "__main__":
    main()

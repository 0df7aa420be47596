"""The .mailmap round trip on a real history: the repository's own .mailmap and
its commit identities are imported, merged (`run`), exported as a .mailmap, and
git itself (`git check-mailmap`) reads every commit identity under both files.
It prints how many pairs of identities the original joins and how many of them
the export splits (the goal: none), and how many pairs the export joins that
the original keeps apart (the merge's own additions).

    python -m benchmarks.mailmap_round_trip --git-dir /path/to/repo.git [--git-dir …]

Nothing from the repository is written anywhere but the scratch database, which
is dropped afterwards, and a temporary directory.
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import psycopg

import loaders as L
from benchmarks.merge_quality import git_identities
from benchmarks.scratch_database import scratch_database
from loaders.ops import transfer
from loaders.ops.runs import run


def check_mailmap(git_dir: str, mailmap: Path, identities: list[str]) -> list[str]:
    """git's reading of each identity under `mailmap`, in order (batches of 500)."""
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


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--git-dir", action="append", required=True, help="a git repository")
    parser.add_argument("--keep", default="", help="write the exported .mailmap here")
    args = parser.parse_args(argv)
    for git_dir in args.git_dir:
        measure(git_dir, args.keep)


if __name__ == "__main__":
    main()

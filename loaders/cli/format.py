"""Text for people: run summaries, status lines, identities, candidates."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..ops.review import Candidate, Conflict, ShownIdentity, Status, kept_apart_by
from ..ops.runs import RunSummary
from ..ops.schemas import MARTS


def run_line(r: dict[str, Any]) -> str:
    """One run of the log: id, kind, outcome, start, duration, main counts."""
    counts = r.get("counts") or {}
    shown = ", ".join(
        f"{counts[k]} {k}" for k in ("profiles", "identities", "candidates") if k in counts
    )
    took = f"{float(r['seconds']):.2f} s" + ("" if r["finished_at"] else " so far")
    return (
        f"{r['run_id']:>6}  {r['kind']:<11} {r['outcome']:<9} "
        f"{r['started_at']:%Y-%m-%d %H:%M:%S}  {took:>12}  {shown}"
        + (f"  {r['message'][:120]}" if r.get("message") else "")
    )


def run_summary(summary: RunSummary) -> str:
    if summary.outcome == "noop":
        return (
            f"run {summary.run_id}: {summary.kind}, nothing new since the last run"
            f" ({summary.seconds:.2f} s)"
        )
    c = summary.counts
    first = c.get("profiles", 0) > 0 and c.get("new_profiles") == c.get("profiles")
    shape = (
        # no marts before: every identity is new, none of them is a merge
        f"{c.get('identities', 0)} identities formed from {c.get('profiles', 0)} profiles, "
        if first
        else f"{c.get('profiles', 0)} profiles (+{c.get('new_profiles', 0)}), "
        f"{c.get('identities', 0)} identities, {c.get('merges', 0)} merges, "
        f"{c.get('splits', 0)} splits, "
    )
    return (
        f"run {summary.run_id}: {summary.outcome} in {summary.seconds:.1f} s ({summary.kind}) — "
        + shape
        + f"{c.get('candidates', 0)} candidates "
        f"(+{c.get('new_candidates', 0)}), {c.get('conflicts', 0)} conflicts, "
        f"{c.get('test_failures', 0)} test failures"
        + (
            f"; {c['rows_left_out']} raw rows left out ({MARTS}.raw_rows_left_out)"
            if c.get("rows_left_out")
            else ""
        )
        + (
            f"; Django tables: {c['profiles_moved']} profiles re-pointed,"
            f" {c.get('identities_added', 0)} identities added"
            if "profiles_moved" in c
            else ""
        )
    )


def run_failures(summary: RunSummary) -> list[str]:
    lines = [
        f"FAILED {failure['resource_type']} {failure['name']}: {failure['message']}"
        for failure in summary.failures
    ]
    if summary.error:
        lines.append(f"error: {summary.error}")
    return lines


def ago(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def status(info: Status, now: datetime) -> str:
    """The status as aligned lines."""
    version = info.schema_version
    lines = [
        ("database", info.database),
        (
            "schema",
            f"version {version}"
            + (
                " (up to date)" if version >= info.latest_version else " — run `cppa-identity init`"
            ),
        ),
    ]
    if version:
        platforms = info.profiles_by_platform
        lines.append(
            (
                "profiles",
                f"{sum(platforms.values())} raw: "
                + ", ".join(f"{name} {count}" for name, count in platforms.items()),
            )
        )
        marts = info.marts
        lines.append(
            (
                "identities",
                f"{marts.get('identities', 0)} from {marts.get('profiles', 0)} profiles; "
                f"{marts.get('candidates', 0)} merge candidates, {marts.get('conflicts', 0)}"
                f" conflicts, {info.evidence_hubs or 0} evidence hubs"
                if marts
                else "none yet — run `cppa-identity run`",
            )
        )
        lines.append(("pending", f"{info.pending_raw_rows} raw rows not in the marts yet"))
        last = info.last_run
        lines.append(
            (
                "last run",
                "never"
                if not last
                else f"#{last['run_id']} {last['outcome']} ({last['kind']}), started {last['started_at']:%Y-%m-%d %H:%M:%S %Z}",
            )
        )
        if info.rows_left_out:
            lines.append(
                (
                    "left out",
                    f"{info.rows_left_out} raw rows the merge cannot use"
                    f" ({MARTS}.raw_rows_left_out)",
                )
            )
        lines.append(
            (
                "django tables",
                f"{info.django_tables} (each run writes identities back)"
                if info.django_tables
                else "none",
            )
        )
        newest = info.newest_row()
        stale = [f"{table} ({days} days)" for table, days in info.stale_tables(now)]
        lines.append(
            (
                "freshness",
                "no raw rows yet"
                if newest is None
                else f"newest raw row {ago(now - newest)} ago"
                + (f"; stale: {', '.join(stale)}" if stale else ""),
            )
        )
    width = max(len(key) for key, _ in lines)
    return "\n".join(f"{key:<{width}}  {value}" for key, value in lines)


def identity(shown: ShownIdentity, matched_by: list[str] | None = None) -> list[str]:
    ident = shown.identity
    lines = [
        f"identity {ident['id']}: {ident['display_name']!r}"
        + (f" (matched by {', '.join(matched_by)})" if matched_by else "")
        + (" [locked]" if ident["is_locked"] else "")
        + "".join(
            f" [conflict: {c['kept_apart_by']}"
            " keep it apart from strongly linked identities; see `cppa-identity conflicts`]"
            for c in shown.conflicts
        )
    ]
    lines += [
        f"  {p['type']:<12} {p['id']:>7}  {p['display_name'] or ''}"
        f"{' @' + p['username'] if p['username'] else ''}"
        f"  {', '.join(p['emails'])}"
        for p in shown.profiles
    ]
    lines += [
        f"  evidence: {e['node_a']} ↔ {e['node_b']} {e['evidence']} ({e['detail']};"
        f" {e['provenance']})"
        for e in shown.evidence
    ]
    lines += [
        f"  {h['change_type']}: {h['from_identity_id']} → {h['to_identity_id']}"
        f" at {h['changed_at']} ({', '.join(h['evidence'])})"
        for h in shown.history
    ]
    return lines


def candidate(c: Candidate) -> str:
    return (
        f"{c.candidate_id:<14} {c.score:.2f}  {c.identity_a} "
        f"{c.name_a!r} ~ {c.identity_b} {c.name_b!r}: {'; '.join(c.reasons)}"
    )


def conflict(c: Conflict) -> str:
    names = ", ".join(f"{i} {n!r}" for i, n in zip(c.identity_ids, c.names, strict=False))
    return (
        f"conflict {c.component_id}: strong evidence joins {c.node_count} profiles, but "
        f"{kept_apart_by(c.decision_ids)} keep them apart as {names}"
        f" (cut {c.cut_link_count} link(s): {', '.join(c.cut_evidence) or 'none'})"
    )

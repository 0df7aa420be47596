"""The review queries behind `status`, `show`, `candidates` and `demo`: typed
values, SQL in sql/review.sql. Formatting belongs to the CLI."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from .. import platforms
from ..db import Database, latest_version, schema_version
from ..decisions import Decision
from ..errors import DecisionRefused, NotFound, UsageError
from ..queries import named_statements
from . import project
from .catalog import mart_counts, pending_rows, relation_exists, rows_left_out
from .project import raw_tables, stale_after_days
from .runs import last_success
from .schemas import MARTS, RAW
from .write_back import tables_written_back

REVIEW_SQL = Path(__file__).parent / "sql" / "review.sql"
SHOW_LIMIT = 20


@cache
def _sql(name: str) -> str:
    statements = named_statements(REVIEW_SQL)
    rows = statements["candidate_rows"].rstrip().rstrip(";")
    return (
        statements[name]
        .replace("{candidate_filter}", statements["candidate_filter"])
        .replace("{candidate_rows}", rows)
    )


def _rows(conn: psycopg.Connection[Any], name: str, params: Any = None) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return list(cur.execute(_sql(name), params).fetchall())


def require_marts(conn: psycopg.Connection[Any]) -> None:
    """Raise NotFound with a hint when no run has published the marts yet."""
    if not relation_exists(conn, MARTS, "identity"):
        raise NotFound("no identities yet", hint="run `cppa-identity run` first")


def check_dismiss(conn: psycopg.Connection[Any], a: int, b: int) -> None:
    """A dismiss hides a merge candidate: refuse one between two profiles of one
    identity, or between identities no candidate joins (as of the last run)."""
    if not relation_exists(conn, MARTS, "identity_merge_candidate"):
        return  # no run yet: nothing to check against
    row = conn.execute(_sql("dismiss_target"), {"a": a, "b": b}).fetchone()
    if row is None or row[0] is None or row[1] is None:
        return  # a node the last run has not seen: the next run judges it
    identity_a, identity_b, is_candidate = row
    if identity_a == identity_b:
        raise DecisionRefused(
            f"{a} and {b} are one identity ({identity_a}): there is no candidate to dismiss;"
            f" to take them apart: cppa-identity different {a} {b}"
        )
    if not is_candidate:
        raise DecisionRefused(
            f"no merge candidate joins identities {identity_a} and {identity_b}"
            f" (of {a} and {b}): nothing to dismiss; to keep them apart for good:"
            f" cppa-identity different {a} {b}"
        )


@dataclass
class Status:
    """What `status` reports: where, which schema version, counts, freshness."""

    database: str
    schema_version: int
    latest_version: int
    profiles_by_platform: dict[str, int] = field(default_factory=dict)
    pending_raw_rows: int = 0
    marts: dict[str, int] = field(default_factory=dict)
    freshness: dict[str, str | None] = field(default_factory=dict)
    evidence_hubs: int | None = None
    last_run: dict[str, Any] | None = None
    stale_after_days: int = 0
    django_tables: str | None = None  # schema of the Django drop-in's tables, if any
    rows_left_out: int = 0  # raw rows the last run could not use

    def stale_tables(self, now: datetime) -> list[tuple[str, int]]:
        """Raw tables whose newest row is older than the dbt source freshness."""
        out = []
        for table, stamp in self.freshness.items():
            if stamp is not None:
                days = (now - datetime.fromisoformat(stamp)).days
                if days >= self.stale_after_days:
                    out.append((table, days))
        return out

    def newest_row(self) -> datetime | None:
        stamps = [datetime.fromisoformat(s) for s in self.freshness.values() if s is not None]
        return max(stamps, default=None)

    def as_dict(self) -> dict[str, Any]:
        """The `status --json` document (one key per fact, as before)."""
        info: dict[str, Any] = {"database": self.database, "schema_version": self.schema_version}
        if self.schema_version:
            info.update(
                profiles_by_platform=self.profiles_by_platform,
                pending_raw_rows=self.pending_raw_rows,
                marts=self.marts,
                freshness=self.freshness,
                evidence_hubs=self.evidence_hubs,
                last_run=self.last_run,
                django_tables=self.django_tables,
                rows_left_out=self.rows_left_out,
            )
        return info


def status(database: Database, conn: psycopg.Connection[Any]) -> Status:
    """Schema version, raw counts, pending rows, marts, freshness and the last run."""
    found = Status(database.display, schema_version(conn), latest_version())
    found.stale_after_days = stale_after_days()
    if not found.schema_version:
        return found
    found.profiles_by_platform = {
        str(name): int(count)
        for name, count in conn.execute(_sql("profiles_by_platform")).fetchall()
    }
    previous = last_success(conn)
    found.pending_raw_rows = pending_rows(conn, previous[1] if previous else None)
    found.marts = mart_counts(conn)
    found.freshness = freshness(conn)
    if relation_exists(conn, MARTS, "evidence_hub"):
        row = conn.execute(_sql("evidence_hub_count")).fetchone()
        found.evidence_hubs = int(row[0]) if row else 0
    last = _rows(conn, "last_run")
    found.last_run = last[0] if last else None
    found.django_tables = tables_written_back(conn)
    found.rows_left_out = rows_left_out(conn)
    return found


def freshness(conn: psycopg.Connection[Any]) -> dict[str, str | None]:
    """When each raw table last received a row (the dbt sources' loaded_at_field)."""
    query = sql.SQL(" union all ").join(
        sql.SQL("select {name}, max(loaded_at)::text from {table}").format(
            name=sql.Literal(t), table=sql.Identifier(RAW, t)
        )
        for t in raw_tables()
    )
    return {name: last for name, last in conn.execute(query).fetchall()}


def raw_profile_count(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute(_sql("raw_profile_count")).fetchone()
    return int(row[0]) if row else 0


@dataclass
class ShownIdentity:
    """One identity as `show` prints it: its mart row plus profiles (with emails),
    the evidence that joined them and its membership history."""

    identity: dict[str, Any]
    profiles: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    history: list[dict[str, Any]]
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.identity,
            "profiles": self.profiles,
            "evidence": self.evidence,
            "history": self.history,
            "conflicts": self.conflicts,
        }


@dataclass
class Found:
    """What `show` found: the identities (at most the limit), how many matched in
    all, and what matched on each (id, email, login, slack id, discord id, name)."""

    identities: list[ShownIdentity]
    total: int
    matched_by: dict[int, list[str]]


def find_identities(conn: psycopg.Connection[Any], query: str, limit: int = SHOW_LIMIT) -> Found:
    """Identities matching an id, email, login, Slack/Discord id or name; NotFound
    when none does, UsageError for an empty query."""
    if not query.strip():
        raise UsageError("show needs something to look for: an id, email, login or name")
    require_marts(conn)
    matches = _rows(conn, "show_lookup", {"q": query, "limit": limit})
    if not matches:  # nothing matches exactly: what begins with the query
        matches = [
            {"identity_id": r.identity_id, "total": r.total, "matched_by": r.matched}
            for r in search(conn, query, limit)
        ]
    if not matches:
        raise NotFound(f"no identity matches {query!r}")
    return Found(
        shown_identities(conn, [int(r["identity_id"]) for r in matches]),
        int(matches[0]["total"]),
        {int(r["identity_id"]): list(r["matched_by"] or []) for r in matches},
    )


def shown_identities(conn: psycopg.Connection[Any], ids: list[int]) -> list[ShownIdentity]:
    """These identities with their profiles, evidence, history and conflicts."""
    params = {"ids": ids}
    profiles = _rows(conn, "show_profiles", params)
    evidence = _rows(conn, "show_evidence", params)
    history = _rows(conn, "show_history", params)
    cut = [
        c | {"kept_apart_by": kept_apart_by(c["decision_ids"])}
        for c in _rows(conn, "show_conflicts", params)
    ]
    return [
        ShownIdentity(
            identity,
            [p for p in profiles if p["identity_id"] == identity["id"]],
            [e for e in evidence if e["identity_id"] == identity["id"]],
            [h for h in history if identity["id"] in (h["from_identity_id"], h["to_identity_id"])],
            [c for c in cut if identity["id"] in c["identity_ids"]],
        )
        for identity in _rows(conn, "show_identities", params)
    ]


@dataclass(frozen=True)
class Hit:
    """One identity a search found: what matched (kind and value, at most five)
    and how many identities matched in all."""

    identity_id: int
    display_name: str
    profile_count: int
    exact: bool
    matched: list[str]
    total: int


SEARCH_MAX = 200  # a longer query is no name, login or address anybody searches by


def search(conn: psycopg.Connection[Any], query: str, limit: int = SHOW_LIMIT) -> list[Hit]:
    """Identities with a name, login or address beginning with `query` (whole or
    a word of it), case- and accent-insensitive, best first."""
    require_marts(conn)
    if len(query) > SEARCH_MAX:
        raise UsageError(f"a search is at most {SEARCH_MAX} characters, not {len(query)}")
    if not relation_exists(conn, MARTS, "identity_search_term"):
        return []  # marts published before search terms existed: the next run adds them
    return [
        Hit(**{**r, "matched": distinct_matches(r["matched"])})
        for r in _rows(conn, "search", {"q": query, "limit": limit})
    ]


def distinct_matches(matched: list[str]) -> list[str]:
    """What matched, each value once ("login/name jdoe", not "login jdoe" and
    "name jdoe" and "name JDoe")."""
    kinds: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    for item in matched:
        kind, _, value = item.partition(" ")
        key = " ".join(value.casefold().split())
        shown.setdefault(key, value)
        if kind not in kinds.setdefault(key, []):
            kinds[key].append(kind)
    return [f"{'/'.join(kinds[key])} {value}" for key, value in shown.items()]


def lock_pending(
    conn: psycopg.Connection[Any], identity_id: int, locked: bool
) -> dict[str, Any] | None:
    """A lock (unlock) of this identity recorded and not yet applied by a run."""
    found = _rows(conn, "lock_pending", {"id": identity_id})
    if found and (found[0]["action"] == "lock") != locked:
        return found[0]
    return None


@dataclass(frozen=True)
class Candidate:
    """A merge candidate for review, with both identities' names."""

    candidate_id: str
    identity_a: int
    name_a: str | None
    identity_b: int
    name_b: str | None
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class Selection:
    """Which candidates: a score band [min_score, max_score), a reason kind, a
    platform on either side (None: any). Checked against the seeds."""

    min_score: float = 0.0
    max_score: float | None = None
    reason: str | None = None
    platform: str | None = None

    def checked(self) -> Selection:
        if not 0 <= self.min_score <= 1:
            raise UsageError(f"--min-score is a score between 0 and 1, not {self.min_score}")
        if self.max_score is not None and not self.min_score < self.max_score <= 1.001:
            raise UsageError(
                f"--max-score is a score above --min-score ({self.min_score}) and at most 1,"
                f" not {self.max_score}"
            )
        kinds = reason_kinds()
        if self.reason is not None and self.reason not in kinds:
            raise UsageError(
                f"--reason must be one of {', '.join(sorted(kinds))}, not {self.reason!r}"
            )
        if self.platform is not None and self.platform not in PLATFORMS:
            raise UsageError(
                f"--platform must be one of {', '.join(PLATFORMS)}, not {self.platform!r}"
            )
        return self

    def params(self) -> dict[str, Any]:
        return {
            "min_score": self.min_score,
            "max_score": self.max_score,
            "reason": self.reason,
            "platform": self.platform,
        }


PLATFORMS = tuple(platform.name for platform in platforms.PLATFORMS)


def reason_kinds() -> list[str]:
    """The comparison levels a candidate's reasons name (the comparison_levels seed)."""
    return sorted(r["level"] for r in project.seed_rows("comparison_levels"))


def candidates(
    conn: psycopg.Connection[Any], limit: int | None, selection: Selection | None = None
) -> list[Candidate]:
    """The best `limit` merge candidates (of the selection; None: all)."""
    require_marts(conn)
    chosen = (selection or Selection()).checked()
    return [
        Candidate(**{**r, "score": float(r["score"])})
        for r in _rows(conn, "candidates", {**chosen.params(), "limit": limit})
    ]


def candidates_between(
    conn: psycopg.Connection[Any], pairs: list[tuple[int, int]]
) -> list[Candidate]:
    """The candidates between these pairs of identities, best first."""
    require_marts(conn)
    params = {"a": [a for a, _ in pairs], "b": [b for _, b in pairs]}
    return [
        Candidate(**{**r, "score": float(r["score"])})
        for r in _rows(conn, "candidates_between", params)
    ]


@dataclass
class QueuePage:
    """One page of the review queue: candidates grouped by their first identity,
    both sides' profiles, the decisions already recorded on them, counts."""

    candidates: list[Candidate]
    total: int
    profiles: dict[int, list[dict[str, Any]]]
    pending: dict[tuple[int, int], list[dict[str, Any]]]


def queue(
    conn: psycopg.Connection[Any], selection: Selection, limit: int, offset: int
) -> QueuePage:
    require_marts(conn)
    params = selection.checked().params()
    rows = _rows(conn, "queue", {**params, "limit": limit, "offset": max(offset, 0)})
    found = [Candidate(**{**r, "score": float(r["score"])}) for r in rows]
    counted = conn.execute(_sql("queue_total"), params).fetchone()
    ids = sorted({i for c in found for i in (c.identity_a, c.identity_b)})
    profiles: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for p in _rows(conn, "show_profiles", {"ids": ids}):
        profiles[p["identity_id"]].append(p)
    pending: dict[tuple[int, int], list[dict[str, Any]]] = {}
    pairs = {"a": [c.identity_a for c in found], "b": [c.identity_b for c in found]}
    for d in _rows(conn, "pending_decisions", pairs):
        pending.setdefault((d["identity_a"], d["identity_b"]), []).append(d)
    return QueuePage(found, int(counted[0]) if counted else 0, profiles, pending)


REASON_BITS = re.compile(r"\(([+-]?[0-9.]+)\)$")


def waterfall(reasons: list[str], score: float) -> list[tuple[str, float, float]]:
    """Each reason's step in the candidate's probability: (reason, before, after).
    A reason ends in its weight in bits ("same_name: wei wang (+10.71)", a
    disagreement negative); the steps start at the prior that the weights leave
    over and end at the candidate's score."""
    bits = [float(m.group(1)) if (m := REASON_BITS.search(r)) else 0.0 for r in reasons]
    p = min(max(score, 1e-9), 1 - 1e-9)
    weight = math.log2(p / (1 - p)) - sum(bits)
    steps = []
    for reason, step in zip(reasons, bits, strict=True):
        before = 1 / (1 + 2**-weight)
        weight += step
        steps.append((reason, before, 1 / (1 + 2**-weight)))
    return steps


# field of a pair card -> the comparison of the model that weighs it (seed
# comparison_levels); ids are no comparison: two identities never share a profile
CARD_FIELDS = {
    "name": "name",
    "address": "address",
    "login": "login",
    "platform": "account",
    "ids": None,
}


@dataclass(frozen=True)
class FieldComparison:
    """One row of a pair card: what each side holds in one field, whether they
    agree, disagree or one side has nothing, and what the model weighed it at:
    its levels with their weights in bits (none: the model did not weigh it)."""

    field: str
    a: list[str]
    b: list[str]
    verdict: str  # agree, disagree, missing
    levels: list[tuple[str, float]]

    @property
    def bits(self) -> float | None:
        return sum(b for _, b in self.levels) if self.levels else None


@cache
def _levels() -> dict[str, tuple[str, bool]]:
    """level -> (its comparison, is it an agreement), from the seed."""
    return {
        r["level"]: (r["comparison"], r["is_agreement"] == "true")
        for r in project.seed_rows("comparison_levels")
    }


def _folded(value: str) -> str:
    """A value as the card compares it when the model did not: case, accents and
    spacing aside."""
    plain = unicodedata.normalize("NFKD", value)
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).casefold().split())


def field_comparison(
    a: list[dict[str, Any]], b: list[dict[str, Any]], reasons: list[str]
) -> list[FieldComparison]:
    """A candidate's two sides (their profiles, as show_profiles gives them)
    compared field by field. The verdict is the model's where one of its levels
    weighed the field (an agreement level: agree, a disagreement: disagree),
    else the values compared with case and accents aside; the weights are the
    bits its reasons carry ("same_name: wei wang (+10.71)")."""

    def values(side: list[dict[str, Any]], kind: str) -> list[str]:
        found: list[str] = []
        for p in side:
            if kind == "name":
                got = [p.get("display_name")]
            elif kind == "address":
                got = list(p.get("emails") or [])
            elif kind == "login":
                got = [p.get("username")]
            elif kind == "platform":
                got = [p.get("type")]
            else:
                got = [f"{p.get('type')} {p.get('id')}"]
            found += [str(v) for v in got if v and str(v) not in found]
        return found

    weighed: dict[str, list[tuple[str, float, bool]]] = {}
    for reason in reasons:
        level = reason.split(":", 1)[0].strip()
        comparison, agrees = _levels().get(level, (None, False))
        bits = float(m.group(1)) if (m := REASON_BITS.search(reason)) else 0.0
        if comparison is not None:
            weighed.setdefault(comparison, []).append((level, bits, agrees))
    rows = []
    for kind, comparison in CARD_FIELDS.items():
        left, right = values(a, kind), values(b, kind)
        levels = weighed.get(comparison or "", [])
        if levels:
            verdict = "agree" if any(agrees for _, _, agrees in levels) else "disagree"
        elif not left or not right:
            verdict = "missing"
        elif {_folded(v) for v in left} & {_folded(v) for v in right}:
            verdict = "agree"
        else:
            verdict = "disagree"
        rows.append(
            FieldComparison(kind, left, right, verdict, [(lv, bits) for lv, bits, _ in levels])
        )
    return rows


def identity_of(conn: psycopg.Connection[Any], node: int) -> int | None:
    """The identity a profile or identity id belongs to at the last run."""
    require_marts(conn)
    row = conn.execute(_sql("node_identity"), {"id": node}).fetchone()
    return int(row[0]) if row else None


def decisions(conn: psycopg.Connection[Any], limit: int, offset: int) -> list[dict[str, Any]]:
    """Every decision, newest first, each with the revoke that undid it."""
    return _rows(conn, "decisions", {"limit": limit, "offset": max(offset, 0)})


def recent_runs(conn: psycopg.Connection[Any], limit: int) -> list[dict[str, Any]]:
    return _rows(conn, "runs", {"limit": limit})


def decide(
    conn: psycopg.Connection[Any],
    action: str,
    a: int | None,
    b: int | None,
    reason: str = "",
    revokes: int | None = None,
    source: str = "cli",
) -> Decision:
    """Record one decision as a reviewer (the caller took the reviewer role),
    committed: the CLI's decision commands and the review pages both call it."""
    from ..decisions import record_decision

    if action == "dismiss" and a is not None and b is not None:
        check_dismiss(conn, a, b)
    decision = record_decision(
        action, a, b, reason=reason, revokes=revokes, source=source, conn=conn
    )
    conn.commit()
    return decision


@dataclass
class Accepted:
    """What `candidates accept` did: the decisions recorded (one batch) and the
    pairs a decision in force already settles."""

    batch: int | None
    accepted: list[Candidate]
    refused: list[tuple[Candidate, str]]


BATCH_ACTIONS = ("same", "dismiss", "different")


def accept_candidates(
    conn: psycopg.Connection[Any],
    selection: Selection,
    note: str = "",
    dry_run: bool = False,
    source: str = "cli",
    action: str = "same",
) -> Accepted:
    """Record `action` ("same" by default; "dismiss", "different") for every
    candidate of the selection (a score band, a reason kind, a platform), all in
    one transaction and one batch that `revoke --batch` undoes. A pair a decision
    in force settles is reported, not recorded. dry_run: the same report, nothing
    written."""
    return decide_candidates(conn, candidates(conn, None, selection), action, note, dry_run, source)


def decide_candidates(
    conn: psycopg.Connection[Any],
    found: list[Candidate],
    action: str,
    note: str = "",
    dry_run: bool = False,
    source: str = "cli",
) -> Accepted:
    """One decision (`action`) per candidate, all in one batch (see accept_candidates)."""
    from ..decisions import check_decision, new_batch, record_decision

    if action not in BATCH_ACTIONS:
        raise UsageError(f"a batch decides one of {', '.join(BATCH_ACTIONS)}, not {action!r}")
    done = Accepted(None, [], [])
    verb = {"same": "accepted", "dismiss": "dismissed", "different": "different:"}[action]
    with conn.transaction(force_rollback=dry_run):
        # a dry run checks each decision as recording it would, and uses up no id
        done.batch = new_batch(conn) if found and not dry_run else None
        for c in found:
            why = f"{verb} candidate {c.candidate_id} (score {c.score:.2f}: {'; '.join(c.reasons)})"
            try:
                if dry_run:
                    check_decision(action, c.identity_a, c.identity_b, conn=conn)
                    done.accepted.append(c)
                    continue
                with conn.transaction():
                    record_decision(
                        action,
                        c.identity_a,
                        c.identity_b,
                        reason=f"{note}; {why}" if note else why,
                        batch=done.batch,
                        conn=conn,
                        source=source,
                    )
                done.accepted.append(c)
            except DecisionRefused as exc:
                done.refused.append((c, str(exc)))
    if dry_run or not done.accepted:
        done.batch = None
    return done


@dataclass(frozen=True)
class Conflict:
    """Strong evidence joins these identities, a "different" decision keeps them
    apart: the component lost a minimum cut of its links, the weakest evidence
    first (`cut_link_count` links, of the kinds in `cut_evidence`)."""

    component_id: int
    decision_ids: list[int]
    node_count: int
    identity_ids: list[int]
    names: list[str]
    cut_link_count: int
    cut_evidence: list[str]


def kept_apart_by(decision_ids: list[int]) -> str:
    """What keeps a conflict's identities apart: "different" decisions, or (no
    decision) two accounts of one platform that only the comparison model's
    links would join (int_account_conflicts_listed)."""
    if decision_ids:
        return "decision(s) " + ", ".join(map(str, decision_ids))
    return "two accounts of one platform (only the comparison model's links join them)"


def conflicts(conn: psycopg.Connection[Any]) -> list[Conflict]:
    require_marts(conn)
    return [Conflict(**r) for r in _rows(conn, "conflicts")]


def candidate_summary(conn: psycopg.Connection[Any]) -> dict[str, dict[str, int]]:
    """Candidate counts per reason, per score band and per platform."""
    require_marts(conn)
    out: dict[str, dict[str, int]] = {"reason": {}, "score": {}, "platform": {}}
    for kind, label, n in conn.execute(_sql("candidate_platforms")).fetchall():
        out[str(kind)][str(label)] = int(n)
    counted = (  # counted by the run; marts of an earlier version: counted here
        "candidate_summary_mart"
        if relation_exists(conn, MARTS, "identity_candidate_summary")
        else "candidate_summary"
    )
    for kind, label, n in conn.execute(_sql(counted)).fetchall():
        out[str(kind)][str(label)] = int(n)
    return out


def audit_kinds() -> list[dict[str, Any]]:
    """The kinds of evidence that merge without a person, weakest first."""
    return sorted(
        (
            r
            for r in project.seed_rows("evidence_kinds")
            if str(r["merges"]).lower() == "true" and r["evidence"] not in ("lock", "manual_same")
        ),
        key=lambda r: (int(r["strength"]), r["evidence"]),
    )


def audit_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """How many evidence rows of each kind the published identities hold."""
    require_marts(conn)
    return {str(k): int(n) for k, n in conn.execute(_sql("audit_counts")).fetchall()}


def audit(conn: psycopg.Connection[Any], evidence: str, limit: int) -> list[dict[str, Any]]:
    """Automatic merges made on one kind of evidence, for spot checks."""
    require_marts(conn)
    kinds = [
        r["evidence"]
        for r in sorted(
            project.seed_rows("evidence_kinds"), key=lambda r: (-int(r["strength"]), r["evidence"])
        )
    ]
    if evidence not in kinds:
        raise UsageError(f"--evidence must be one of {', '.join(kinds)}, not {evidence!r}")
    return _rows(conn, "audit", {"evidence": evidence, "limit": limit})


def profile_identities(conn: psycopg.Connection[Any]) -> dict[int, int]:
    """Each profile's identity id (the merge's prediction, for quality figures)."""
    return {int(r["id"]): int(r["identity_id"]) for r in _rows(conn, "profile_identities")}


def largest_identities(conn: psycopg.Connection[Any], limit: int) -> list[dict[str, Any]]:
    return _rows(conn, "largest_identities", {"limit": limit})


def now() -> datetime:
    return datetime.now(UTC)

"""Manual decisions: people decide last (DESIGN principle 6). Each is a raw row;
undo is a `revoke` decision that points at the one it cancels."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

import psycopg

from . import _validate as v
from . import locks
from .db import transaction
from .errors import DecisionRefused, InvalidInput, NotFound, wrap_db_errors
from .queries import query

ACTIONS = ("same", "different", "split", "lock", "unlock", "dismiss", "revoke")


@dataclass(frozen=True)
class Decision:
    id: int
    action: str
    node_a: int | None
    node_b: int | None
    reason: str
    decided_by: str
    revokes: int | None = None
    undoes: str = ""  # for a revoke: the undone decision, as "same 1 2"
    login: str = ""  # the database login that recorded it (the server sets it)


def _who(decided_by: str | None) -> str:
    if decided_by:
        return decided_by
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def record_decision(
    action: str,
    node_a: Any = None,
    node_b: Any = None,
    *,
    reason: str = "",
    decided_by: str | None = None,
    revokes: int | None = None,
    members: list[int] | None = None,
    batch: int | None = None,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> Decision:
    """Record one decision.

    same A B: A and B are one person. different A B: never merge them.
    split P: take profile P out of its identity (its automatic evidence is ignored).
    lock I: identity I keeps exactly its current members until `unlock I`.
    dismiss A B: hide the merge candidate between identities A and B.
    revoke: cancel decision `revokes` (undo).
    A and B are profile or identity ids (one id space). `members` (lock only)
    gives the frozen members instead of the identity's members at the last run
    (an import restores a lock this way). `batch` (from `new_batch`) groups
    decisions that `revoke_batch` undoes together. A decision that duplicates or
    contradicts one in force, or could not take effect (inside a lock, a split
    of a profile "same" decisions hold), is refused (DecisionRefused) saying
    what holds it.
    """
    fn = "record_decision"
    action, a, b, revokes, frozen = _validated(action, node_a, node_b, revokes, members)
    batch = None if batch is None else v.bigint(fn, "batch", batch)
    why = v.text(fn, "reason", reason, v.TEXT_MAX) or ""
    who = v.text(fn, "decided_by", _who(decided_by)) or ""
    group = None if batch is None else v.node_id(fn, "batch", batch)
    with wrap_db_errors(fn), transaction(conn) as c:
        undoes, frozen = _checked(c, action, a, b, revokes, frozen)
        row = c.execute(
            query("decision_insert"), (action, a, b, frozen, revokes, why, who, source, group)
        ).fetchone()
    assert row is not None
    return Decision(int(row[0]), action, a, b, why, who, revokes, undoes, str(row[1]))


def check_decision(
    action: str,
    node_a: Any = None,
    node_b: Any = None,
    *,
    revokes: int | None = None,
    members: list[int] | None = None,
    conn: psycopg.Connection[Any] | None = None,
) -> None:
    """Refuse what `record_decision` would refuse, the same way; writes nothing
    and uses up no decision id (for dry runs)."""
    action, a, b, revokes, frozen = _validated(action, node_a, node_b, revokes, members)
    with wrap_db_errors("record_decision"), transaction(conn) as c:
        _checked(c, action, a, b, revokes, frozen)


def _validated(
    action: str, node_a: Any, node_b: Any, revokes: Any, members: Any
) -> tuple[str, int | None, int | None, int | None, list[int] | None]:
    """The decision's values, checked (InvalidInput, DecisionRefused)."""
    fn = "record_decision"
    action = v.choice(fn, "action", action, ACTIONS)
    a = v.optional_node_id(fn, "node_a", node_a)
    b = v.optional_node_id(fn, "node_b", node_b)
    revokes = None if revokes is None else v.bigint(fn, "revokes", revokes)
    if action in ("same", "different", "dismiss") and (a is None or b is None or a == b):
        raise DecisionRefused(f"'{action}' needs two different ids, got {a} and {b}")
    if action in ("split", "lock", "unlock") and a is None:
        raise DecisionRefused(f"'{action}' needs an id")
    if action == "revoke" and revokes is None:
        raise DecisionRefused("'revoke' needs the id of the decision to undo")
    if members is not None and action != "lock":
        raise DecisionRefused(f"only 'lock' takes members, not '{action}'")
    if members is not None and not isinstance(members, list | tuple):
        raise InvalidInput(fn, "members", members, "must be a list of node ids")
    frozen = None if members is None else [v.node_id(fn, "members", m) for m in members]
    return action, a, b, revokes, frozen


def _checked(
    c: psycopg.Connection[Any],
    action: str,
    a: int | None,
    b: int | None,
    revokes: int | None,
    frozen: list[int] | None,
) -> tuple[str, list[int] | None]:
    """Checks against the database, one decision at a time (the lock is held to
    the end of the transaction): the ids exist, the decision may be recorded.
    Returns what a revoke undoes and a lock's members."""
    for node in (a, b, *(frozen or ())):
        if node is not None and not _node_exists(c, node):
            raise NotFound(f"{node} is neither a profile nor an identity")
    if action == "lock" and frozen is None:
        frozen = _current_members(c, a)  # type: ignore[arg-type]
    c.execute(query("decision_lock"), (locks.DECISION,))
    undoes = _undoable(c, revokes) if revokes is not None else ""
    refusal = None if revokes is not None else _refusal(c, action, a, b)
    if refusal:
        raise DecisionRefused(refusal)
    return undoes, frozen


def new_batch(conn: psycopg.Connection[Any] | None = None) -> int:
    """A fresh batch id: decisions recorded with it are undone together by
    `revoke_batch` (an import's mapping lines, `candidates accept`)."""
    with wrap_db_errors("new_batch"), transaction(conn) as c:
        row = c.execute(query("decision_batch_new")).fetchone()
    assert row is not None
    return int(row[0])


def revoke_batch(
    batch: int,
    *,
    reason: str = "",
    decided_by: str | None = None,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> list[Decision]:
    """Undo every decision of `batch` still in force, in one transaction; the
    revokes form a batch of their own. NotFound when the batch has no decision;
    DecisionRefused when all of them are already undone."""
    fn = "revoke_batch"
    group = v.node_id(fn, "batch", batch)
    with wrap_db_errors(fn), transaction(conn) as c:
        c.execute(query("decision_lock"), (locks.DECISION,))
        rows = c.execute(query("decision_batch_members"), (group,)).fetchall()
        if not rows:
            raise NotFound(f"there is no batch {group}")
        in_force = [int(r[0]) for r in rows if r[1] is None]
        if not in_force:
            raise DecisionRefused(f"every decision of batch {group} is already undone")
        undo = new_batch(c)
        return [
            record_decision(
                "revoke",
                revokes=d,
                reason=reason,
                decided_by=decided_by,
                batch=undo,
                conn=c,
                source=source,
            )
            for d in in_force
        ]


WORDS = {
    "same": "the same person",
    "different": "different people",
    "dismiss": "a dismissed candidate",
}


def _undoable(conn: psycopg.Connection[Any], revokes: int) -> str:
    """The decision a revoke undoes, as typed ("same 1 2"); DecisionRefused when it
    is itself an undo or already undone, NotFound when there is none."""
    row = conn.execute(query("decision_get"), (revokes,)).fetchone()
    if row is None:
        raise NotFound(f"there is no decision {revokes}")
    target, x, y, revoked_by = row
    what = " ".join(str(part) for part in (target, x, y) if part is not None)
    if target == "revoke":
        raise DecisionRefused(
            f"decision {revokes} is itself an undo; to restore what it undid, "
            f"record that decision again"
        )
    if revoked_by is not None:
        raise DecisionRefused(
            f"decision {revokes} ({what}) was already undone by decision {revoked_by}"
        )
    return what


def _refusal(
    conn: psycopg.Connection[Any], action: str, a: int | None, b: int | None
) -> str | None:
    """Why this decision must not be recorded (a duplicate, a contradiction, an
    unlock of nothing), in the user's words; None when it may be."""
    in_force = conn.execute(query("decisions_in_force_on"), {"a": a, "b": b}).fetchall()
    if action in WORDS:
        held = _held(conn, action, a, b)
        if held:
            return held
        for decision_id, other in in_force:
            if other == action:
                return f"{a} and {b} are already {WORDS[action]} (decision {decision_id})"
            if {other, action} == {"same", "different"}:
                return (
                    f"decision {decision_id} says {a} and {b} are {WORDS[other]}; "
                    f"undo it first: cppa-identity revoke {decision_id}"
                )
        return None
    held = _held(conn, action, a, b)
    if held:
        return held
    mine = [(d, other) for d, other in in_force if other == action]
    if action == "split" and mine:
        return f"profile {a} is already split off (decision {mine[0][0]})"
    locks = [(d, other) for d, other in in_force if other in ("lock", "unlock")]
    locked_by = locks[-1][0] if locks and locks[-1][1] == "lock" else None
    if action == "lock" and locked_by is not None:
        return f"identity {a} is already locked (decision {locked_by})"
    if action == "unlock" and locked_by is None:
        return f"identity {a} is not locked"
    return None


def _held(conn: psycopg.Connection[Any], action: str, a: int | None, b: int | None) -> str | None:
    """Why a decision could not take effect, because a lock or a "same" decision
    in force holds what it names (in the user's words); None otherwise. A lock
    keeps exactly its members: nothing inside it can be locked apart, split
    off, merged out or told apart from another member until it is unlocked; a
    profile that "same" decisions join cannot be split off."""

    def lock_of(node: int | None) -> tuple[int, int] | None:
        if node is None:
            return None
        row = conn.execute(query("locks_holding"), {"n": node}).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    la, lb = lock_of(a), lock_of(b)

    def locked(node: int | None, lock: tuple[int, int]) -> str:
        return (
            f"{node} is in identity {lock[1]}, which decision {lock[0]} locked; "
            f"unlock it first: cppa-identity unlock {lock[1]}"
        )

    if action == "lock" and la and la[1] != a:
        return locked(a, la)
    if action == "split" and la:
        return locked(a, la)
    if action == "split":
        joined = conn.execute(query("same_decisions_on"), {"n": a}).fetchall()
        if joined:
            named = ", ".join(f"decision {d} (same {a} {other})" for d, other in joined)
            first = joined[0][0]
            return (
                f"profile {a} is held by {named}: a split cannot undo a decision; "
                f"undo it instead: cppa-identity revoke {first}"
            )
    if action == "same" and (la or lb) and la != lb:
        node, lock = (a, la) if la else (b, lb)
        assert lock is not None
        return locked(node, lock)
    if action in ("same", "different") and la and la == lb:
        if action == "same":
            return f"{a} and {b} are already the same person (lock decision {la[0]})"
        return (
            f"{a} and {b} are both in identity {la[1]}, which decision {la[0]} locked; "
            f"unlock it first: cppa-identity unlock {la[1]}"
        )
    return None


def _node_exists(conn: psycopg.Connection[Any], node: int) -> bool:
    row = conn.execute(query("node_exists"), {"n": node}).fetchone()
    return bool(row and row[0])


def _current_members(conn: psycopg.Connection[Any], identity_id: int) -> list[int]:
    """Nodes (profiles and declared identities) of an identity as of the last run,
    or just the node itself."""
    row = conn.execute("select to_regclass('cppa_identity.identity_node') is not null").fetchone()
    members: list[int] = []
    if row and row[0]:
        rows = conn.execute(query("identity_members"), (identity_id,)).fetchall()
        members = [int(r[0]) for r in rows]
    return members or [identity_id]

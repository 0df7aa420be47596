"""Manual decisions: people decide last (DESIGN principle 6). Each is a raw row;
undo is a `revoke` decision that points at the one it cancels."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

import psycopg

from . import _validate as v
from .db import transaction
from .errors import InvalidInput, NotFound, wrap_db_errors
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
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> Decision:
    """Record one decision.

    same A B: A and B are one person. different A B: never merge them.
    split P: take profile P out of its identity (its automatic evidence is ignored).
    lock I: identity I keeps exactly its current members until `unlock I`.
    dismiss A B: hide the merge candidate between identities A and B.
    revoke: cancel decision `revokes` (undo).
    A and B are profile or identity ids (one id space).
    """
    fn = "record_decision"
    action = v.choice(fn, "action", action, ACTIONS)
    a = v.optional_node_id(fn, "node_a", node_a)
    b = v.optional_node_id(fn, "node_b", node_b)
    why = v.text(fn, "reason", reason, v.TEXT_MAX) or ""
    who = v.text(fn, "decided_by", _who(decided_by)) or ""
    if action in ("same", "different", "dismiss") and (a is None or b is None or a == b):
        raise InvalidInput(fn, "node_b", node_b, f"'{action}' needs two different ids")
    if action in ("split", "lock", "unlock") and a is None:
        raise InvalidInput(fn, "node_a", node_a, f"'{action}' needs an id")
    if action == "revoke" and revokes is None:
        raise InvalidInput(fn, "revokes", revokes, "'revoke' needs the decision id to cancel")
    with wrap_db_errors(fn), transaction(conn) as c:
        for name, node in (("node_a", a), ("node_b", b)):
            if node is not None and not _node_exists(c, node):
                raise NotFound(f"{fn}: {name}={node} is neither a profile nor an identity")
        members: list[int] | None = None
        if action == "lock":
            members = _current_members(c, a)  # type: ignore[arg-type]
        if revokes is not None:
            row = c.execute(query("decision_exists"), (revokes,)).fetchone()
            if row is None:
                raise NotFound(f"{fn}: decision={revokes} does not exist")
        row = c.execute(
            query("decision_insert"), (action, a, b, members, revokes, why, who, source)
        ).fetchone()
    assert row is not None
    return Decision(int(row[0]), action, a, b, why, who)


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

"""Declared identities, tmp (staging) identities and profile → tmp identity links."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from . import _validate as v
from .db import statement
from .errors import InvalidInput, wrap_db_errors
from .queries import query
from .values import Identity, TempProfileIdentityRelation, TmpIdentity


def create_identity(
    display_name: str | None = "",
    description: str | None = "",
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> Identity:
    """Always create a declared identity. Its id comes from the shared node
    sequence, so it can never collide with a profile id."""
    fn = "create_identity"
    name = v.text(fn, "display_name", display_name) or ""
    text = v.text(fn, "description", description, v.TEXT_MAX) or ""
    with wrap_db_errors(fn), statement(conn) as c:
        row = c.execute(query("identity_create"), (name, text, source)).fetchone()
    assert row is not None
    return Identity(int(row[0]), name, text)


def get_or_create_identity(
    display_name: str | None = "",
    description: str | None = "",
    defaults: dict[str, Any] | None = None,
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> tuple[Identity, bool]:
    """Look an identity up by display_name (the oldest when several share it);
    when it exists and a description is given, record the new description;
    otherwise create it (description, else defaults["description"]).
    Race-free: concurrent callers with one name get one identity."""
    fn = "get_or_create_identity"
    name = v.text(fn, "display_name", display_name) or ""
    text = v.text(fn, "description", description, v.TEXT_MAX) or ""
    if defaults is not None and not isinstance(defaults, dict):
        raise InvalidInput(fn, "defaults", defaults, "must be a dict or None")
    default_text = v.text(
        fn, "defaults.description", (defaults or {}).get("description"), v.TEXT_MAX
    )
    with wrap_db_errors(fn), statement(conn) as c, c.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            query("identity_get_or_create"), (name, text, default_text, source)
        ).fetchone()
    assert row is not None
    return Identity(
        int(row["identity_id"]), row["display_name"] or "", row["description"] or ""
    ), bool(row["created"])


def create_tmp_identity(
    display_name: str | None = "",
    description: str | None = "",
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> TmpIdentity:
    """Always create a staging identity; profiles linked to one tmp identity are merged."""
    fn = "create_tmp_identity"
    name = v.text(fn, "display_name", display_name) or ""
    text = v.text(fn, "description", description, v.TEXT_MAX) or ""
    with wrap_db_errors(fn), statement(conn) as c:
        row = c.execute(query("tmp_identity_create"), (name, text, source)).fetchone()
    assert row is not None
    return TmpIdentity(int(row[0]), name, text)


def _relation(
    fn: str,
    base_profile: Any,
    target_identity: Any,
    add: bool,
    conn: psycopg.Connection[Any] | None,
    source: str | None,
) -> tuple[TempProfileIdentityRelation | None, bool]:
    pid = v.node_id(fn, "base_profile", base_profile)
    tid = v.node_id(fn, "target_identity", target_identity)
    with wrap_db_errors(fn), statement(conn) as c:
        row = c.execute(query("tmp_relation_set"), (pid, tid, add, source)).fetchone()
    assert row is not None
    relation = None if row[0] is None else TempProfileIdentityRelation(int(row[0]), pid, tid)
    return relation, bool(row[1])


def add_temp_profile_identity_relation(
    base_profile: Any,
    target_identity: Any,
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> tuple[TempProfileIdentityRelation, bool]:
    """Link a profile to a tmp identity (values or ids); idempotent: created is
    False when the link already exists. NotFound when either does not exist."""
    relation, created = _relation(
        "add_temp_profile_identity_relation", base_profile, target_identity, True, conn, source
    )
    assert relation is not None
    return relation, created


def remove_temp_profile_identity_relation(
    base_profile: Any,
    target_identity: Any,
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> None:
    """Remove the link if present (no error when absent); other links stay. The
    removal is an event: the link's history is kept."""
    _relation(
        "remove_temp_profile_identity_relation", base_profile, target_identity, False, conn, source
    )

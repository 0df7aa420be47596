"""Emails of profiles: add, update, remove (each an event; nothing is overwritten)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import psycopg

from . import _validate as v
from .db import statement, transaction
from .errors import NotFound, wrap_db_errors
from .queries import query
from .values import Email


def add_email(
    base_profile: Any,
    email: str,
    is_primary: bool = False,
    is_active: bool = True,
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> Email:
    """Always add an email row to a profile (duplicates allowed, as in the reference).
    The address is stored as given; a malformed one is kept but never used as
    merge evidence. NotFound when the profile does not exist."""
    fn = "add_email"
    pid, address, primary, active = _added(fn, base_profile, email, is_primary, is_active)
    with wrap_db_errors(fn), statement(conn) as c:
        row = c.execute(query("email_add"), (address, primary, active, source, pid)).fetchone()
    if row is None:
        raise NotFound(f"{fn}: base_profile={pid} does not exist")
    return Email(int(row[0]), pid, address, primary, active)


def _added(
    fn: str, base_profile: Any, email: Any, is_primary: Any, is_active: Any, row: int | None = None
) -> tuple[int, str, bool, bool]:
    """add_email's arguments checked (the bulk loader's row `row` too)."""
    pid = v.node_id(fn, "base_profile", base_profile, row)
    address = v.text(fn, "email", email, v.EMAIL_MAX, required=True, row=row)
    assert address is not None
    return (
        pid,
        address,
        v.boolean(fn, "is_primary", is_primary, row),
        v.boolean(fn, "is_active", is_active, row),
    )


_UPDATABLE = ("email", "is_primary", "is_active")


def update_email(
    email_obj: Any,
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Email:
    """Change any of email / is_primary / is_active (other keys are ignored, as in
    the reference). The change is a new event; the old values stay as history."""
    fn = "update_email"
    fields = kwargs
    eid = v.node_id(fn, "email_obj", email_obj)
    changes: dict[str, Any] = {name: None for name in _UPDATABLE}
    if "email" in fields:
        changes["email"] = v.text(fn, "email", fields["email"], v.EMAIL_MAX, required=True)
    for flag in ("is_primary", "is_active"):
        if flag in fields:
            changes[flag] = v.boolean(fn, flag, fields[flag])
    with wrap_db_errors(fn), statement(conn) as c:
        row = c.execute(
            query("email_update"),
            {"id": eid, "source": source, **{f"new_{k}": value for k, value in changes.items()}},
        ).fetchone()
    if row is None:
        raise NotFound(f"{fn}: email_obj={eid} does not exist or was removed")
    return Email(eid, int(row[0]), row[1], bool(row[2]), bool(row[3]))


def remove_email(
    email_obj: Any,
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> None:
    """Remove one email (other emails of the profile stay). Recorded as an event;
    removing an already removed email is a no-op; an unknown id raises NotFound."""
    fn = "remove_email"
    eid = v.node_id(fn, "email_obj", email_obj)
    with wrap_db_errors(fn), statement(conn) as c:
        row = c.execute(query("email_remove"), {"id": eid, "source": source}).fetchone()
    if row is None:
        raise NotFound(f"{fn}: email_obj={eid} does not exist")


BULK_KEYS = frozenset(
    ("base_profile", "profile", "base_profile_id", "email", "is_primary", "is_active")
)


def load_emails(
    rows: Iterable[Mapping[str, Any]],
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> list[int]:
    """Bulk add_email: rows of {base_profile, email, is_primary, is_active} (`profile`
    or `base_profile_id` name the profile too). Returns the
    email ids in input order; one COPY, all or nothing."""
    fn = "load_emails"
    prepared = [
        (
            i,
            *_added(
                fn,
                _profile_of(r),
                r.get("email"),
                r.get("is_primary", False),
                r.get("is_active", True),
                i,
            ),
        )
        for i, r in v.rows(fn, rows, BULK_KEYS)
    ]
    if not prepared:
        return []
    with wrap_db_errors(fn), transaction(conn) as c:
        c.execute("drop table if exists pg_temp.cppa_email_batch")
        c.execute(query("email_batch_create"))
        with c.cursor().copy("copy cppa_email_batch from stdin") as copy:
            for item in prepared:
                copy.write_row(item)
        missing = c.execute(query("email_batch_missing_profile")).fetchone()
        if missing is not None:
            raise NotFound(f"{fn}: row {missing[0]}: profile={missing[1]} does not exist")
        ids = c.execute(query("email_batch_insert"), (source,)).fetchall()
    return [int(r[0]) for r in ids]


def _profile_of(row: Mapping[str, Any]) -> Any:
    for key in ("base_profile", "profile", "base_profile_id"):
        if key in row:
            return row[key]
    return None

"""Email events: add, update, remove; malformed addresses kept."""

from __future__ import annotations

from typing import Any

import pytest

import loaders as L
from loaders import db as dbmod


def test_email_events(database: dbmod.Database, conn: Any) -> None:
    profile, _ = L.get_or_create_youtube_speaker("UC2", "x")
    e1 = L.add_email(profile, "a@x.org", is_primary=True)
    e2 = L.add_email(profile, "a@x.org")
    assert e1.id != e2.id, "duplicates allowed"
    updated = L.update_email(e2, is_active=False, unknown_key="ignored")
    assert updated.email == "a@x.org" and not updated.is_active and not updated.is_primary
    L.remove_email(e1)
    current = conn.execute(
        "select email_id from cppa_raw.profile_emails(%s)", (profile.id,)
    ).fetchall()
    assert [r[0] for r in current] == [e2.id]
    assert conn.execute("select count(*) from cppa_raw.emails").fetchone()[0] == 4
    with pytest.raises(L.NotFound):
        L.update_email(e1, is_active=True)


def test_malformed_email_is_stored_as_given(database: dbmod.Database) -> None:
    profile, _ = L.get_or_create_mailing_list_profile("Odd Poster", "not-an-email")
    assert profile.primary_email == "not-an-email"

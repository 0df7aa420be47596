"""Slack users: API dict mapping, update rules, primary email."""

from __future__ import annotations

import pytest

import loaders as L
from loaders import db as dbmod


def test_slack_user_mapping_and_primary_email(database: dbmod.Database) -> None:
    data = {
        "id": "U1",
        "name": "jd",
        "real_name": "",
        "profile": {"email": "jd@example.org", "image_72": "https://img/72"},
    }
    user, created = L.get_or_create_slack_user(data)
    assert created and user.display_name == "jd" and user.avatar_url == "https://img/72"
    assert user.emails[0].is_primary
    data2 = {
        "id": "U1",
        "name": "",
        "real_name": "Jane Doe",
        "profile": {"email": "jane@work.example"},
    }
    user2, created2 = L.get_or_create_slack_user(data2)
    assert not created2 and user2.username == "jd" and user2.display_name == "Jane Doe"
    assert [(e.email, e.is_primary) for e in user2.emails] == [
        ("jd@example.org", True),
        ("jane@work.example", False),
    ]
    with pytest.raises(ValueError, match="id"):
        L.get_or_create_slack_user({"name": "x"})


def test_bulk_slack_users_match_single_calls(database: dbmod.Database) -> None:
    users = [
        {"id": "U1", "name": "a", "real_name": "A A", "profile": {"email": "a@x.org"}},
        {"id": "U2", "name": "b", "profile": {}},
        {"id": "U1", "name": "a2", "profile": {"email": "A@X.ORG"}},
    ]
    ids = L.load_slack_users(users)
    assert ids[0] == ids[2] != ids[1]
    user, created = L.get_or_create_slack_user({"id": "U1"})
    assert not created and user.id == ids[0] and user.username == "a2"
    assert [e.email for e in user.emails] == ["a@x.org"] and user.emails[0].is_primary
    with pytest.raises(L.InvalidInput, match=r"\(row 2\)"):
        L.load_slack_users([{"id": "U3"}, {"name": "no id"}])


def test_an_address_the_user_holds_in_another_spelling_is_not_added_again(
    database: dbmod.Database,
) -> None:
    """One rule for "the same address" (values.normalize_email, the merge's):
    spaces around it, its case and its Unicode case do not make a second
    address, in single calls and in bulk alike; a different address does."""
    first, _ = L.get_or_create_slack_user({"id": "U7", "profile": {"email": "Jane@X.org"}})
    spellings = [" jane@x.ORG ", "JANE@X.ORG", "jane@x.org"]
    for spelling in spellings:
        again, _ = L.get_or_create_slack_user({"id": "U7", "profile": {"email": spelling}})
        assert [e.email for e in again.emails] == ["Jane@X.org"], spelling
    L.load_slack_users([{"id": "U7", "profile": {"email": s}} for s in spellings])
    # in one bulk call, two spellings of a new address: the first is kept
    L.load_slack_users(
        [{"id": "U8", "profile": {"email": s}} for s in ("José@Café.fr", " JOSÉ@CAFÉ.FR")]
    )
    eight, _ = L.get_or_create_slack_user({"id": "U8"})
    assert [e.email for e in eight.emails] == ["José@Café.fr"]
    other, _ = L.get_or_create_slack_user({"id": "U7", "profile": {"email": "jane@y.org"}})
    assert first.id == other.id
    assert [e.email for e in other.emails] == ["Jane@X.org", "jane@y.org"]

"""GitHub accounts: update rules, history, synthetic authors, owner lookup, bulk."""

from __future__ import annotations

from typing import Any

import pytest

import loaders as L
from loaders import db as dbmod

from .helpers import raw_counts


def test_github_update_rules_and_history(database: dbmod.Database, conn: Any) -> None:
    first, created = L.get_or_create_github_account(42, "octo", "Octo Cat", "https://a/1")
    assert created and first.username == "octo" and first.account_type == "user"
    second, created = L.get_or_create_github_account("42", "", "Octo C.", None, "organization")
    assert not created and second.id == first.id
    assert (second.username, second.display_name, second.avatar_url, second.account_type) == (
        "octo",
        "Octo C.",
        "https://a/1",
        "organization",
    )
    history = conn.execute(
        "select display_name from cppa_raw.github_accounts"
        " where base_profile_id = %s order by observation_id",
        (first.id,),
    ).fetchall()
    assert [r[0] for r in history] == ["Octo Cat", "Octo C."]
    before = raw_counts(conn)
    for _ in range(3):
        L.get_or_create_github_account(42, "octo", "", "", "organization")
    assert raw_counts(conn) == before, "re-sending identical data must not grow the tables"


def test_identity_applies_only_on_creation(database: dbmod.Database) -> None:
    ident = L.create_identity("Jane Doe")
    other = L.create_identity("Someone Else")
    account, _ = L.get_or_create_github_account(7, "jane", identity=ident)
    again, _ = L.get_or_create_github_account(7, "jane", identity=other.id)
    assert account.identity_id == ident.id and again.identity_id == ident.id
    with pytest.raises(L.NotFound):
        L.get_or_create_discord_profile(1, identity=999_999)


def test_unknown_github_accounts_get_negative_ids(database: dbmod.Database) -> None:
    a, created_a = L.get_or_create_unknown_github_account("Jane Doe", "jane@example.org")
    b, created_b = L.get_or_create_unknown_github_account(None)
    again, created_again = L.get_or_create_unknown_github_account("Jane Doe", "JANE@example.org")
    assert created_a and created_b and not created_again
    assert a.github_account_id < 0 and b.github_account_id < 0
    assert a.github_account_id != b.github_account_id and again.id == a.id
    assert b.display_name == "unknown"
    assert [e.email for e in again.emails] == ["jane@example.org"], "email added only if new"


class FakeClient:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def rest_request(self, path: str) -> dict[str, Any]:
        self.calls.append(path)
        return {
            "id": 900,
            "login": "boostorg",
            "name": "Boost",
            "type": "Organization",
            "avatar_url": "https://a/b",
            "email": "info@boost.example",
        }


def test_owner_account_uses_the_client_only_when_unknown(database: dbmod.Database) -> None:
    client = FakeClient()
    account = L.get_or_create_owner_account(client, "boostorg")
    assert client.calls == ["/users/boostorg"]
    assert account.account_type == "organization" and account.primary_email == "info@boost.example"
    again = L.get_or_create_owner_account(client, "BoostOrg")
    assert client.calls == ["/users/boostorg"] and again.id == account.id


def test_bulk_equals_single_calls(database: dbmod.Database, conn: Any) -> None:
    L.get_or_create_github_account(5, "five", "Five")
    rows = [
        {"github_account_id": 1, "username": "one", "email": "one@x.org"},
        {"github_account_id": 5, "username": "", "display_name": "Five!"},
        {"github_account_id": 2, "username": "two"},
        {"github_account_id": 1, "username": "uno", "email": "ONE@x.org"},
    ]
    ids = L.load_github_accounts(rows)
    assert ids[0] == ids[3] and len(set(ids)) == 3
    five = L.get_github_account_by_username("five")
    assert five is not None and five.id == ids[1] and five.display_name == "Five!"
    one = L.get_github_account_by_username("uno")
    assert one is not None and [e.email for e in one.emails] == ["one@x.org"]
    assert one.emails[0].is_primary
    before = raw_counts(conn)
    assert L.load_github_accounts(rows[1:3]) == ids[1:3]
    assert raw_counts(conn) == before, "re-sending a batch adds nothing"
    emails = L.load_emails([{"profile": ids[2], "email": "two@x.org", "is_primary": True}])
    assert len(emails) == 1
    with pytest.raises(L.NotFound, match="row 1: profile=999999"):
        L.load_emails([{"profile": 999_999, "email": "x@y.z"}])

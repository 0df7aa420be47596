"""The collectors' write API against a real PostgreSQL: reference behaviour,
history kept, bad input rejected with nothing written."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

import loaders as L
from loaders import db as dbmod


def raw_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    tables = [
        "profiles",
        "github_accounts",
        "slack_users",
        "discord_profiles",
        "emails",
        "mailing_list_profiles",
        "wg21_paper_author_profiles",
        "youtube_speakers",
        "identities",
        "tmp_identities",
        "unknown_github_authors",
    ]
    return {t: conn.execute(f"select count(*) from cppa_raw.{t}").fetchone()[0] for t in tables}


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


def test_mailing_list_and_wg21_lookup_rules(database: dbmod.Database) -> None:
    with pytest.raises(ValueError, match="display_name"):
        L.get_or_create_mailing_list_profile("", "a@b.c")
    m1, c1 = L.get_or_create_mailing_list_profile("Jane Doe", "jane@a.org")
    m2, c2 = L.get_or_create_mailing_list_profile("Jane Doe", "jane@b.org")
    m3, c3 = L.get_or_create_mailing_list_profile("Jane Doe", "jane@a.org")
    assert (c1, c2, c3) == (True, True, False) and m3.id == m1.id != m2.id
    assert m1.primary_email == "jane@a.org"
    w_none, _ = L.get_or_create_wg21_paper_author_profile("J. Doe")
    w_mail, created = L.get_or_create_wg21_paper_author_profile("J. Doe", "jd@a.org")
    assert created and w_mail.id != w_none.id and w_mail.primary_email == "jd@a.org"
    again, created = L.get_or_create_wg21_paper_author_profile("J. Doe")
    assert not created and again.id == w_none.id and again.emails == ()


def test_youtube_and_discord(database: dbmod.Database) -> None:
    with pytest.raises(ValueError, match="external_id"):
        L.get_or_create_youtube_speaker("")
    L.get_or_create_youtube_speaker("UC1", "Jane")
    s2, created = L.get_or_create_youtube_speaker("UC1", "")
    s3, _ = L.get_or_create_youtube_speaker("UC1", "Jane Doe")
    assert not created and s2.display_name == "Jane" and s3.display_name == "Jane Doe"
    d, _ = L.get_or_create_discord_profile(10, "bot", is_bot=True)
    d2, _ = L.get_or_create_discord_profile(10, "", is_bot=False)
    assert d.is_bot and not d2.is_bot and d2.username == "bot"


def test_identities_and_tmp_relations(database: dbmod.Database) -> None:
    a = L.create_identity("Jane")
    b = L.create_identity("Jane")
    assert a.id != b.id
    found, created = L.get_or_create_identity("Jane", "maintainer")
    assert not created and found.id == a.id and found.description == "maintainer"
    new, created = L.get_or_create_identity("Bob", defaults={"description": "from defaults"})
    assert created and new.description == "from defaults"
    profile, _ = L.get_or_create_youtube_speaker("UC9", "Bob")
    tmp = L.create_tmp_identity("bob?")
    other = L.create_tmp_identity("bob2?")
    rel, created = L.add_temp_profile_identity_relation(profile, tmp)
    rel2, created2 = L.add_temp_profile_identity_relation(profile.id, tmp.id)
    assert created and not created2 and rel == rel2
    L.add_temp_profile_identity_relation(profile, other)
    L.remove_temp_profile_identity_relation(profile, tmp)
    L.remove_temp_profile_identity_relation(profile, tmp)  # absent: no error
    _, created3 = L.add_temp_profile_identity_relation(profile, tmp)
    assert created3, "a removed link can be added again"
    with pytest.raises(L.NotFound):
        L.add_temp_profile_identity_relation(profile, 123_456)


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


BAD_CALLS = [
    (lambda: L.get_or_create_github_account("12a"), "github_account_id"),
    (lambda: L.get_or_create_github_account(2**63), "github_account_id"),
    (lambda: L.get_or_create_github_account(1, account_type="bot"), "account_type"),
    (lambda: L.get_or_create_github_account(1, username="x" * 256), "username"),
    (lambda: L.get_or_create_github_account(1, avatar_url="h" * 513), "avatar_url"),
    (lambda: L.get_or_create_github_account(1, username="a\x00b"), "username"),
    (lambda: L.get_or_create_github_account(1, username="\ud800"), "username"),
    (lambda: L.get_or_create_github_account(1, username=5), "username"),
    (lambda: L.get_or_create_discord_profile("x1"), "discord_user_id"),
    (lambda: L.get_or_create_discord_profile(1, is_bot="yes"), "is_bot"),
    (lambda: L.get_or_create_slack_user({"id": "U" * 65}), "id"),
    (lambda: L.get_or_create_slack_user("U1"), "user_data"),
    (
        lambda: L.load_github_accounts([{"github_account_id": 1}, {"github_account_id": "z"}]),
        "row 1",
    ),
]


@pytest.mark.parametrize(("call", "field"), BAD_CALLS)
def test_bad_input_names_the_field_and_writes_nothing(
    database: dbmod.Database, conn: Any, call: Any, field: str
) -> None:
    before = raw_counts(conn)
    with pytest.raises(L.InvalidInput) as info:
        call()
    assert field in str(info.value)
    assert raw_counts(conn) == before


def test_malformed_email_is_stored_as_given(database: dbmod.Database) -> None:
    profile, _ = L.get_or_create_mailing_list_profile("Odd Poster", "not-an-email")
    assert profile.primary_email == "not-an-email"


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
    with pytest.raises(L.NotFound, match="row 0"):
        L.load_emails([{"profile": 999_999, "email": "x@y.z"}])


def test_caller_transaction_rolls_back_everything(database: dbmod.Database) -> None:
    with psycopg.connect(database.conninfo) as own:
        account, _ = L.get_or_create_github_account(77, "txn", conn=own)
        L.add_email(account, "t@x.org", conn=own)
        own.rollback()
    assert L.get_github_account_by_username("txn") is None

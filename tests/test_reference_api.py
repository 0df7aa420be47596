"""The reference app's own service tests (cppa_user_tracker/tests/test_services.py
of cppalliance/boost-data-collector), re-expressed against the loaders, in the
same order and under the same names.

The reference reads state back with `refresh_from_db()`; here `current()` reads
the profile's current state from the raw tables, which is what the next run puts
in the marts. Where behaviour differs on purpose, the test asserts the new
behaviour and its docstring says why.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import loaders as L
from loaders import _profiles, discord_profiles, github_accounts, slack_users, youtube_speakers
from loaders import db as dbmod

# --- helpers standing in for the reference's fixtures and refresh_from_db ----------


def current(module: Any, value: Any, conn: Any) -> Any:
    """The profile's current state, read back from the raw tables."""
    return _profiles.fetch(module.SPEC, conn, value.id)


def active_emails(profile: Any, conn: Any) -> list[str]:
    rows = conn.execute(
        "select email from cppa_raw.profile_emails(%s) where is_active order by email_id",
        (profile.id,),
    ).fetchall()
    return [r[0] for r in rows]


def current_relations(conn: Any) -> list[tuple[int, int]]:
    """(base_profile_id, tmp_identity_id) of every link whose last event is an add."""
    rows = conn.execute(
        "select k.base_profile_id, k.tmp_identity_id"
        " from cppa_raw.temp_profile_identity_relation_keys as k"
        " where (select e.action from cppa_raw.temp_profile_identity_relations as e"
        "        where e.relation_id = k.relation_id order by e.event_id desc limit 1) = 'add'"
        " order by 1, 2"
    ).fetchall()
    return [(int(a), int(b)) for a, b in rows]


@pytest.fixture
def identity(database: dbmod.Database) -> L.Identity:
    return L.create_identity(display_name="Test Identity")


@pytest.fixture
def github_account(identity: L.Identity) -> L.GithubAccount:
    account, _ = L.get_or_create_github_account(
        github_account_id=12345,
        username="testuser",
        display_name="Test User",
        account_type="user",
        identity=identity,
    )
    return account


@pytest.fixture
def tmp_identity(database: dbmod.Database) -> L.TmpIdentity:
    return L.create_tmp_identity(display_name="Tmp Identity")


# --- the reference's parameter names are the API ------------------------------------

REFERENCE_SIGNATURES = {
    "create_identity": ["display_name", "description"],
    "get_or_create_identity": ["display_name", "description", "defaults"],
    "create_tmp_identity": ["display_name", "description"],
    "add_temp_profile_identity_relation": ["base_profile", "target_identity"],
    "remove_temp_profile_identity_relation": ["base_profile", "target_identity"],
    "add_email": ["base_profile", "email", "is_primary", "is_active"],
    "update_email": ["email_obj", "kwargs"],
    "remove_email": ["email_obj"],
    "get_or_create_mailing_list_profile": ["display_name", "email"],
    "get_or_create_github_account": [
        "github_account_id",
        "username",
        "display_name",
        "avatar_url",
        "account_type",
        "identity",
    ],
    "get_or_create_owner_account": ["client", "owner"],
    "get_or_create_slack_user": ["user_data"],
    "get_or_create_unknown_github_account": ["name", "email"],
    "get_or_create_discord_profile": [
        "discord_user_id",
        "username",
        "display_name",
        "avatar_url",
        "is_bot",
        "identity",
    ],
    "get_or_create_wg21_paper_author_profile": ["display_name", "email"],
    "get_or_create_youtube_speaker": ["external_id", "display_name", "identity"],
}


@pytest.mark.parametrize("name", sorted(REFERENCE_SIGNATURES))
def test_parameter_names_match_the_reference(name: str) -> None:
    """The reference's parameters come first, in its order and under its names;
    ours (conn, source, …) are keyword-only or come after them."""
    params = inspect.signature(getattr(L, name)).parameters.values()
    positional = [
        p.name
        for p in params
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.VAR_KEYWORD) and p.name not in ("author_alias",)
    ]
    assert positional == REFERENCE_SIGNATURES[name]


def test_every_reference_function_is_exported() -> None:
    assert len(REFERENCE_SIGNATURES) == 16
    assert set(REFERENCE_SIGNATURES) <= set(L.__all__)


def test_keyword_calls_with_the_reference_names(database: dbmod.Database, conn: Any) -> None:
    """Collectors call by keyword: every renamed parameter works that way."""
    account, _ = L.get_or_create_github_account(github_account_id=7, username="kw")
    tmp = L.create_tmp_identity(display_name="kw")
    email_obj = L.add_email(base_profile=account, email="kw@example.com", is_primary=True)
    moved = L.update_email(email_obj=email_obj, email="kw2@example.com")
    assert moved.email == "kw2@example.com"
    L.remove_email(email_obj=moved)
    rel, created = L.add_temp_profile_identity_relation(base_profile=account, target_identity=tmp)
    assert created and rel.base_profile_id == account.id and rel.target_identity_id == tmp.id
    L.remove_temp_profile_identity_relation(base_profile=account, target_identity=tmp)
    assert current_relations(conn) == []
    assert active_emails(account, conn) == []


# --- create_identity ---------------------------------------------------------------


def test_create_identity_with_display_name(database: dbmod.Database) -> None:
    identity = L.create_identity(display_name="Alice")
    assert identity.id is not None
    assert identity.display_name == "Alice"
    assert identity.description == ""


def test_create_identity_with_description(database: dbmod.Database) -> None:
    identity = L.create_identity(display_name="Bob", description="Developer")
    assert identity.description == "Developer"


def test_create_identity_empty_defaults(database: dbmod.Database) -> None:
    identity = L.create_identity(display_name="", description="")
    assert identity.id is not None
    assert identity.display_name == ""
    assert identity.description == ""


# --- get_or_create_identity --------------------------------------------------------


def test_get_or_create_identity_creates_new(database: dbmod.Database, conn: Any) -> None:
    identity, created = L.get_or_create_identity(display_name="New User")
    assert created is True
    assert identity.display_name == "New User"
    count = conn.execute(
        "select count(distinct identity_id) from cppa_raw.identities where display_name = %s",
        ("New User",),
    ).fetchone()[0]
    assert count == 1


def test_get_or_create_identity_gets_existing(identity: L.Identity) -> None:
    found, created = L.get_or_create_identity(display_name=identity.display_name)
    assert created is False
    assert found.id == identity.id
    assert found.display_name == "Test Identity"


def test_get_or_create_identity_updates_description(identity: L.Identity) -> None:
    found, created = L.get_or_create_identity(
        display_name=identity.display_name, description="Updated desc"
    )
    assert created is False
    again, _ = L.get_or_create_identity(display_name=identity.display_name)
    assert found.description == again.description == "Updated desc"


# --- create_tmp_identity -----------------------------------------------------------


def test_create_tmp_identity_with_display_name(database: dbmod.Database) -> None:
    tmp = L.create_tmp_identity(display_name="Staging")
    assert tmp.id is not None
    assert tmp.display_name == "Staging"
    assert tmp.description == ""


def test_create_tmp_identity_with_description(database: dbmod.Database) -> None:
    tmp = L.create_tmp_identity(display_name="Staging", description="Temporary")
    assert tmp.description == "Temporary"


def test_create_tmp_identity_empty_defaults(database: dbmod.Database) -> None:
    assert L.create_tmp_identity(display_name="", description="").id is not None


# --- add_temp_profile_identity_relation --------------------------------------------


def test_add_temp_profile_identity_relation_creates(
    github_account: L.GithubAccount, tmp_identity: L.TmpIdentity
) -> None:
    rel, created = L.add_temp_profile_identity_relation(github_account, tmp_identity)
    assert created is True
    assert rel.base_profile_id == github_account.id
    assert rel.target_identity_id == tmp_identity.id


def test_add_temp_profile_identity_relation_get_existing(
    github_account: L.GithubAccount, tmp_identity: L.TmpIdentity, conn: Any
) -> None:
    first, _ = L.add_temp_profile_identity_relation(github_account, tmp_identity)
    second, created = L.add_temp_profile_identity_relation(github_account, tmp_identity)
    assert created is False
    assert second.id == first.id
    assert current_relations(conn) == [(github_account.id, tmp_identity.id)]


def test_add_temp_profile_identity_relation_links_correctly(
    github_account: L.GithubAccount, tmp_identity: L.TmpIdentity
) -> None:
    """The reference compares model instances; values carry the same two ids."""
    rel, _ = L.add_temp_profile_identity_relation(github_account, tmp_identity)
    assert (rel.base_profile_id, rel.target_identity_id) == (github_account.id, tmp_identity.id)


# --- remove_temp_profile_identity_relation -----------------------------------------


def test_remove_temp_profile_identity_relation_removes_existing(
    github_account: L.GithubAccount, tmp_identity: L.TmpIdentity, conn: Any
) -> None:
    L.add_temp_profile_identity_relation(github_account, tmp_identity)
    L.remove_temp_profile_identity_relation(github_account, tmp_identity)
    assert current_relations(conn) == []


def test_remove_temp_profile_identity_relation_no_error_when_none(
    github_account: L.GithubAccount, tmp_identity: L.TmpIdentity, conn: Any
) -> None:
    assert L.remove_temp_profile_identity_relation(github_account, tmp_identity) is None
    assert current_relations(conn) == []


def test_remove_temp_profile_identity_relation_leaves_others(
    database: dbmod.Database, conn: Any
) -> None:
    acc1, _ = L.get_or_create_github_account(github_account_id=111)
    acc2, _ = L.get_or_create_github_account(github_account_id=222)
    tmp1 = L.create_tmp_identity(display_name="T1")
    tmp2 = L.create_tmp_identity(display_name="T2")
    L.add_temp_profile_identity_relation(acc1, tmp1)
    L.add_temp_profile_identity_relation(acc2, tmp2)
    L.remove_temp_profile_identity_relation(acc1, tmp1)
    assert current_relations(conn) == [(acc2.id, tmp2.id)]


# --- add_email ---------------------------------------------------------------------


def test_add_email_creates_primary(github_account: L.GithubAccount) -> None:
    email_obj = L.add_email(github_account, "primary@example.com", is_primary=True)
    assert email_obj.email == "primary@example.com"
    assert email_obj.is_primary is True
    assert email_obj.base_profile_id == github_account.id


def test_add_email_creates_non_primary(github_account: L.GithubAccount) -> None:
    email_obj = L.add_email(github_account, "other@example.com", is_primary=False)
    assert email_obj.is_primary is False
    assert email_obj.is_active is True


def test_add_email_inactive(github_account: L.GithubAccount) -> None:
    assert L.add_email(github_account, "inactive@example.com", is_active=False).is_active is False


# --- update_email ------------------------------------------------------------------


def test_update_email_changes_email(github_account: L.GithubAccount, conn: Any) -> None:
    email_obj = L.add_email(github_account, "old@example.com")
    updated = L.update_email(email_obj, email="new@example.com")
    assert updated.email == "new@example.com"
    assert active_emails(github_account, conn) == ["new@example.com"]


def test_update_email_changes_is_primary(github_account: L.GithubAccount, conn: Any) -> None:
    email_obj = L.add_email(github_account, "e@example.com", is_primary=False)
    L.update_email(email_obj, is_primary=True)
    row = conn.execute(
        "select is_primary from cppa_raw.profile_emails(%s) where email_id = %s",
        (github_account.id, email_obj.id),
    ).fetchone()
    assert row[0] is True


def test_update_email_changes_is_active(github_account: L.GithubAccount, conn: Any) -> None:
    email_obj = L.add_email(github_account, "e@example.com", is_active=True)
    L.update_email(email_obj, is_active=False)
    assert active_emails(github_account, conn) == []


# --- remove_email ------------------------------------------------------------------


def test_remove_email_deletes_from_db(github_account: L.GithubAccount, conn: Any) -> None:
    """Removed from the current state; the raw event history keeps the address
    (append-only raw: an update or removal is a new row)."""
    email_obj = L.add_email(github_account, "remove@example.com")
    L.remove_email(email_obj)
    assert active_emails(github_account, conn) == []
    with pytest.raises(L.NotFound):
        L.update_email(email_obj, is_active=True)


def test_remove_email_other_emails_remain(github_account: L.GithubAccount, conn: Any) -> None:
    L.add_email(github_account, "keep@example.com")
    email2 = L.add_email(github_account, "remove@example.com")
    L.remove_email(email2)
    assert active_emails(github_account, conn) == ["keep@example.com"]


def test_remove_email_returns_none(github_account: L.GithubAccount) -> None:
    assert L.remove_email(L.add_email(github_account, "n@example.com")) is None


# --- get_or_create_github_account ---------------------------------------------------


def test_get_or_create_github_account_creates_new(identity: L.Identity) -> None:
    account, created = L.get_or_create_github_account(
        github_account_id=99999, username="newuser", display_name="New User", identity=identity
    )
    assert created is True
    assert account.github_account_id == 99999
    assert account.username == "newuser"
    assert account.identity_id == identity.id


def test_get_or_create_github_account_gets_existing_and_updates(
    identity: L.Identity, conn: Any
) -> None:
    existing, _ = L.get_or_create_github_account(
        identity=identity, github_account_id=77777, username="old", display_name="Old"
    )
    account, created = L.get_or_create_github_account(
        github_account_id=77777, username="newlogin", display_name="New Display"
    )
    assert created is False
    assert account.id == existing.id
    stored = current(github_accounts, account, conn)
    assert stored.username == "newlogin"
    assert stored.display_name == "New Display"


def test_get_or_create_github_account_with_account_type(identity: L.Identity) -> None:
    account, created = L.get_or_create_github_account(
        github_account_id=88888, username="org", account_type="organization", identity=identity
    )
    assert created is True
    assert account.account_type == "organization"


# --- get_or_create_owner_account ----------------------------------------------------


class FakeGitHub:
    """A stand-in for the collector's GitHub REST client (not for the database)."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer, self.calls = answer, 0

    def rest_request(self, path: str) -> dict[str, Any]:
        self.calls += 1
        return self.answer


def test_get_or_create_owner_account_returns_existing_by_username(
    github_account: L.GithubAccount,
) -> None:
    client = FakeGitHub({})
    result = L.get_or_create_owner_account(client, github_account.username)
    assert result.id == github_account.id
    assert result.username == github_account.username
    assert client.calls == 0, "a stored login needs no API call"


def test_get_or_create_owner_account_creates_from_api(database: dbmod.Database, conn: Any) -> None:
    client = FakeGitHub(
        {
            "id": 12345,
            "login": "apiuser",
            "name": "API User",
            "avatar_url": "https://avatar.url",
            "type": "User",
            "email": "api@example.com",
        }
    )
    account = L.get_or_create_owner_account(client, "apiuser")
    assert account.github_account_id == 12345
    assert account.username == "apiuser"
    assert account.display_name == "API User"
    assert account.account_type == "user"
    assert active_emails(account, conn) == ["api@example.com"]


def test_get_or_create_owner_account_org_type(database: dbmod.Database) -> None:
    client = FakeGitHub(
        {
            "id": 999,
            "login": "myorg",
            "name": "My Org",
            "avatar_url": "",
            "type": "Organization",
            "email": None,
        }
    )
    account = L.get_or_create_owner_account(client, "myorg")
    assert account.account_type == "organization"
    assert account.username == "myorg"


# --- _get_next_negative_github_account_id (private in the reference) ----------------
# The reference computes min(id) - 1 in Python (racy); here a sequence hands the
# synthetic ids out inside get_or_create_unknown_github_account. The same three
# cases, observed through the public call.


def test_get_next_negative_github_account_id_first_returns_minus_one(
    database: dbmod.Database,
) -> None:
    account, _ = L.get_or_create_unknown_github_account(name="First")
    assert account.github_account_id == -1


def test_get_next_negative_github_account_id_returns_minus_two_when_minus_one_exists(
    database: dbmod.Database,
) -> None:
    L.get_or_create_unknown_github_account(name="First")
    second, _ = L.get_or_create_unknown_github_account(name="Second")
    assert second.github_account_id == -2


def test_get_next_negative_github_account_id_returns_next_when_several_exist(
    database: dbmod.Database,
) -> None:
    for name in ("First", "Second"):
        L.get_or_create_unknown_github_account(name=name)
    third, _ = L.get_or_create_unknown_github_account(name="Third")
    assert third.github_account_id == -3


def test_synthetic_ids_are_not_public(database: dbmod.Database, conn: Any) -> None:
    """Deliberate difference: the reference's fixtures create accounts with id -1
    directly. Ids ≤ 0 are commit authors' synthetic ids, so a public call with one
    could take over (and rename) an existing commit author: it is refused, and
    nothing is written."""
    author, _ = L.get_or_create_unknown_github_account(name="Commit Author")
    before = conn.execute("select count(*) from cppa_raw.github_accounts").fetchone()[0]
    for bad in (-1, 0, "-2"):
        with pytest.raises(L.InvalidInput, match="github_account_id"):
            L.get_or_create_github_account(bad, username="attacker")
    with pytest.raises(L.InvalidInput, match="github_account_id"):
        L.load_github_accounts([{"github_account_id": 5}, {"github_account_id": -1}])
    after = conn.execute("select count(*) from cppa_raw.github_accounts").fetchone()[0]
    assert after == before
    again, created = L.get_or_create_unknown_github_account(name="Commit Author")
    assert (again.id, again.display_name, created) == (author.id, "Commit Author", False)


# --- get_or_create_unknown_github_account -------------------------------------------


def test_get_or_create_unknown_github_account_creates_first(
    database: dbmod.Database, conn: Any
) -> None:
    account, created = L.get_or_create_unknown_github_account(
        name="Unknown Dev", email="unknown@example.com"
    )
    assert created is True
    assert account.display_name == "Unknown Dev"
    assert account.github_account_id == -1
    assert active_emails(account, conn) == ["unknown@example.com"]


def test_get_or_create_unknown_github_account_gets_existing(
    database: dbmod.Database, conn: Any
) -> None:
    first, _ = L.get_or_create_unknown_github_account(name="Same Name")
    second, created = L.get_or_create_unknown_github_account(name="Same Name")
    assert created is False and second.id == first.id
    count = conn.execute("select count(*) from cppa_raw.unknown_github_authors").fetchone()[0]
    assert count == 1


def test_get_or_create_unknown_github_account_adds_email_to_existing(
    database: dbmod.Database, conn: Any
) -> None:
    L.get_or_create_unknown_github_account(name="Unknown")
    account, _ = L.get_or_create_unknown_github_account(name="Unknown", email="extra@example.com")
    assert "extra@example.com" in active_emails(account, conn)


# --- get_or_create_mailing_list_profile ---------------------------------------------


def test_get_or_create_mailing_list_profile_creates_new(
    database: dbmod.Database, conn: Any
) -> None:
    profile, created = L.get_or_create_mailing_list_profile(
        display_name="New Sender", email="sender@example.com"
    )
    assert created is True
    assert profile.display_name == "New Sender"
    assert active_emails(profile, conn) == ["sender@example.com"]


def test_get_or_create_mailing_list_profile_gets_existing(
    database: dbmod.Database, conn: Any
) -> None:
    first, _ = L.get_or_create_mailing_list_profile(
        display_name="Existing", email="existing@example.com"
    )
    second, created = L.get_or_create_mailing_list_profile(
        display_name="Existing", email="existing@example.com"
    )
    assert created is False and second.id == first.id
    assert second.display_name == "Existing"
    assert active_emails(second, conn) == ["existing@example.com"]


def test_get_or_create_mailing_list_profile_empty_display_name_raises(
    database: dbmod.Database,
) -> None:
    for blank in ("", "   "):
        with pytest.raises(ValueError, match="display_name") as caught:
            L.get_or_create_mailing_list_profile(display_name=blank, email="a@example.com")
        assert "must not be" in str(caught.value)


def test_get_or_create_mailing_list_profile_creates_without_email(
    database: dbmod.Database, conn: Any
) -> None:
    profile, created = L.get_or_create_mailing_list_profile(
        display_name="No Email Sender", email=""
    )
    assert created is True
    assert profile.display_name == "No Email Sender"
    assert profile.emails == () and active_emails(profile, conn) == []


def test_get_or_create_mailing_list_profile_strips_display_name_and_email(
    database: dbmod.Database,
) -> None:
    """Deliberate difference: the reference strips both values before storing and
    looking up. Here what the collector said is stored as given (nothing lost) and
    the key is exactly what it sent; the merge compares addresses trimmed (and
    lower-cased), so a padded and a clean sender end in one identity."""
    padded, created = L.get_or_create_mailing_list_profile(
        display_name="  Trimmed  ", email="  trimmed@example.com  "
    )
    assert created is True
    assert padded.display_name == "  Trimmed  "
    assert [e.email for e in padded.emails] == ["  trimmed@example.com  "]
    clean, created = L.get_or_create_mailing_list_profile("Trimmed", "trimmed@example.com")
    assert created is True and clean.id != padded.id
    assert L.values.normalize_email(padded.emails[0].email) == clean.emails[0].email


# --- get_or_create_wg21_paper_author_profile ----------------------------------------


def test_get_or_create_wg21_paper_author_profile_no_candidates_creates(
    database: dbmod.Database,
) -> None:
    profile, created = L.get_or_create_wg21_paper_author_profile(display_name="New Author")
    assert created is True
    assert profile.display_name == "New Author"


def test_get_or_create_wg21_paper_author_profile_no_candidates_with_email_adds_email(
    database: dbmod.Database, conn: Any
) -> None:
    profile, created = L.get_or_create_wg21_paper_author_profile(
        display_name="Author With Email", email="author@example.com"
    )
    assert created is True
    assert active_emails(profile, conn) == ["author@example.com"]


def test_get_or_create_wg21_paper_author_profile_one_candidate_returns_it(
    database: dbmod.Database,
) -> None:
    existing, _ = L.get_or_create_wg21_paper_author_profile(display_name="Solo Author")
    profile, created = L.get_or_create_wg21_paper_author_profile(display_name="Solo Author")
    assert created is False
    assert profile.id == existing.id


def test_get_or_create_wg21_paper_author_profile_one_candidate_with_new_email_creates_new_profile(
    database: dbmod.Database, conn: Any
) -> None:
    existing, _ = L.get_or_create_wg21_paper_author_profile(display_name="Solo Author")
    profile, created = L.get_or_create_wg21_paper_author_profile(
        display_name="Solo Author", email="solo@example.com"
    )
    assert created is True
    assert profile.id != existing.id
    assert profile.display_name == "Solo Author"
    assert active_emails(profile, conn) == ["solo@example.com"]
    assert active_emails(existing, conn) == []


def test_get_or_create_wg21_paper_author_profile_two_candidates_no_email_returns_first(
    database: dbmod.Database,
) -> None:
    """Two authors of one name: the one without an email is what a call without
    an email returns (the reference returns the first of several without emails;
    here there is at most one, since (name, email) is the key)."""
    first, _ = L.get_or_create_wg21_paper_author_profile(display_name="Dup Name")
    L.get_or_create_wg21_paper_author_profile(display_name="Dup Name", email="dup@example.com")
    profile, created = L.get_or_create_wg21_paper_author_profile(display_name="Dup Name")
    assert created is False
    assert profile.id == first.id


def test_get_or_create_wg21_paper_author_profile_two_candidates_email_matches_second(
    database: dbmod.Database,
) -> None:
    L.get_or_create_wg21_paper_author_profile(display_name="Same Name")
    second, _ = L.get_or_create_wg21_paper_author_profile(
        display_name="Same Name", email="match@example.com"
    )
    profile, created = L.get_or_create_wg21_paper_author_profile(
        display_name="Same Name", email="match@example.com"
    )
    assert created is False
    assert profile.id == second.id


def test_wg21_lookup_key_is_what_the_collector_sent(database: dbmod.Database) -> None:
    """Deliberate difference: in the reference, add_email on an author changes
    which author a later (name, email) lookup returns. Here the key is the (name,
    email) pair the author was created with and never moves; an email added
    later is merge evidence instead, so the two profiles share an identity after
    the next run."""
    first, _ = L.get_or_create_wg21_paper_author_profile(display_name="Same Name")
    L.add_email(first, "match@example.com", is_primary=True)
    profile, created = L.get_or_create_wg21_paper_author_profile(
        display_name="Same Name", email="match@example.com"
    )
    assert created is True and profile.id != first.id


def test_get_or_create_wg21_paper_author_profile_two_candidates_email_matches_none_creates_new_profile(
    database: dbmod.Database, conn: Any
) -> None:
    first, _ = L.get_or_create_wg21_paper_author_profile(display_name="Other Name")
    second, _ = L.get_or_create_wg21_paper_author_profile(
        display_name="Other Name", email="other@example.com"
    )
    profile, created = L.get_or_create_wg21_paper_author_profile(
        display_name="Other Name", email="nomatch@example.com"
    )
    assert created is True
    assert profile.id not in (first.id, second.id)
    assert profile.display_name == "Other Name"
    assert active_emails(profile, conn) == ["nomatch@example.com"]


# --- get_or_create_slack_user -------------------------------------------------------


def test_get_or_create_slack_user_requires_id(database: dbmod.Database) -> None:
    for payload in ({}, {"id": "   "}):
        with pytest.raises(ValueError, match="id="):
            L.get_or_create_slack_user(payload)


def test_get_or_create_slack_user_updates_existing(database: dbmod.Database, conn: Any) -> None:
    L.get_or_create_slack_user({"id": "U123", "name": "old", "real_name": "Old Name"})
    user, created = L.get_or_create_slack_user(
        {
            "id": "U123",
            "name": "newuser",
            "real_name": "Real New",
            "profile": {"image_72": "https://ava", "email": "slack@example.com"},
        }
    )
    assert created is False
    stored = current(slack_users, user, conn)
    assert stored.username == "newuser"
    assert stored.display_name == "Real New"
    assert stored.avatar_url == "https://ava"
    assert active_emails(user, conn) == ["slack@example.com"]


# --- get_or_create_discord_profile --------------------------------------------------


def test_get_or_create_discord_profile_updates_existing(
    database: dbmod.Database, conn: Any
) -> None:
    L.get_or_create_discord_profile(999, username="u", display_name="d", is_bot=False)
    profile, created = L.get_or_create_discord_profile(
        999, username="newu", display_name="newd", avatar_url="http://img", is_bot=True
    )
    assert created is False
    stored = current(discord_profiles, profile, conn)
    assert stored.username == "newu"
    assert stored.display_name == "newd"
    assert stored.avatar_url == "http://img"
    assert stored.is_bot is True


# --- get_or_create_youtube_speaker --------------------------------------------------


def test_get_or_create_youtube_speaker_requires_external_id(database: dbmod.Database) -> None:
    for blank in ("", "   "):
        with pytest.raises(ValueError, match="external_id"):
            L.get_or_create_youtube_speaker(blank, display_name="x")


def test_get_or_create_youtube_speaker_updates_display_name(
    database: dbmod.Database, conn: Any
) -> None:
    L.get_or_create_youtube_speaker("yt1", display_name="Old Title")
    speaker, created = L.get_or_create_youtube_speaker("yt1", display_name="New Title")
    assert created is False
    assert current(youtube_speakers, speaker, conn).display_name == "New Title"

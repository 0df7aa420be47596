"""What every loader shares: bad input rejected with nothing written, the caller's
transaction respected."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

import loaders as L
from loaders import db as dbmod

from .helpers import raw_counts

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
        "(row 2)",  # rows are counted from 1
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


def test_caller_transaction_rolls_back_everything(database: dbmod.Database) -> None:
    with psycopg.connect(database.conninfo) as own:
        account, _ = L.get_or_create_github_account(77, "txn", conn=own)
        L.add_email(account, "t@x.org", conn=own)
        own.execute("set local work_mem = '5MB'")
        ids = L.load_github_accounts([{"github_account_id": 78, "username": "bulk"}], conn=own)
        assert own.execute("show work_mem").fetchone()[0] == "5MB", "a session setting leaked"
        own.rollback()
    assert L.get_github_account_by_username("txn") is None
    assert L.get_github_account_by_username("bulk") is None and len(ids) == 1


def test_repeatable_read_caller_gets_a_retryable_conflict(database: dbmod.Database) -> None:
    """A key committed after the caller's snapshot is invisible to it: the loader
    says "retry", it does not spin forever."""
    with psycopg.connect(database.conninfo) as caller:
        caller.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        caller.execute("select count(*) from cppa_raw.profiles")  # the snapshot is taken
        L.get_or_create_github_account(99, "other-collector")  # commits elsewhere
        with pytest.raises(L.TransientConflict) as info:
            L.get_or_create_github_account(99, "mine", conn=caller)
        assert info.value.retryable
        caller.rollback()
        account, created = L.retry(lambda: L.get_or_create_github_account(99, "mine", conn=caller))
        caller.commit()
    assert not created and account.username == "mine"


BULK = [
    (L.load_github_accounts, {"github_account_id": 888001, "username": "a"}, "usernme"),
    (L.load_discord_profiles, {"discord_user_id": 888002, "username": "a"}, "user_name"),
    (L.load_mailing_list_profiles, {"display_name": "Ann", "email": "ann@x.org"}, "mail"),
    (L.load_wg21_paper_author_profiles, {"display_name": "Ann", "email": "ann@x.org"}, "alias"),
    (L.load_youtube_speakers, {"external_id": "UC1", "display_name": "Ann"}, "name"),
]


@pytest.mark.parametrize(("loader", "good", "typo"), BULK, ids=lambda x: getattr(x, "__name__", ""))
def test_bulk_rows_are_checked_before_anything_is_written(
    database: dbmod.Database, conn: Any, loader: Any, good: dict[str, Any], typo: str
) -> None:
    """An unknown key (a typo would otherwise drop the field), a row that is not a
    dict and rows that are not a list are refused, naming the function, the key
    and the row counted from 1; nothing is written."""
    fn = loader.__name__
    before = raw_counts(conn)
    bad_row = {**good, typo: "x"}
    with pytest.raises(L.InvalidInput, match=rf"^{fn}: {typo}='x' \(row 3\): is not a key") as e:
        loader([good, good, bad_row])
    assert (e.value.field, e.value.row) == (typo, 3)
    with pytest.raises(L.InvalidInput, match=rf"^{fn}: row=\('a', 1\) \(row 2\): must be a dict"):
        loader([good, ("a", 1)])
    for not_rows in (None, good, "rows"):
        with pytest.raises(L.InvalidInput, match=rf"^{fn}: rows=.*must be a list of dicts"):
            loader(not_rows)
    assert raw_counts(conn) == before
    assert len(loader([good])) == 1  # the good row alone loads


def test_bulk_emails_and_slack_users_are_checked_too(database: dbmod.Database, conn: Any) -> None:
    account, _ = L.get_or_create_github_account(888010, "e")
    before = raw_counts(conn)
    with pytest.raises(L.InvalidInput, match=r"load_emails: emial='a@x.org' \(row 1\)"):
        L.load_emails([{"base_profile": account, "emial": "a@x.org"}])
    with pytest.raises(L.InvalidInput, match=r"load_slack_users: rows=None"):
        L.load_slack_users(None)  # type: ignore[arg-type]
    with pytest.raises(L.InvalidInput, match=r"load_slack_users: row=\['U1'\] \(row 1\)"):
        L.load_slack_users([["U1"]])  # type: ignore[list-item]
    assert raw_counts(conn) == before
    # a Slack user is an API object: keys the loader does not read are allowed
    assert len(L.load_slack_users([{"id": "U888", "name": "s", "team_id": "T1"}])) == 1


SAME_RULES = [
    (
        lambda x: L.get_or_create_github_account(x, "u"),
        lambda x: L.load_github_accounts([{"github_account_id": x, "username": "u"}]),
    ),
    (
        lambda x: L.get_or_create_github_account(880001, x),
        lambda x: L.load_github_accounts([{"github_account_id": 880001, "username": x}]),
    ),
    (
        lambda x: L.get_or_create_discord_profile(x, "d"),
        lambda x: L.load_discord_profiles([{"discord_user_id": x, "username": "d"}]),
    ),
    (
        lambda x: L.get_or_create_youtube_speaker(x, "Y"),
        lambda x: L.load_youtube_speakers([{"external_id": x, "display_name": "Y"}]),
    ),
    (
        lambda x: L.get_or_create_mailing_list_profile(x, "m@x.org"),
        lambda x: L.load_mailing_list_profiles([{"display_name": x, "email": "m@x.org"}]),
    ),
    (
        lambda x: L.get_or_create_slack_user({"id": x}),
        lambda x: L.load_slack_users([{"id": x}]),
    ),
    (
        lambda x: L.get_or_create_discord_profile(880002, is_bot=x),
        lambda x: L.load_discord_profiles([{"discord_user_id": 880002, "is_bot": x}]),
    ),
    (
        lambda x: L.get_or_create_wg21_paper_author_profile("W", "w@x.org", x),
        lambda x: L.load_wg21_paper_author_profiles(
            [{"display_name": "W", "email": "w@x.org", "author_alias": x}]
        ),
    ),
    (
        lambda x: L.get_or_create_github_account(880003, identity=x),
        lambda x: L.load_github_accounts([{"github_account_id": 880003, "identity": x}]),
    ),
    (
        lambda x: L.add_email(x, "e@x.org"),
        lambda x: L.load_emails([{"base_profile": x, "email": "e@x.org"}]),
    ),
]
ODD_VALUES = [
    None,
    "",
    " ",
    "  x  ",
    "x" * 300,
    "a\x00b",
    "\ud800",
    -1,
    0,
    2**63,
    "12",
    "--5",
    1.5,
    True,
]


@pytest.mark.parametrize("single, bulk", SAME_RULES)
def test_single_and_bulk_calls_refuse_the_same_values(
    database: dbmod.Database, conn: Any, single: Any, bulk: Any
) -> None:
    """One validation for both (the platform module's `observed`): a value one
    refuses, the other refuses too, naming the same field, value and problem; the
    bulk loader adds the row, counted from 1."""
    for value in ODD_VALUES:
        outcomes: list[Any] = []
        for call in (single, bulk):
            try:
                call(value)
                outcomes.append("accepted")
            except L.NotFound:  # checked, then looked up: no such identity or profile
                outcomes.append("not found")
            except L.InvalidInput as e:
                outcomes.append((e.field, repr(e.value), e.problem))
                assert e.row == (1 if call is bulk else None), (value, str(e))
        assert outcomes[0] == outcomes[1], (value, outcomes)


def test_bulk_calls_in_one_transaction_are_one_call_after_another(
    database: dbmod.Database, conn: Any
) -> None:
    """New profiles take their ids in input order, whatever their keys' order; a
    second bulk call in the same transaction sees the first one's profiles as
    existing: the address is not added twice, an unchanged observation not
    stored twice."""
    with conn.transaction():
        ids = L.load_mailing_list_profiles(
            [{"display_name": "Zed", "email": "z@x.example"}, {"display_name": "Abe"}]
        )
        again = L.load_mailing_list_profiles([{"display_name": "Zed", "email": "z@x.example"}])
    assert ids[0] < ids[1] and again == ids[:1]
    emails = conn.execute(
        "select count(*) from cppa_raw.emails where base_profile_id = %s", (ids[0],)
    ).fetchone()[0]
    observations = conn.execute(
        "select count(*) from cppa_raw.mailing_list_profiles where base_profile_id = %s",
        (ids[0],),
    ).fetchone()[0]
    assert (emails, observations) == (1, 1)

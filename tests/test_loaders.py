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

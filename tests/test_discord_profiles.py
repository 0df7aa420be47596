"""Discord profiles: update rules, is_bot replaced."""

from __future__ import annotations

from typing import Any

import loaders as L
from loaders import _profiles, discord_profiles
from loaders import db as dbmod


def test_discord_is_bot_is_replaced(database: dbmod.Database) -> None:
    d, _ = L.get_or_create_discord_profile(10, "bot", is_bot=True)
    d2, _ = L.get_or_create_discord_profile(10, "", is_bot=False)
    assert d.is_bot and not d2.is_bot and d2.username == "bot"


def test_bulk_discord_profiles_match_single_calls(database: dbmod.Database, conn: Any) -> None:
    ident = L.create_identity("Declared")
    ids = L.load_discord_profiles(
        [
            {"discord_user_id": 5, "username": "five", "identity": ident},
            {"discord_user_id": "6", "username": "six", "is_bot": True},
        ]
    )
    five, created = L.get_or_create_discord_profile(5)
    assert not created and five.id == ids[0] and five.identity_id == ident.id
    six = _profiles.fetch(discord_profiles.SPEC, conn, ids[1])  # read, not re-sent
    assert six is not None and six.is_bot and six.username == "six"
    assert not five.is_bot

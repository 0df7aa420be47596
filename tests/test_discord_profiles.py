"""Discord profiles: update rules, is_bot replaced."""

from __future__ import annotations

import loaders as L
from loaders import db as dbmod


def test_discord_is_bot_is_replaced(database: dbmod.Database) -> None:
    d, _ = L.get_or_create_discord_profile(10, "bot", is_bot=True)
    d2, _ = L.get_or_create_discord_profile(10, "", is_bot=False)
    assert d.is_bot and not d2.is_bot and d2.username == "bot"


def test_bulk_discord_profiles_match_single_calls(database: dbmod.Database) -> None:
    ident = L.create_identity("Declared")
    ids = L.load_discord_profiles(
        [
            {"discord_user_id": 5, "username": "five", "identity": ident},
            {"discord_user_id": "6", "username": "six", "is_bot": True},
        ]
    )
    five, created = L.get_or_create_discord_profile(5)
    six, _ = L.get_or_create_discord_profile(6, is_bot=True)
    assert not created and [five.id, six.id] == ids
    assert five.identity_id == ident.id and six.is_bot and six.username == "six"

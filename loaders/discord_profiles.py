"""Discord profiles (platform `discord`), keyed by the Discord user id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import psycopg

from . import _validate as v
from ._profiles import Spec, load, record
from .platforms import BY_NAME
from .values import DiscordProfile

SPEC = Spec.of(BY_NAME["discord"], DiscordProfile)


def _fields(
    fn: str, username: Any, display_name: Any, avatar_url: Any, is_bot: Any, row: int | None = None
) -> dict[str, Any]:
    return {
        "username": v.text(fn, "username", username, row=row),
        "display_name": v.text(fn, "display_name", display_name, row=row),
        "avatar_url": v.text(fn, "avatar_url", avatar_url, v.URL_MAX, row=row),
        "is_bot": v.boolean(fn, "is_bot", is_bot, row),
    }


def get_or_create_discord_profile(
    discord_user_id: int | str,
    username: str | None = "",
    display_name: str | None = "",
    avatar_url: str | None = "",
    is_bot: bool = False,
    identity: Any = None,
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> tuple[DiscordProfile, bool]:
    """Get or create the profile keyed by `discord_user_id`.

    Non-empty username / display_name / avatar_url replace stored ones, is_bot is
    replaced, `identity` only applies on creation (as for GitHub accounts).
    """
    args = {
        "discord_user_id": discord_user_id,
        "username": username,
        "display_name": display_name,
        "avatar_url": avatar_url,
        "is_bot": is_bot,
        "identity": identity,
    }
    value, created = record(SPEC, "get_or_create_discord_profile", observed(args), conn, source)
    assert isinstance(value, DiscordProfile)
    return value, created


def observed(
    args: Mapping[str, Any], fn: str = "get_or_create_discord_profile", row: int | None = None
) -> dict[str, Any]:
    """What get_or_create_discord_profile(**args) records (`args` with its defaults
    filled in): the natural key, the observation's fields, the declared identity;
    the bulk loader's row `row` is checked here too."""
    return {
        "natural_key": str(v.bigint(fn, "discord_user_id", args["discord_user_id"], row)),
        **_fields(
            fn, args["username"], args["display_name"], args["avatar_url"], args["is_bot"], row
        ),
        "identity_id": v.optional_node_id(fn, "identity", args["identity"], row),
    }


def arguments(key: str, observation: Mapping[str, Any]) -> dict[str, Any]:
    """get_or_create_discord_profile's arguments that record `observation` (a raw
    row) again, but the identity."""
    return {f: observation[f] for f in ("discord_user_id", *SPEC.field_names)}


def load_discord_profiles(
    rows: Iterable[Mapping[str, Any]],
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> list[int]:
    """Bulk get_or_create_discord_profile (plus optional `email`); ids in input order."""
    fn = "load_discord_profiles"
    return load(SPEC, fn, rows, get_or_create_discord_profile, observed, conn, source)

"""Slack users (platform `slack`), keyed by the Slack user id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import psycopg

from . import _validate as v
from ._profiles import Spec, load, record
from .errors import InvalidInput
from .platforms import BY_NAME
from .values import SlackUser

SPEC = Spec.of(BY_NAME["slack"], SlackUser)


def get_or_create_slack_user(
    user_data: Mapping[str, Any],
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> tuple[SlackUser, bool]:
    """Get or create a Slack user from a Slack API user dict (`id` required).

    username = name, display_name = real_name or name, avatar_url = profile.image_72;
    non-empty values replace stored ones. profile.email is added when the user
    lacks it, primary when the user has no active email yet. Malformed emails
    are stored as given but never used as merge evidence.
    """
    prepared = observed({"user_data": user_data})
    value, created = record(SPEC, "get_or_create_slack_user", prepared, conn, source)
    assert isinstance(value, SlackUser)
    return value, created


def observed(
    args: Mapping[str, Any], fn: str = "get_or_create_slack_user", row: int | None = None
) -> dict[str, Any]:
    """What get_or_create_slack_user(**args) records: the natural key, the
    observation's fields (display_name: real_name or name), the address; the bulk
    loader's row `row` is checked here too."""
    user_data = args["user_data"]
    if not isinstance(user_data, Mapping):
        raise InvalidInput(fn, "user_data", user_data, "must be a Slack API user dict", row)
    profile = user_data.get("profile") or {}
    if not isinstance(profile, Mapping):
        raise InvalidInput(fn, "user_data.profile", profile, "must be a dict", row)
    name = v.text(fn, "name", user_data.get("name"), row=row)
    real_name = v.text(fn, "real_name", user_data.get("real_name"), row=row)
    return {
        "natural_key": v.text(
            fn, "id", user_data.get("id"), v.SLACK_ID_MAX, required=True, row=row
        ),
        "username": name,
        "display_name": real_name or name,
        "avatar_url": v.text(fn, "profile.image_72", profile.get("image_72"), v.URL_MAX, row=row),
        "email": v.text(fn, "profile.email", profile.get("email"), v.EMAIL_MAX, row=row),
    }


def arguments(key: str, observation: Mapping[str, Any]) -> dict[str, Any]:
    """get_or_create_slack_user's arguments that record `observation` (a raw row)
    again: the stored display_name as real_name, which it then is; the id the
    row holds (a profile the Django drop-in keyed 'django:<id>' holds its own)."""
    user = {
        "id": key if observation["slack_user_id"] is None else observation["slack_user_id"],
        "name": observation["username"],
        "real_name": observation["display_name"],
        "profile": {"image_72": observation["avatar_url"]},
    }
    return {"user_data": user}


def load_slack_users(
    rows: Iterable[Mapping[str, Any]],
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> list[int]:
    """Bulk get_or_create_slack_user over Slack API user dicts; ids in input order."""
    fn = "load_slack_users"
    return load(SPEC, fn, rows, get_or_create_slack_user, observed, conn, source, "user_data")

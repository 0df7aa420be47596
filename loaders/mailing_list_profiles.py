"""Mailing-list posters (platform `mailing_list`): no external id, known by
display name + email."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import psycopg

from . import _validate as v
from ._profiles import Spec, load, record
from .platforms import BY_NAME
from .values import MailingListProfile

SPEC = Spec.of(BY_NAME["mailing_list"], MailingListProfile)


def natural_key(display_name: str, email: str | None) -> str:
    """The (display_name, email) pair as one unambiguous key."""
    return json.dumps([display_name, email or ""], ensure_ascii=False)


def get_or_create_mailing_list_profile(
    display_name: str = "",
    email: str | None = "",
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> tuple[MailingListProfile, bool]:
    """Get or create the poster with this display_name AND this email (the email
    becomes the primary one on creation). Empty display_name raises InvalidInput
    (a ValueError). The pair is the key: an email added to the profile later does
    not make it findable under that email, unlike the reference's ORM lookup."""
    prepared = observed({"display_name": display_name, "email": email})
    value, created = record(SPEC, "get_or_create_mailing_list_profile", prepared, conn, source)
    assert isinstance(value, MailingListProfile)
    return value, created


def observed(
    args: Mapping[str, Any],
    fn: str = "get_or_create_mailing_list_profile",
    row: int | None = None,
) -> dict[str, Any]:
    """What get_or_create_mailing_list_profile(**args) records (`args` with its
    defaults filled in): the natural key, the display name, the address; the bulk
    loader's row `row` is checked here too."""
    name = v.text(fn, "display_name", args["display_name"], required=True, row=row)
    address = v.text(fn, "email", args["email"], v.EMAIL_MAX, row=row)
    assert name is not None
    return {"natural_key": natural_key(name, address), "display_name": name, "email": address}


def key_pair(key: str) -> tuple[str, str] | None:
    """The (display_name, email) a natural key holds; None for a key of another
    form (the Django drop-in keys a profile it creates 'django:<id>')."""
    try:
        pair = json.loads(key)
    except ValueError:
        return None
    if isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair):
        return pair[0], pair[1]
    return None


def arguments(key: str, observation: Mapping[str, Any]) -> dict[str, Any]:
    """get_or_create_mailing_list_profile's arguments that record `observation`
    again: the name and address its key holds; for a key that holds none (the
    Django drop-in's), the name logged (or the key, when none is: the line's
    "fields" or "cleared" then say what was) and no address (the drop-in adds
    none with the profile); the line then carries the key (ops.calls)."""
    pair = key_pair(key)
    if pair is None:
        return {"display_name": observation["display_name"] or key, "email": None}
    name, address = pair
    return {"display_name": name, "email": address}


def load_mailing_list_profiles(
    rows: Iterable[Mapping[str, Any]],
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> list[int]:
    """Bulk get_or_create_mailing_list_profile over {display_name, email} rows."""
    fn = "load_mailing_list_profiles"
    return load(SPEC, fn, rows, get_or_create_mailing_list_profile, observed, conn, source)

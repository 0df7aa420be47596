"""WG21 paper authors (platform `wg21`): known by display name, email disambiguates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import psycopg

from . import _validate as v
from ._profiles import Spec, load, record
from .mailing_list_profiles import key_pair, natural_key
from .platforms import BY_NAME
from .values import Wg21PaperAuthorProfile

SPEC = Spec.of(BY_NAME["wg21"], Wg21PaperAuthorProfile)


def get_or_create_wg21_paper_author_profile(
    display_name: str,
    email: str | None = None,
    author_alias: str | None = None,
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> tuple[Wg21PaperAuthorProfile, bool]:
    """Among authors with this display_name: with an email, the one created with
    it; without, the one created without any; otherwise a new one (email primary).
    `author_alias` is an addition: non-empty replaces the stored alias."""
    prepared = observed(
        {"display_name": display_name, "email": email, "author_alias": author_alias}
    )
    fn = "get_or_create_wg21_paper_author_profile"
    value, created = record(SPEC, fn, prepared, conn, source)
    assert isinstance(value, Wg21PaperAuthorProfile)
    return value, created


def observed(
    args: Mapping[str, Any],
    fn: str = "get_or_create_wg21_paper_author_profile",
    row: int | None = None,
) -> dict[str, Any]:
    """What get_or_create_wg21_paper_author_profile(**args) records (`args` with
    its defaults filled in): the natural key, the fields, the address; the bulk
    loader's row `row` is checked here too."""
    name = v.text(fn, "display_name", args["display_name"], required=True, row=row)
    address = v.text(fn, "email", args["email"], v.EMAIL_MAX, row=row)
    assert name is not None
    return {
        "natural_key": natural_key(name, address),
        "display_name": name,
        "author_alias": v.text(fn, "author_alias", args["author_alias"], row=row),
        "email": address,
    }


def arguments(key: str, observation: Mapping[str, Any]) -> dict[str, Any]:
    """get_or_create_wg21_paper_author_profile's arguments that record
    `observation` again: the name and address its key holds, the alias."""
    pair = key_pair(key)
    if pair is None:  # a key of the Django drop-in's: see mailing_list_profiles.arguments
        return {
            "display_name": observation["display_name"] or key,
            "email": None,
            "author_alias": observation["author_alias"],
        }
    name, address = pair
    return {"display_name": name, "email": address, "author_alias": observation["author_alias"]}


def load_wg21_paper_author_profiles(
    rows: Iterable[Mapping[str, Any]],
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> list[int]:
    """Bulk get_or_create_wg21_paper_author_profile; ids in input order."""
    fn = "load_wg21_paper_author_profiles"
    return load(SPEC, fn, rows, get_or_create_wg21_paper_author_profile, observed, conn, source)

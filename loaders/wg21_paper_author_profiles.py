"""WG21 paper authors (platform `wg21`): known by display name, email disambiguates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import psycopg

from . import _validate as v
from ._profiles import Spec, bulk, upsert
from .mailing_list_profiles import natural_key
from .values import Wg21PaperAuthorProfile

SPEC = Spec(
    platform="wg21",
    table="wg21_paper_author_profiles",
    value_class=Wg21PaperAuthorProfile,
    key_column=None,
    key_type="text",
    fields=(("display_name", "text"), ("author_alias", "text")),
)


def _prepare(
    fn: str, display_name: Any, email: Any, author_alias: Any, row: int | None = None
) -> dict[str, Any]:
    name = v.text(fn, "display_name", display_name, required=True, row=row)
    address = v.text(fn, "email", email, v.EMAIL_MAX, row=row)
    assert name is not None
    return {
        "natural_key": natural_key(name, address),
        "display_name": name,
        "author_alias": v.text(fn, "author_alias", author_alias, row=row),
        "email": address,
    }


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
    fn = "get_or_create_wg21_paper_author_profile"
    prepared = _prepare(fn, display_name, email, author_alias)
    key = prepared.pop("natural_key")
    address = prepared.pop("email")
    value, created = upsert(SPEC, fn, key, prepared, conn, source, email=address)
    assert isinstance(value, Wg21PaperAuthorProfile)
    return value, created


BULK_KEYS = frozenset(("display_name", "email", "author_alias"))


def load_wg21_paper_author_profiles(
    rows: Iterable[Mapping[str, Any]],
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> list[int]:
    """Bulk get_or_create_wg21_paper_author_profile; ids in input order."""
    fn = "load_wg21_paper_author_profiles"
    return bulk(
        SPEC,
        fn,
        [
            _prepare(fn, r.get("display_name"), r.get("email"), r.get("author_alias"), i)
            for i, r in v.rows(fn, rows, BULK_KEYS)
        ],
        conn,
        source,
    )

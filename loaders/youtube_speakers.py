"""YouTube speakers (platform `youtube`), keyed by external id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import psycopg

from . import _validate as v
from ._profiles import Spec, bulk, upsert
from .values import YoutubeSpeaker

SPEC = Spec(
    platform="youtube",
    table="youtube_speakers",
    value_class=YoutubeSpeaker,
    key_column="external_id",
    key_type="text",
    fields=(("display_name", "text"),),
    has_identity=True,
)


def get_or_create_youtube_speaker(
    external_id: str,
    display_name: str | None = "",
    identity: Any = None,
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> tuple[YoutubeSpeaker, bool]:
    """Get or create the speaker keyed by `external_id` (empty raises InvalidInput,
    a ValueError). A non-empty new display_name replaces the old one."""
    fn = "get_or_create_youtube_speaker"
    key = v.text(fn, "external_id", external_id, required=True)
    values = {"display_name": v.text(fn, "display_name", display_name)}
    identity_id = v.optional_node_id(fn, "identity", identity)
    value, created = upsert(SPEC, fn, key, values, conn, source, identity_id)
    assert isinstance(value, YoutubeSpeaker)
    return value, created


BULK_KEYS = frozenset(("external_id", "display_name", "identity", "email"))


def load_youtube_speakers(
    rows: Iterable[Mapping[str, Any]],
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> list[int]:
    """Bulk get_or_create_youtube_speaker (plus optional `email`); ids in input order."""
    fn = "load_youtube_speakers"
    prepared = [
        {
            "natural_key": v.text(fn, "external_id", r.get("external_id"), required=True, row=i),
            "display_name": v.text(fn, "display_name", r.get("display_name"), row=i),
            "identity_id": v.optional_node_id(fn, "identity", r.get("identity"), i),
            "email": v.text(fn, "email", r.get("email"), v.EMAIL_MAX, row=i),
        }
        for i, r in v.rows(fn, rows, BULK_KEYS)
    ]
    return bulk(SPEC, fn, prepared, conn, source)

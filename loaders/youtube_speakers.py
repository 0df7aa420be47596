"""YouTube speakers (platform `youtube`), keyed by external id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import psycopg

from . import _validate as v
from ._profiles import Spec, load, record
from .platforms import BY_NAME
from .values import YoutubeSpeaker

SPEC = Spec.of(BY_NAME["youtube"], YoutubeSpeaker)


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
    args = {"external_id": external_id, "display_name": display_name, "identity": identity}
    value, created = record(SPEC, "get_or_create_youtube_speaker", observed(args), conn, source)
    assert isinstance(value, YoutubeSpeaker)
    return value, created


def observed(
    args: Mapping[str, Any], fn: str = "get_or_create_youtube_speaker", row: int | None = None
) -> dict[str, Any]:
    """What get_or_create_youtube_speaker(**args) records (`args` with its defaults
    filled in): the natural key, the observation's fields, the declared identity;
    the bulk loader's row `row` is checked here too."""
    return {
        "natural_key": v.text(fn, "external_id", args["external_id"], required=True, row=row),
        "display_name": v.text(fn, "display_name", args["display_name"], row=row),
        "identity_id": v.optional_node_id(fn, "identity", args["identity"], row),
    }


def arguments(key: str, observation: Mapping[str, Any]) -> dict[str, Any]:
    """get_or_create_youtube_speaker's arguments that record `observation` (a raw
    row) again, but the identity; the id the row holds (a profile the Django
    drop-in keyed 'django:<id>' holds its own)."""
    external_id = key if observation["external_id"] is None else observation["external_id"]
    return {"external_id": external_id, "display_name": observation["display_name"]}


def load_youtube_speakers(
    rows: Iterable[Mapping[str, Any]],
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> list[int]:
    """Bulk get_or_create_youtube_speaker (plus optional `email`); ids in input order."""
    fn = "load_youtube_speakers"
    return load(SPEC, fn, rows, get_or_create_youtube_speaker, observed, conn, source)

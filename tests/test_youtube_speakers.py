"""YouTube speakers: external id required, display name rules."""

from __future__ import annotations

import pytest

import loaders as L
from loaders import db as dbmod


def test_youtube_display_name_rules(database: dbmod.Database) -> None:
    with pytest.raises(ValueError, match="external_id"):
        L.get_or_create_youtube_speaker("")
    L.get_or_create_youtube_speaker("UC1", "Jane")
    s2, created = L.get_or_create_youtube_speaker("UC1", "")
    s3, _ = L.get_or_create_youtube_speaker("UC1", "Jane Doe")
    assert not created and s2.display_name == "Jane" and s3.display_name == "Jane Doe"


def test_bulk_youtube_speakers_match_single_calls(database: dbmod.Database) -> None:
    ids = L.load_youtube_speakers(
        [
            {"external_id": "UC1", "display_name": "One"},
            {"external_id": "UC2", "email": "two@x.org"},
        ]
    )
    one, created = L.get_or_create_youtube_speaker("UC1", "")
    two, _ = L.get_or_create_youtube_speaker("UC2")
    assert not created and [one.id, two.id] == ids and one.display_name == "One"
    assert two.primary_email == "two@x.org"
    with pytest.raises(L.InvalidInput, match="external_id"):
        L.load_youtube_speakers([{"external_id": ""}])

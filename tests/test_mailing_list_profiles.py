"""Mailing-list profiles: known by display name and email."""

from __future__ import annotations

import pytest

import loaders as L
from loaders import db as dbmod


def test_mailing_list_lookup_is_display_name_and_email(database: dbmod.Database) -> None:
    with pytest.raises(ValueError, match="display_name"):
        L.get_or_create_mailing_list_profile("", "a@b.c")
    m1, c1 = L.get_or_create_mailing_list_profile("Jane Doe", "jane@a.org")
    m2, c2 = L.get_or_create_mailing_list_profile("Jane Doe", "jane@b.org")
    m3, c3 = L.get_or_create_mailing_list_profile("Jane Doe", "jane@a.org")
    assert (c1, c2, c3) == (True, True, False) and m3.id == m1.id != m2.id
    assert m1.primary_email == "jane@a.org"


def test_bulk_mailing_list_profiles_match_single_calls(database: dbmod.Database) -> None:
    ids = L.load_mailing_list_profiles(
        [
            {"display_name": "A B", "email": "ab@x.org"},
            {"display_name": "A B", "email": "other@x.org"},
            {"display_name": "A B", "email": "ab@x.org"},
        ]
    )
    assert ids[0] == ids[2] != ids[1]
    again, created = L.get_or_create_mailing_list_profile("A B", "ab@x.org")
    assert not created and again.id == ids[0] and again.primary_email == "ab@x.org"

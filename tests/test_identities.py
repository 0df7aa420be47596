"""Declared identities, tmp identities and their links."""

from __future__ import annotations

import pytest

import loaders as L
from loaders import db as dbmod


def test_identities_and_tmp_relations(database: dbmod.Database) -> None:
    a = L.create_identity("Jane")
    b = L.create_identity("Jane")
    assert a.id != b.id
    found, created = L.get_or_create_identity("Jane", "maintainer")
    assert not created and found.id == a.id and found.description == "maintainer"
    new, created = L.get_or_create_identity("Bob", defaults={"description": "from defaults"})
    assert created and new.description == "from defaults"
    profile, _ = L.get_or_create_youtube_speaker("UC9", "Bob")
    tmp = L.create_tmp_identity("bob?")
    other = L.create_tmp_identity("bob2?")
    rel, created = L.add_temp_profile_identity_relation(profile, tmp)
    rel2, created2 = L.add_temp_profile_identity_relation(profile.id, tmp.id)
    assert created and not created2 and rel == rel2
    L.add_temp_profile_identity_relation(profile, other)
    L.remove_temp_profile_identity_relation(profile, tmp)
    L.remove_temp_profile_identity_relation(profile, tmp)  # absent: no error
    _, created3 = L.add_temp_profile_identity_relation(profile, tmp)
    assert created3, "a removed link can be added again"
    with pytest.raises(L.NotFound):
        L.add_temp_profile_identity_relation(profile, 123_456)

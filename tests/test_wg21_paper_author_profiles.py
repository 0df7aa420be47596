"""WG21 paper authors: display name, email disambiguates."""

from __future__ import annotations

import loaders as L
from loaders import db as dbmod


def test_wg21_email_disambiguates(database: dbmod.Database) -> None:
    w_none, _ = L.get_or_create_wg21_paper_author_profile("J. Doe")
    w_mail, created = L.get_or_create_wg21_paper_author_profile("J. Doe", "jd@a.org")
    assert created and w_mail.id != w_none.id and w_mail.primary_email == "jd@a.org"
    again, created = L.get_or_create_wg21_paper_author_profile("J. Doe")
    assert not created and again.id == w_none.id and again.emails == ()


def test_bulk_wg21_authors_match_single_calls(database: dbmod.Database) -> None:
    ids = L.load_wg21_paper_author_profiles(
        [
            {"display_name": "J. Doe", "email": "jd@x.org", "author_alias": "jdoe"},
            {"display_name": "J. Doe"},
        ]
    )
    with_email, _ = L.get_or_create_wg21_paper_author_profile("J. Doe", "jd@x.org")
    without, _ = L.get_or_create_wg21_paper_author_profile("J. Doe")
    assert [with_email.id, without.id] == ids and with_email.author_alias == "jdoe"

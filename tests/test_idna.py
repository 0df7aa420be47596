"""Email domains in IDNA ASCII form: the SQL Punycode encoder (cppa_lib, raw
migration 0007) agrees with Python's RFC 3492 codec."""

from __future__ import annotations

import unicodedata
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

SCHEMA = "cppa_lib"  # created by the migrations: every test database has it
LABEL = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cs", "Cc", "Zl", "Zp"),
        exclude_characters=".。．｡@",
    ),
    min_size=1,
    max_size=24,
)


def expected(label: str) -> str:
    return label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")


def test_punycode_matches_python(conn: Any) -> None:

    @settings(max_examples=300, deadline=None)
    @given(st.lists(LABEL, min_size=1, max_size=20))
    def check(labels: list[str]) -> None:
        got = conn.execute(
            f"select array_agg({SCHEMA}.idna_label_to_ascii(l) order by i)"
            " from unnest(%s::text[]) with ordinality as t (l, i)",
            (labels,),
        ).fetchone()[0]
        assert got == [expected(label) for label in labels]

    check()


def test_unicode_and_ascii_forms_normalise_alike(conn: Any) -> None:
    for unicode_form, ascii_form in [
        ("  Jos\u00e9@Caf\u00e9.fr ", "jos\u00e9@xn--caf-dma.fr"),
        ("jose\u0301@cafe\u0301.fr", "jos\u00e9@xn--caf-dma.fr"),  # NFD input
        ("x@b\u00fccher\u3002de", "x@xn--bcher-kva.de"),  # ideographic full stop
        ("a@\u4f8b\u3048.\u30c6\u30b9\u30c8", "a@xn--r8jz45g.xn--zckzah"),
        ("not-an-email", "not-an-email"),
        ("two@@b\u00fccher.de", "two@@b\u00fccher.de"),  # not one '@': left as given
    ]:
        got = conn.execute(
            f"select {SCHEMA}.normalize_email_unicode(%s)", (unicode_form,)
        ).fetchone()[0]
        assert got == ascii_form, unicode_form
        assert unicodedata.is_normalized("NFC", got)

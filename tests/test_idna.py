"""Email domains in IDNA ASCII form: the SQL Punycode encoder (dbt macro
create_idna_functions) agrees with Python's RFC 3492 codec."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st

SCHEMA = "idna_check"
MACRO = Path(__file__).parent.parent / "dbt_project" / "macros" / "idna.sql"
LABEL = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cs", "Cc", "Zl", "Zp"),
        exclude_characters=".。．｡@",
    ),
    min_size=1,
    max_size=24,
)


def create_functions(conn: Any) -> None:
    """The macro as dbt renders it on run start, into a schema of our own."""
    text = MACRO.read_text() + "{{ create_idna_functions() }}"
    conn.execute(jinja2.Environment().from_string(text).render(target={"schema": SCHEMA}))


def expected(label: str) -> str:
    return label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")


def test_punycode_matches_python(conn: Any) -> None:
    create_functions(conn)

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
    create_functions(conn)
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

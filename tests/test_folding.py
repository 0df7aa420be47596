"""One folding rule on every server and database locale: the models' email and
name folding (dbt macros normalize_email, fold_name, fold_case) give the same
result on a database created with LC_CTYPE 'C' as on the server's default, and
agree with the Python rule (values.normalize_email, str.lower)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg import sql
from psycopg.conninfo import make_conninfo

from loaders.db import MIGRATIONS_DIR
from loaders.ops import migrations
from loaders.values import email_key_sql, normalize_email

MACROS = Path(__file__).parent.parent / "dbt_project" / "macros"
C_LOCALE_DB = "cppa_test_c_locale"

TRICKY = [
    "JOSÉ@CAFÉ.FR",
    "İlker@x.tr",
    "ILKER@X.TR",
    "ΣΑΣ ΟΔΟΣ",
    "Straße@Beispiel.DE",
    "ǅemal Ǆ",
    "Ꭰ Cherokee ꭰ",
    "ＦＵＬＬ＠ＷＩＤＴＨ.example",
    "  Padded@Example.COM  ",
    "jose\u0301@CAFE\u0301.fr",
    "Émir SARI",
    "Belón, Carlo-Marcelo",
    "plain ascii",
    "\x80@",  # an empty domain stays empty (not NULL)
    "\u1680",  # a Unicode space: \s does not know it on a C-locale database
    "",
]

# characters Python's own Unicode tables know (an older Unicode than the
# server's may lack a newer letter's case mapping), no surrogates or NULs
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cn", "Co"), exclude_characters="\x00"),
    max_size=16,
)


def folding_query() -> str:
    """The three macros as dbt renders them, over an array of inputs."""
    text = (MACROS / "normalize.sql").read_text()  # the functions it calls: cppa_lib
    text += (
        "select array_agg(array[{{ normalize_email('x') }}, {{ fold_name('x') }},"
        " {{ fold_case('x') }}, EMAIL_KEY] order by i)"
        " from unnest(%s::text[]) with ordinality as t (x, i)"
    )
    # the loaders' and import's address rule, as Python sends it
    return jinja2.Environment().from_string(text).render().replace("EMAIL_KEY", email_key_sql("x"))


@pytest.fixture
def c_locale_conn(admin_conninfo: str) -> Iterator[psycopg.Connection[Any]]:
    """A migrated database created with LC_CTYPE and LC_COLLATE 'C'."""
    with psycopg.connect(admin_conninfo, autocommit=True) as admin:
        admin.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(C_LOCALE_DB))
        )
        admin.execute(
            sql.SQL(
                "create database {} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'"
            ).format(sql.Identifier(C_LOCALE_DB))
        )
    with psycopg.connect(make_conninfo(admin_conninfo, dbname=C_LOCALE_DB)) as conn:
        migrations.migrate(conn)
        ctype = "select datctype from pg_database where datname = current_database()"
        assert conn.execute(ctype).fetchone()[0] == "C"
        yield conn
    with psycopg.connect(admin_conninfo, autocommit=True) as admin:
        admin.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(C_LOCALE_DB)))


def test_folding_is_the_same_on_every_locale(
    conn: psycopg.Connection[Any], c_locale_conn: psycopg.Connection[Any]
) -> None:
    query = folding_query()

    def check(values: list[str]) -> None:
        here = conn.execute(query, (values,)).fetchone()[0]
        in_c = c_locale_conn.execute(query, (values,)).fetchone()[0]
        assert in_c == here
        for value, (email, _name, lowered, key) in zip(values, here, strict=True):
            assert email == normalize_email(value), value
            assert key == email, value
            assert lowered == value.lower(), value

    check(TRICKY)
    rows = conn.execute(query, (TRICKY,)).fetchone()[0]
    folded = {value: row[1] for value, row in zip(TRICKY, rows, strict=True)}
    assert folded["Émir SARI"] == "emir sari"
    assert folded["Belón, Carlo-Marcelo"] == "belon carlo marcelo"
    assert unicodedata.is_normalized("NFC", folded["jose\u0301@CAFE\u0301.fr"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(TEXT, min_size=1, max_size=20))
    def property_check(values: list[str]) -> None:
        check(values)

    property_check()


# printable ASCII, what migration 0019's short path takes, spaces made likely
ASCII = st.text(st.sampled_from([chr(c) for c in range(32, 127)] + [" "] * 20), max_size=24)


def test_search_folding_short_path_is_the_full_one(conn: psycopg.Connection[Any]) -> None:
    """Migration 0019 folds printable ASCII by a short path; it must give what
    0011's full path (case mapping, normalisation, marks, whitespace) gives,
    and text with anything else still takes the full path."""
    full = MIGRATIONS_DIR / "0011_search_folding.sql"
    conn.execute(full.read_text().replace("cppa_lib.fold_search", "pg_temp.fold_search_full"))
    query = (
        "select array_agg(array[x, cppa_lib.fold_search(x), pg_temp.fold_search_full(x)] order by i)"
        " from unnest(%s::text[]) with ordinality as t (x, i)"
    )

    def check(values: list[str]) -> None:
        for value, short, whole in conn.execute(query, (values,)).fetchone()[0]:
            assert short == whole, value

    check(["  Wei   WANG ", "O'Neil-Smith", "user_42.X+tag@Example.COM", "~!@#", "", " "])
    check([*TRICKY, "A\tB", "A\u00a0B", "ＡＢ", "Ærø"])  # not ASCII alone: the full path
    assert conn.execute("select cppa_lib.fold_search('  Wei   WANG ')").fetchone()[0] == "wei wang"

    @settings(max_examples=300, deadline=None)
    @given(st.lists(ASCII, min_size=1, max_size=20))
    def property_check(values: list[str]) -> None:
        check(values)

    property_check()


# domains built from labels that exercise the organisation rule: the country
# second levels, empty labels, leading and trailing dots, a newline, a space
SECOND_LEVELS = ["co", "ac", "com", "org", "net", "edu", "gov", "or", "ne", "go"]
LABEL = st.sampled_from(
    [*SECOND_LEVELS, "uk", "lexmark", "", "a", "x y", "\n", "é", "@", "-", "co."]
)
DOMAIN = st.lists(LABEL, max_size=5).map(".".join)
ORGANISATION_PATTERN = r"([^.]+\.(?:(?:co|ac|com|org|net|edu|gov|or|ne|go)\.)?[^.]+)$"


def test_organisation_without_a_pattern_is_the_pattern(conn: psycopg.Connection[Any]) -> None:
    """Macro email_organisation (split_part, no regular expression) gives what
    the pattern it replaced gives, for any domain."""
    text = (MACROS / "normalize.sql").read_text()
    text += (
        "select array_agg(array[d, substring(d from %s), {{ email_organisation('d') }}]"
        " order by i) from unnest(%s::text[]) with ordinality as t (d, i)"
    )
    query = jinja2.Environment().from_string(text).render()

    def check(domains: list[str]) -> None:
        rows = conn.execute(query, (ORGANISATION_PATTERN, domains)).fetchone()[0]
        for domain, pattern, split in rows:
            assert split == pattern, domain

    check(["lpdev.prtdev.lexmark.com", "ihug.co.nz", "co.uk", ".co.uk", "a..b", "x.com.", ""])
    assert conn.execute(query, (ORGANISATION_PATTERN, ["mail.ihug.co.nz"])).fetchone()[0] == [
        ["mail.ihug.co.nz", "ihug.co.nz", "ihug.co.nz"]
    ]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(DOMAIN, min_size=1, max_size=30))
    def property_check(domains: list[str]) -> None:
        check(domains)

    property_check()

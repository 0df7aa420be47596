"""Hostile input for every loader: a clear InvalidInput (nothing written) or a
stored value that reads back exactly; never a raw database error."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

import loaders as L
from loaders import _profiles, github_accounts, slack_users, youtube_speakers
from loaders import db as dbmod
from loaders.ops.project import raw_tables

from .conftest import FIGURES

NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\ud800",
        "x\udfffy",
        "x" * 256,
        "y" * 1_000_000,
        "'; drop table cppa_raw.profiles; --",
        "$$ select 1 $$",
        "\u202eevil\u202c",
        "zero\u200bwidth",
        "e\u0301\u0301\u0301",
        "😀" * 10,
        "\t\n\r",
        "NULL",
        "null",
        "%s",
        "%(x)s",
        "{x}",
        "\\x00",
    ]
)
TEXT = st.one_of(
    NASTY,
    st.text(max_size=300),
    st.none(),
    st.integers(),
    st.floats(),
    st.binary(max_size=5),
    st.lists(st.integers(), max_size=2),
)
IDS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=25),
    st.none(),
    st.floats(allow_nan=True),
    st.booleans(),
    NASTY,
)
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
tried: dict[str, int] = {}
rejected: dict[str, int] = {}
partial: dict[str, int] = {}  # rejected calls that left rows behind (must stay empty)
written: dict[str, int] = {}  # rows accepted calls added, per raw table


@pytest.fixture(scope="module", autouse=True)
def report_figures() -> Iterator[None]:
    """After the module: how many hostile calls were tried (for docs/guarantees.md)."""
    yield
    total = sum(tried.values())
    per_table = ", ".join(f"{t} {n}" for t, n in sorted(written.items()) if n)
    FIGURES["fuzz"] = (
        f"{total} hostile calls across {len(tried)} loaders and importers:"
        f" {sum(rejected.values())} rejected with InvalidInput/NotFound,"
        f" {sum(partial.values())} of them leaving rows behind;"
        f" rows the accepted calls wrote, per raw table: {per_table}"
    )


def raw_rows(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """Rows in every raw table the dbt source declares (tests/ops checks that list
    against the migrated schema), in one statement."""
    tables = raw_tables()
    counts = conn.execute(
        sql.SQL("select {}").format(
            sql.SQL(", ").join(
                sql.SQL("(select count(*) from cppa_raw.{})").format(sql.Identifier(t))
                for t in tables
            )
        )
    ).fetchone()
    return dict(zip(tables, counts, strict=True))


def attempt(conn: psycopg.Connection[Any], name: str, call: Callable[[], Any]) -> Any:
    """Run a loader call: InvalidInput/NotFound must leave no trace."""
    tried[name] = tried.get(name, 0) + 1
    before = raw_rows(conn)
    try:
        result = call()
    except (L.InvalidInput, L.NotFound) as exc:
        rejected[name] = rejected.get(name, 0) + 1
        left = raw_rows(conn) != before
        partial[name] = partial.get(name, 0) + left
        assert name in str(exc) or "load_" in str(exc)
        assert not left, f"{name} wrote rows before rejecting {exc}"
        return None
    for table, rows in raw_rows(conn).items():
        written[table] = written.get(table, 0) + rows - before[table]
    return result


@FUZZ
@given(
    gid=IDS,
    username=TEXT,
    display_name=TEXT,
    avatar=TEXT,
    account_type=st.one_of(st.sampled_from(["user", "organization", "bot", ""]), TEXT),
)
def test_fuzz_github(
    database: dbmod.Database,
    conn: Any,
    gid: Any,
    username: Any,
    display_name: Any,
    avatar: Any,
    account_type: Any,
) -> None:
    result = attempt(
        conn,
        "get_or_create_github_account",
        lambda: L.get_or_create_github_account(gid, username, display_name, avatar, account_type),
    )
    if result is None:
        return
    account, _ = result
    if isinstance(display_name, str) and display_name:
        assert account.display_name == display_name
    if isinstance(username, str) and username:
        assert account.username == username
    with psycopg.connect(database.conninfo) as c:
        stored = _profiles.fetch(github_accounts.SPEC, c, account.id)
    assert stored == account


@FUZZ
@given(
    user=st.one_of(
        st.fixed_dictionaries(
            {
                "id": IDS,
                "name": TEXT,
                "real_name": TEXT,
                "profile": st.one_of(
                    st.fixed_dictionaries({"email": TEXT, "image_72": TEXT}), TEXT
                ),
            }
        ),
        TEXT,
    )
)
def test_fuzz_slack(database: dbmod.Database, conn: Any, user: Any) -> None:
    result = attempt(conn, "get_or_create_slack_user", lambda: L.get_or_create_slack_user(user))
    if result is None:
        return
    value, _ = result
    assert value.slack_user_id == user["id"]
    with psycopg.connect(database.conninfo) as c:
        stored = _profiles.fetch(slack_users.SPEC, c, value.id)
    assert stored == value


@FUZZ
@given(external_id=TEXT, display_name=TEXT, email=TEXT)
def test_fuzz_youtube_and_email(
    database: dbmod.Database, conn: Any, external_id: Any, display_name: Any, email: Any
) -> None:
    result = attempt(
        conn,
        "get_or_create_youtube_speaker",
        lambda: L.get_or_create_youtube_speaker(external_id, display_name),
    )
    if result is None:
        return
    speaker, _ = result
    assert speaker.external_id == external_id
    with psycopg.connect(database.conninfo) as c:
        assert _profiles.fetch(youtube_speakers.SPEC, c, speaker.id) == speaker
    added = attempt(conn, "add_email", lambda: L.add_email(speaker, email))
    if added is not None:
        row = conn.execute(
            "select email from cppa_raw.emails where email_id = %s", (added.id,)
        ).fetchone()
        assert row[0] == email


@FUZZ
@given(name=TEXT, email=TEXT, alias=TEXT, description=TEXT, did=IDS, is_bot=TEXT)
def test_fuzz_other_loaders(
    database: dbmod.Database,
    conn: Any,
    name: Any,
    email: Any,
    alias: Any,
    description: Any,
    did: Any,
    is_bot: Any,
) -> None:
    attempt(
        conn,
        "get_or_create_mailing_list_profile",
        lambda: L.get_or_create_mailing_list_profile(name, email),
    )
    attempt(
        conn,
        "get_or_create_wg21_paper_author_profile",
        lambda: L.get_or_create_wg21_paper_author_profile(name, email, alias),
    )
    attempt(
        conn,
        "get_or_create_unknown_github_account",
        lambda: L.get_or_create_unknown_github_account(name, email),
    )
    attempt(
        conn,
        "get_or_create_discord_profile",
        lambda: L.get_or_create_discord_profile(did, name, alias, email, is_bot),
    )
    created = attempt(conn, "create_identity", lambda: L.create_identity(name, description))
    if created is not None:
        assert created.display_name == (name or "")
    attempt(conn, "get_or_create_identity", lambda: L.get_or_create_identity(name, description))
    attempt(conn, "create_tmp_identity", lambda: L.create_tmp_identity(name, description))
    attempt(
        conn,
        "load_github_accounts",
        lambda: L.load_github_accounts(
            [{"github_account_id": did, "username": name, "email": email}]
        ),
    )


@FUZZ
@given(
    lines=st.lists(
        st.one_of(
            st.text(max_size=200),
            NASTY,
            st.sampled_from(
                [
                    '{"loader": "add_email", "args": []}',
                    '{"loader": null}',
                    "[]",
                    "{}",
                    "1",
                    "Name <a@b.c> <d@e.f> <g@h.i>",
                    "<<>>",
                    "Jane <jane@x.org>",
                ]
            ),
        ),
        max_size=8,
    )
)
def test_fuzz_import(database: dbmod.Database, lines: list[str]) -> None:
    from loaders.ops import transfer

    for importer in (transfer.import_jsonl, transfer.import_mailmap):
        tried[importer.__name__] = tried.get(importer.__name__, 0) + 1
        with psycopg.connect(database.conninfo) as c:
            report = importer(c, lines)
        assert report.lines == len(lines)
        assert report.imported + len(report.errors) <= len(lines)

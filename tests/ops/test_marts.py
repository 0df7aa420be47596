"""Marts reproduce the reference tables: after the same loader calls (updates and
removals included), each mart row equals what the loaders returned last."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

import loaders as L
from loaders import db as dbmod
from loaders.ops.dbt_runner import run_dbt
from loaders.ops.runs import run


def rows(conn: psycopg.Connection[Any], table: str, columns: str) -> dict[int, dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return {r["id"]: r for r in cur.execute(f"select id, {columns} from cppa_identity.{table}")}


def emails_of(conn: psycopg.Connection[Any], profile_id: int) -> list[tuple[str, bool, bool]]:
    return conn.execute(
        "select email, is_primary, is_active from cppa_identity.email"
        " where base_profile_id = %s order by id",
        (profile_id,),
    ).fetchall()


def test_marts_equal_the_last_loader_state(database: dbmod.Database, conn: Any) -> None:
    ident = L.create_identity("Declared")
    gh, _ = L.get_or_create_github_account(1, "octo", "Octo", "https://a/1", identity=ident)
    gh, _ = L.get_or_create_github_account(1, "octo-renamed", "", None, "user")
    org, _ = L.get_or_create_github_account(2, "boostorg", "Boost")
    org, _ = L.get_or_create_github_account(2, "", "", "", "organization")
    unknown, _ = L.get_or_create_unknown_github_account("Some Author", "author@x.example")
    slack, _ = L.get_or_create_slack_user(
        {"id": "U9", "name": "sl", "real_name": "S L", "profile": {"email": "sl@x.example"}}
    )
    slack, _ = L.get_or_create_slack_user(
        {"id": "U9", "name": "", "real_name": "Slack Later", "profile": {"image_72": "https://i/9"}}
    )
    discord, _ = L.get_or_create_discord_profile(9, "dc", "D C", is_bot=True)
    discord, _ = L.get_or_create_discord_profile(9, "", "Disc", is_bot=False)
    ml, _ = L.get_or_create_mailing_list_profile("Mail Person", "mp@x.example")
    wg, _ = L.get_or_create_wg21_paper_author_profile("W G", "wg@x.example", "wg-alias")
    yt, _ = L.get_or_create_youtube_speaker("UC9", "Speaker")
    yt, _ = L.get_or_create_youtube_speaker("UC9", "Speaker Renamed")
    extra = L.add_email(ml, "second@x.example", is_primary=False)
    L.update_email(extra, is_active=False)
    gone = L.add_email(ml, "gone@x.example")
    L.remove_email(gone)
    tmp = L.create_tmp_identity("tmp", "staging")
    kept, _ = L.add_temp_profile_identity_relation(yt, tmp)
    L.add_temp_profile_identity_relation(discord, tmp)
    L.remove_temp_profile_identity_relation(discord, tmp)

    assert run(database, full=True).outcome == "success"

    github = rows(
        conn,
        "github_account",
        "github_account_id, username, display_name, avatar_url, account_type",
    )
    for value in (gh, unknown, org):
        assert github[value.id] == {
            "id": value.id,
            "github_account_id": value.github_account_id,
            "username": value.username,
            "display_name": value.display_name,
            "avatar_url": value.avatar_url,
            "account_type": value.account_type,
        }
    assert rows(conn, "slack_user", "slack_user_id, username, display_name, avatar_url")[
        slack.id
    ] == {
        "id": slack.id,
        "slack_user_id": "U9",
        "username": "sl",
        "display_name": "Slack Later",
        "avatar_url": "https://i/9",
    }
    assert rows(conn, "discord_profile", "username, display_name, is_bot")[discord.id] == {
        "id": discord.id,
        "username": "dc",
        "display_name": "Disc",
        "is_bot": False,
    }
    assert rows(conn, "mailing_list_profile", "display_name")[ml.id]["display_name"] == (
        "Mail Person"
    )
    assert rows(conn, "wg21_paper_author_profile", "display_name, author_alias")[wg.id] == {
        "id": wg.id,
        "display_name": "W G",
        "author_alias": "wg-alias",
    }
    assert rows(conn, "youtube_speaker", "external_id, display_name")[yt.id] == {
        "id": yt.id,
        "external_id": "UC9",
        "display_name": "Speaker Renamed",
    }
    assert emails_of(conn, ml.id) == [
        ("mp@x.example", True, True),
        ("second@x.example", False, False),
    ]
    assert emails_of(conn, slack.id) == [("sl@x.example", True, True)]
    relations = conn.execute(
        "select id, base_profile_id, target_identity_id from"
        " cppa_identity.temp_profile_identity_relation"
    ).fetchall()
    assert relations == [(kept.id, yt.id, tmp.id)]
    types = dict(conn.execute("select id, type from cppa_identity.base_profile").fetchall())
    assert types == {
        gh.id: "github",
        unknown.id: "github",
        org.id: "github",
        slack.id: "slack",
        discord.id: "discord",
        ml.id: "mailing_list",
        wg.id: "wg21",
        yt.id: "youtube",
    }
    identity = conn.execute(
        "select identity_id from cppa_identity.base_profile where id = %s", (gh.id,)
    ).fetchone()[0]
    assert identity == ident.id, "the declared identity is the account's identity"

    before = conn.execute("select * from cppa_identity.email order by id").fetchall()
    assert run(database, full=True).outcome == "success"
    assert conn.execute("select * from cppa_identity.email order by id").fetchall() == before


def test_docs_generate(database: dbmod.Database, conn: Any) -> None:
    L.get_or_create_github_account(5, "docs", "Docs")
    assert run(database, full=True).outcome == "success"
    docs = run_dbt(database, ["docs", "generate"])
    assert docs.success, docs.error

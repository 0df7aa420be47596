"""Shared test helpers."""

from __future__ import annotations

from typing import Any

import psycopg


def raw_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    tables = [
        "profiles",
        "github_accounts",
        "slack_users",
        "discord_profiles",
        "emails",
        "mailing_list_profiles",
        "wg21_paper_author_profiles",
        "youtube_speakers",
        "identities",
        "tmp_identities",
        "unknown_github_authors",
    ]
    return {t: conn.execute(f"select count(*) from cppa_raw.{t}").fetchone()[0] for t in tables}

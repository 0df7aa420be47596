"""Shared test helpers."""

from __future__ import annotations

from typing import Any

import psycopg

from loaders.ops.project import raw_tables


def raw_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """Rows in every raw table (the dbt source's list, which a test holds equal to
    the migrated tables)."""
    return {
        t: conn.execute(f"select count(*) from cppa_raw.{t}").fetchone()[0] for t in raw_tables()
    }


def add_row_failing_a_data_test(conn: psycopg.Connection[Any]) -> None:
    """A second 'add' of an existing email id, written behind the loaders (which
    draw every email id from a sequence): int_emails_collapsed's unique test
    rejects it, so the next run fails."""
    conn.execute(
        "insert into cppa_raw.profiles (base_profile_id, platform, natural_key)"
        " values (nextval('cppa_raw.node_id_seq'), 'github', '5')"
    )
    conn.execute(
        "insert into cppa_raw.github_accounts (base_profile_id, github_account_id)"
        " select max(base_profile_id), 5 from cppa_raw.profiles"
    )
    conn.execute(
        "insert into cppa_raw.emails (email_id, base_profile_id, action, email)"
        " select -1, max(base_profile_id), 'add', address from cppa_raw.profiles,"
        " (values ('twice-a@x.org'), ('twice-b@x.org')) as v (address)"
        " group by address"
    )

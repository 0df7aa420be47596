"""Shared test helpers."""

from __future__ import annotations

import signal
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
    """A new profile, and a function a model needs hidden by the owner (nothing a
    loader or the Django drop-in writes can fail a run: the models leave rows
    they cannot use out): the next run fails in int_emails_collapsed.
    `remove_row_failing_a_data_test` undoes it."""
    conn.execute("insert into cppa_raw.profiles (platform, natural_key) values ('github', '5')")
    conn.execute(
        "alter function cppa_lib.normalize_email_unicode(text) rename to hidden_for_a_test"
    )


def remove_row_failing_a_data_test(conn: psycopg.Connection[Any]) -> None:
    conn.execute(
        "alter function cppa_lib.hidden_for_a_test(text) rename to normalize_email_unicode"
    )


def hears_ctrl_c() -> None:
    """A child's preexec_fn: Ctrl-C (SIGINT) at its default, so that Python turns
    it into KeyboardInterrupt. A shell without job control starts a background
    job with SIGINT ignored, and children inherit that: a test started so must
    still be able to interrupt what it runs."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)

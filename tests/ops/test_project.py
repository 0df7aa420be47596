"""Python reads the raw-table list and the freshness limit from the dbt project,
so there is one copy of each."""

from __future__ import annotations

from typing import Any

from loaders import db as dbmod
from loaders.ops.project import raw_tables, stale_after_days


def test_raw_tables_are_exactly_the_migrated_ones(database: dbmod.Database, conn: Any) -> None:
    migrated = {
        r[0]
        for r in conn.execute(
            "select tablename from pg_tables where schemaname = 'cppa_raw'"
            " and tablename <> 'schema_version'"
        )
    }
    assert set(raw_tables()) == migrated
    assert len(raw_tables()) == len(set(raw_tables()))


def test_stale_after_comes_from_the_source_freshness() -> None:
    assert stale_after_days() == 7

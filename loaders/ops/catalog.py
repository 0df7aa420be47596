"""What is in the database, as a run and the read commands see it: schemas,
marts and their counts, raw rows pending, the settings a run keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from ..errors import RunFailed
from ..queries import named_statements
from .project import mart_names, raw_tables
from .schemas import MARTS, NEXT, OPS, RAW, SEEDS

SQL = named_statements(Path(__file__).parent / "sql" / "runs.sql")
SEEDS_KEY = "seeds_checksum"


def schema_exists(conn: psycopg.Connection[Any], schema: str) -> bool:
    row = conn.execute(SQL["schema_exists"], (schema,)).fetchone()
    return bool(row and row[0])


def relation_exists(conn: psycopg.Connection[Any], schema: str, table: str) -> bool:
    row = conn.execute(SQL["relation_exists"], (f'"{schema}"."{table}"',)).fetchone()
    return bool(row and row[0])


def _count(conn: psycopg.Connection[Any], query: sql.Composed) -> int:
    row = conn.execute(query).fetchone()
    return int(row[0] or 0) if row else 0


def _unseen(watermark: str) -> sql.Composable:
    """Rows the snapshot `watermark` did not see: those of transactions at or
    after its xmax or in progress when it was taken (its xip list); any other
    committed row was committed before it. pg_visible_in_snapshot, the staging
    models' own test, keeps the last word."""
    return sql.SQL(
        "(loaded_xid >= pg_snapshot_xmax({w}::pg_snapshot)"
        " or loaded_xid = any(array(select pg_snapshot_xip({w}::pg_snapshot))))"
        " and not pg_visible_in_snapshot(loaded_xid, {w}::pg_snapshot)"
    ).format(w=sql.Literal(watermark))


def pending_rows(conn: psycopg.Connection[Any], watermark: str | None) -> int:
    """Raw rows not covered by `watermark` (all rows when there is none)."""
    visible = sql.SQL("true") if watermark is None else _unseen(watermark)
    query = sql.SQL(" + ").join(
        sql.SQL("(select count(*) from {}.{} where {})").format(
            sql.Identifier(RAW), sql.Identifier(t), visible
        )
        for t in raw_tables()
    )
    return _count(conn, sql.SQL("select {}").format(query))


def raw_changed_since(conn: psycopg.Connection[Any], watermark: str) -> list[str]:
    """The raw tables (every one dbt reads) holding a row that a build from
    `watermark` did not read: raw rows are only ever appended, so a new row, an
    update, a removal, a decision, a revoke or a lock is such a row. Such a row's
    transaction is at or after the snapshot's xmax, or in its xip list (_unseen):
    a few index probes per table (migration 0017), whatever the table's size and
    however old the snapshot's xmin (another database's long transaction)."""
    query = sql.SQL(" union all ").join(
        sql.SQL(
            "select {name} where (select max(loaded_xid) from {t}) >= pg_snapshot_xmax({w})"
            " or exists (select from pg_snapshot_xip({w}) as x (xid)"
            " where (select min(loaded_xid) from {t} where loaded_xid >= x.xid) = x.xid)"
        ).format(name=sql.Literal(t), t=sql.Identifier(RAW, t), w=sql.Placeholder("w"))
        for t in raw_tables()
    )
    rows = conn.execute(query, {"w": watermark}).fetchall()
    return [str(r[0]) for r in rows]


MART_TABLES = {
    "profiles": "base_profile",
    "identities": "identity",
    "candidates": "identity_merge_candidate",
    "conflicts": "identity_conflict",
}


def mart_counts(conn: psycopg.Connection[Any], schema: str = MARTS) -> dict[str, int]:
    """Row counts of the main marts in `schema` (empty when they do not exist)."""
    return {
        name: _count(
            conn,
            sql.SQL("select count(*) from {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)
            ),
        )
        for name, table in MART_TABLES.items()
        if relation_exists(conn, schema, table)
    }


def rows_left_out(conn: psycopg.Connection[Any], schema: str = MARTS) -> int:
    """Raw rows the merge could not use and left out (mart raw_rows_left_out)."""
    if not relation_exists(conn, schema, "raw_rows_left_out"):
        return 0
    return _count(
        conn,
        sql.SQL("select coalesce(sum(row_count), 0) from {}.raw_rows_left_out").format(
            sql.Identifier(schema)
        ),
    )


def new_candidates(conn: psycopg.Connection[Any]) -> int:
    """Candidates the side schema holds that the published marts do not."""
    if not relation_exists(conn, NEXT, "identity_merge_candidate"):
        return 0
    if not relation_exists(conn, MARTS, "identity_merge_candidate"):
        return mart_counts(conn, NEXT).get("candidates", 0)
    return _count(
        conn,
        sql.SQL(
            "select count(*) from {next}.identity_merge_candidate as n"
            " where not exists (select from {marts}.identity_merge_candidate as o"
            " where o.candidate_id = n.candidate_id)"
        ).format(next=sql.Identifier(NEXT), marts=sql.Identifier(MARTS)),
    )


def changes(conn: psycopg.Connection[Any], since: Any) -> dict[str, int]:
    """Merges and splits the side schema's history recorded since `since`."""
    if not relation_exists(conn, NEXT, "identity_change"):
        return {"merges": 0, "splits": 0}
    row = conn.execute(
        sql.SQL(
            "select count(*) filter (where change_type = 'merge'),"
            " count(*) filter (where change_type = 'split')"
            " from {}.identity_change where changed_at >= %s"
        ).format(sql.Identifier(NEXT)),
        (since,),
    ).fetchone()
    return {"merges": int(row[0]), "splits": int(row[1])} if row else {}


def refuse_foreign_objects(conn: psycopg.Connection[Any]) -> None:
    """Publishing moves the marts schema aside whole: refuse (RunFailed, nothing
    built) while it holds an object this project does not build."""
    if not schema_exists(conn, MARTS):
        return
    rows = conn.execute(SQL["foreign_objects"], {"schema": MARTS, "ours": sorted(mart_names())})
    foreign = [str(r[0]) for r in rows.fetchall()]
    if foreign:
        raise RunFailed(
            f"{MARTS} holds {', '.join(foreign)}, which cppa-identity does not build;"
            " publishing would move it aside with the old marts, so nothing was run",
            f"move it to a schema of its own (ALTER TABLE … SET SCHEMA …) and run again;"
            f" {MARTS} belongs to cppa-identity",
        )


def put_setting(conn: psycopg.Connection[Any], key: str, value: str) -> None:
    conn.execute(
        f"insert into {OPS}.settings (key, value) values (%s, %s)"
        " on conflict (key) do update set value = excluded.value,"
        " updated_at = clock_timestamp()",
        (key, value),
    )


NAME_POLICY_KEY = "name_join_policy"  # cppa_ops.settings: the merge's name policy
NAME_POLICY_BUILT_KEY = "name_join_policy_built"  # the policy of the last build
NAME_POLICIES = ("name_alone", "second_signal")
DEFAULT_NAME_POLICY = "name_alone"


def setting(conn: psycopg.Connection[Any], key: str) -> str | None:
    row = conn.execute(f"select value from {OPS}.settings where key = %s", (key,)).fetchone()
    return None if row is None else str(row[0])


def name_policy(conn: psycopg.Connection[Any]) -> str:
    """The name policy this database's runs merge by (dbt var name_join_policy):
    what `cppa-identity policy --name-join` set, name_alone otherwise."""
    value = setting(conn, NAME_POLICY_KEY)
    return value if value in NAME_POLICIES else DEFAULT_NAME_POLICY


def seeds_loaded(conn: psycopg.Connection[Any], checksum: str) -> bool:
    """True when the seeds in the database are the ones shipped now (same checksum
    recorded, tables present): the run can skip reloading them."""
    return setting(conn, SEEDS_KEY) == checksum and relation_exists(conn, SEEDS, "evidence_kinds")


def record_seeds(conn: psycopg.Connection[Any], checksum: str) -> None:
    put_setting(conn, SEEDS_KEY, checksum)

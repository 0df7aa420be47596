"""One publish path: `init` installs the owner's functions (migration 0015) and
every run builds, publishes and drops through them, before `grants` as after."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from loaders import db as dbmod
from loaders.ops import publish, runs, sample, schemas

MIGRATION = Path(dbmod.MIGRATIONS_DIR) / "0015_one_publish_path.sql"
FUNCTIONS = (
    "cppa_ops.run_schema(text, boolean)",
    "cppa_ops.take_over_schema(text)",
    "cppa_ops.publish_marts(bigint)",
    "cppa_ops.drop_retired_schema(text)",
)


def test_the_migration_names_the_schemas_of_schemas_py() -> None:
    text = MIGRATION.read_text()
    literals = set(re.findall(r"'(cppa[a-z_\\%]*)'", text))
    expected = {*schemas.RUN_SCHEMAS, *schemas.RETIRED, schemas.MARTS, schemas.HISTORY}
    expected |= {schemas.OLD, schemas.HISTORY_OLD}
    assert literals == expected


def test_python_has_no_second_publish_path() -> None:
    assert not hasattr(publish, "_swap")
    source = Path(publish.__file__).read_text()
    assert "alter schema" not in source and "drop schema" not in source
    assert "create schema" not in source


def test_init_installs_the_functions_and_nobody_else_may_call_them(
    database: dbmod.Database, conn: Any
) -> None:
    """No `grants` ran on this database: the functions are there, and a login
    that is not the owner may execute none of them."""
    for function in FUNCTIONS:
        assert conn.execute("select to_regprocedure(%s)", (function,)).fetchone()[0] is not None
    login = f"cppa_{conn.info.dbname}_stranger"
    conn.execute(sql.SQL("create role {} login").format(sql.Identifier(login)))
    conn.commit()
    try:
        for function in FUNCTIONS:
            row = conn.execute(
                "select has_function_privilege(%s, %s, 'EXECUTE')", (login, function)
            ).fetchone()
            assert row == (False,), function
    finally:
        conn.execute(sql.SQL("drop role {}").format(sql.Identifier(login)))
        conn.commit()


def test_a_run_before_grants_publishes_through_the_owners_functions(
    database: dbmod.Database, conn: Any
) -> None:
    """Before `grants`, a run publishes through the owner's functions: the marts
    are the owner's, and the function refuses a schema runs do not build in."""
    sample.load(sample.generate(3, seed=5), source="test")
    first = runs.run(database, full=True)
    assert first.outcome == "success", first.as_dict()
    owner = conn.execute(
        "select nspowner::regrole::text from pg_namespace where nspname = %s", (schemas.MARTS,)
    ).fetchone()
    assert owner == (conn.info.user,)
    # the function refuses a schema that is not one runs build in, before grants too
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select cppa_ops.run_schema('public', true)")
    conn.rollback()

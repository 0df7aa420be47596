"""One declaration per platform (loaders/platforms.py): the loaders' specs, the
raw schema, the dbt project (var `platforms`, the sources) and import agree
with it, and import reads a call as its loader writes it."""

from __future__ import annotations

import importlib
from typing import Any

import psycopg
import pytest
import yaml

import loaders
from loaders import platforms
from loaders.ops import jsonl_import, project
from loaders.platforms import PLATFORMS

# one call per platform, with values a loader rewrites (an empty real_name, a
# key given as text, a default left out)
CALLS: dict[str, dict[str, Any]] = {
    "github": {"github_account_id": "42", "username": "octo", "display_name": ""},
    "slack": {"user_data": {"id": "U1", "name": "bob", "real_name": "", "profile": {}}},
    "discord": {"discord_user_id": 7, "username": "d", "is_bot": True},
    "mailing_list": {"display_name": "Jane Doe", "email": "jane@x.org"},
    "wg21": {"display_name": "Jane Doe", "email": None, "author_alias": "jd"},
    "youtube": {"external_id": "yt-1", "display_name": "Jane"},
}


def test_dbt_reads_the_registry() -> None:
    document = yaml.safe_load((project.project_dir() / "dbt_project.yml").read_text())
    declared = {k: document["vars"][k] for k in ("platforms", "single_account_platforms")}
    assert declared == platforms.dbt_var()
    assert {p.table for p in PLATFORMS} <= set(project.raw_tables())
    models = {p.stem for p in (project.project_dir() / "models").rglob("*.sql")}
    for p in PLATFORMS:
        assert {f"stg_cppa_raw__{p.table}", f"int_{p.table}_collapsed"} <= models
    # the marts' check of a profile's type
    marts = yaml.safe_load((project.project_dir() / "models/marts/_marts.yml").read_text())
    (base,) = [m for m in marts["models"] if m["name"] == "base_profile"]
    (kind,) = [c for c in base["columns"] if c["name"] == "type"]
    (accepted,) = [t["accepted_values"] for t in kind["data_tests"]]
    assert sorted(accepted["arguments"]["values"]) == sorted(p.name for p in PLATFORMS)


def test_loaders_and_the_raw_schema_follow_the_registry(conn: psycopg.Connection[Any]) -> None:
    for p in PLATFORMS:
        spec = importlib.import_module(p.module).SPEC
        assert (spec.platform, spec.table, spec.key_column, spec.fields) == (
            p.name,
            p.table,
            p.key_column,
            p.fields,
        )
        assert callable(getattr(loaders, p.single)) and callable(getattr(loaders, p.bulk))
        columns = {
            r[0]
            for r in conn.execute(
                "select column_name from information_schema.columns"
                " where table_schema = 'cppa_raw' and table_name = %s",
                (p.table,),
            )
        }
        assert set(p.field_names) | ({p.key_column} - {None}) <= columns, p.name
    check = conn.execute(
        "select pg_get_constraintdef(oid) from pg_constraint"
        " where conrelid = 'cppa_raw.profiles'::regclass and contype = 'c'"
    ).fetchone()
    assert check is not None
    assert all(f"'{p.name}'" in check[0] for p in PLATFORMS)
    assert check[0].count("'") == 2 * len(PLATFORMS)


@pytest.mark.parametrize("platform", [p.name for p in PLATFORMS])
def test_import_reads_a_call_as_its_loader_writes_it(
    conn: psycopg.Connection[Any], platform: str
) -> None:
    """What import compares a replayed line with (jsonl_import.observed) is what
    the loader stored, key and fields; the dump's arguments for the stored
    observation read back the same (Slack's display_name is real_name or name)."""
    p = platforms.BY_NAME[platform]
    args = CALLS[platform]
    value, _ = getattr(loaders, p.single)(**args, conn=conn)
    cur = conn.execute(
        f"select p.natural_key as key, o.* from cppa_raw.{p.table} as o"
        " join cppa_raw.profiles as p using (base_profile_id)"
        " where o.base_profile_id = %s order by o.observation_id desc limit 1",
        (value.id,),
    )
    row = cur.fetchone()
    assert row is not None and cur.description is not None
    stored = dict(zip([c.name for c in cur.description], row, strict=True))
    seen = jsonl_import.observed(p.single, args)
    assert seen is not None
    assert seen["natural_key"] == stored["key"]
    assert {f: seen[f] for f in p.field_names} == {f: stored[f] for f in p.field_names}
    again = importlib.import_module(p.module).arguments(stored["key"], stored)
    replayed = jsonl_import.observed(p.single, again)
    assert replayed is not None
    assert {k: v for k, v in replayed.items() if k != "identity_id"} == {
        k: v for k, v in seen.items() if k != "identity_id"
    }

"""Run kinds: a run builds when anything a build reads changed since the last
published run (any raw table, the project's files, the name policy, the raw
schema's version) and otherwise logs an `unchanged` run that invokes no dbt and
writes nothing to the marts; a build is `incremental` when the inputs are those
of the last published run, `full` otherwise; `run --full` always builds fully."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from typer.testing import CliRunner

import loaders as L
from loaders import db as dbmod
from loaders.cli import app
from loaders.ops import runs as runs_module
from loaders.ops.catalog import NAME_POLICY_KEY, put_setting
from loaders.ops.dbt_runner import DbtResult
from loaders.ops.project import PROJECT_ENV, project_checksum, project_dir, raw_tables
from loaders.ops.runs import run

# One append per raw table, each touching that table alone: an observation that
# renames, a removal, a revoke-like event, a decision. Every table dbt reads has
# one; each can be made again (the cases share one database).
APPENDS = {
    "profiles": "insert into cppa_raw.profiles (platform, natural_key)"
    " values ('mailing_list', 'fresh ' || clock_timestamp())",
    "unknown_github_authors": "insert into cppa_raw.unknown_github_authors (author_name)"
    " values ('Fresh Author ' || clock_timestamp())",
    "github_accounts": "insert into cppa_raw.github_accounts"
    " (base_profile_id, github_account_id, username, display_name)"
    " select base_profile_id, github_account_id, 'octojane2', 'Jane Q. Doe'"
    " from cppa_raw.github_accounts limit 1",
    "slack_users": "insert into cppa_raw.slack_users (base_profile_id, slack_user_id, display_name)"
    " select base_profile_id, slack_user_id, 'Renamed' from cppa_raw.slack_users limit 1",
    "discord_profiles": "insert into cppa_raw.discord_profiles"
    " (base_profile_id, discord_user_id, display_name)"
    " select base_profile_id, discord_user_id, 'Renamed' from cppa_raw.discord_profiles limit 1",
    "mailing_list_profiles": "insert into cppa_raw.mailing_list_profiles"
    " (base_profile_id, display_name)"
    " select base_profile_id, 'Renamed' from cppa_raw.mailing_list_profiles limit 1",
    "wg21_paper_author_profiles": "insert into cppa_raw.wg21_paper_author_profiles"
    " (base_profile_id, display_name)"
    " select base_profile_id, 'Renamed' from cppa_raw.wg21_paper_author_profiles limit 1",
    "youtube_speakers": "insert into cppa_raw.youtube_speakers"
    " (base_profile_id, external_id, display_name)"
    " select base_profile_id, external_id, 'Renamed' from cppa_raw.youtube_speakers limit 1",
    "emails": "insert into cppa_raw.emails (email_id, base_profile_id, action)"
    " select email_id, base_profile_id, 'remove' from cppa_raw.emails limit 1",
    "identities": "insert into cppa_raw.identities (identity_id, action, display_name)"
    " select identity_id, 'update', 'Renamed' from cppa_raw.identities limit 1",
    "tmp_identities": "insert into cppa_raw.tmp_identities (display_name, description)"
    " values ('Fresh', '')",
    "temp_profile_identity_relation_keys": "insert into"
    " cppa_raw.temp_profile_identity_relation_keys (base_profile_id, tmp_identity_id)"
    " select p.base_profile_id, k.tmp_identity_id"
    " from cppa_raw.profiles as p, cppa_raw.temp_profile_identity_relation_keys as k"
    " where not exists (select from cppa_raw.temp_profile_identity_relation_keys as done"
    " where done.base_profile_id = p.base_profile_id"
    " and done.tmp_identity_id = k.tmp_identity_id) limit 1",
    "temp_profile_identity_relations": "insert into cppa_raw.temp_profile_identity_relations"
    " (relation_id, action)"
    " select relation_id, 'remove' from cppa_raw.temp_profile_identity_relation_keys limit 1",
    "removals": "insert into cppa_raw.removals (node_id, kind)"
    " select base_profile_id, 'profile' from cppa_raw.profiles order by 1 desc limit 1",
    "manual_decisions": "insert into cppa_raw.manual_decisions (action, node_a, reason)"
    " select 'lock', base_profile_id, 'a test' from cppa_raw.profiles order by 1 limit 1",
}


def test_every_raw_table_dbt_reads_has_an_append_case() -> None:
    assert set(APPENDS) == set(raw_tables())


def _load_one_of_each() -> None:
    gh, _ = L.get_or_create_github_account(583231, "octojane", "Jane Doe")
    L.add_email(gh, "jane@example.org", is_primary=True)
    L.get_or_create_slack_user({"id": "U1", "name": "jane", "real_name": "Jane Doe"})
    L.get_or_create_discord_profile(77, "jane", "Jane Doe")
    L.get_or_create_mailing_list_profile("Jane Doe", "jane@example.org")
    L.get_or_create_wg21_paper_author_profile("Jane Doe", "jane@example.org")
    L.get_or_create_youtube_speaker("yt-1", "Jane Doe")
    L.create_identity("Jane Doe")
    tmp = L.create_tmp_identity("Jane (tmp)")
    L.add_temp_profile_identity_relation(gh, tmp)


def _no_dbt(*_: Any, **__: Any) -> DbtResult:
    """What a run calls instead of dbt here: a failed build, at once. A run that
    reaches it is a run that builds."""
    return DbtResult(False, "build", [], "dbt stubbed by the test")


def _publish_now(conn: psycopg.Connection[Any]) -> None:
    """Log a published run at the current snapshot with the last one's inputs,
    as a build of every row committed so far would: the next append is then the
    only change."""
    conn.execute(
        "insert into cppa_ops.runs (finished_at, watermark, outcome, kind, inputs)"
        " select clock_timestamp(), pg_current_snapshot(), 'success', 'full', inputs"
        " from cppa_ops.runs where outcome = 'success' order by run_id desc limit 1"
    )


@contextmanager
def _from_unchanged(
    built: dbmod.Database, monkeypatch: pytest.MonkeyPatch
) -> Iterator[psycopg.Connection[Any]]:
    """A connection to `built` once every row so far is published and dbt is
    stubbed: a run is unchanged until the block changes something."""
    monkeypatch.setattr(runs_module, "run_dbt", _no_dbt)
    with psycopg.connect(built.conninfo, autocommit=True) as conn:
        _publish_now(conn)
        quiet = run(built)
        assert (quiet.kind, quiet.outcome) == ("unchanged", "noop")
        yield conn


@pytest.fixture(scope="module")
def built(module_database: dbmod.Database) -> Iterator[dbmod.Database]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(dbmod.DSN_ENV, module_database.conninfo)
        dbmod.close_pool()
        _load_one_of_each()
        first = run(module_database, full=True)
        assert first.outcome == "success" and first.kind == "full", first.failures or first.error
        yield module_database
        dbmod.close_pool()


@pytest.mark.parametrize("in_flight", [False, True], ids=["after", "in_flight"])
@pytest.mark.parametrize("table", sorted(APPENDS))
def test_a_row_in_any_raw_table_makes_the_run_build(
    built: dbmod.Database, table: str, in_flight: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row committed after the last published run, or by a transaction still
    open when that run took its snapshot (its xip list), is a change."""
    with _from_unchanged(built, monkeypatch) as conn:
        if in_flight:
            with psycopg.connect(built.conninfo) as writer:
                assert writer.execute(APPENDS[table]).rowcount == 1
                row = writer.execute("select pg_current_xact_id()::text").fetchone()
                conn.execute("select pg_current_xact_id()")  # a later one commits first
                _publish_now(conn)
                listed = conn.execute(
                    "select x::text from (select watermark from cppa_ops.runs"
                    " order by run_id desc limit 1) as w, pg_snapshot_xip(w.watermark) as x"
                ).fetchall()
                assert row in listed, "the snapshot lists the writer as in progress"
                assert run(built).kind == "unchanged"
        else:
            assert conn.execute(APPENDS[table]).rowcount == 1
        summary = run(built)
        # a build: incremental (the replay test holds it equal to a full one)
        # unless an earlier case left the work schema built from other inputs
        assert summary.kind in ("incremental", "full"), f"a new row in {table} was not seen"
        assert summary.error == "dbt stubbed by the test"
        logged = conn.execute(
            "select kind, outcome from cppa_ops.runs where run_id = %s", (summary.run_id,)
        ).fetchone()
        assert logged == (summary.kind, "failed")


@pytest.mark.parametrize("change", ["project", "name_policy", "schema_version"])
def test_a_changed_input_makes_the_run_build(
    built: dbmod.Database, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _from_unchanged(built, monkeypatch) as conn:
        if change == "project":
            monkeypatch.setattr(runs_module, "project_checksum", lambda: "another project")
        elif change == "name_policy":
            put_setting(conn, NAME_POLICY_KEY, "second_signal")
        else:
            conn.execute(
                "insert into cppa_raw.schema_version (version, name)"
                " select max(version) + 1, 'a later migration' from cppa_raw.schema_version"
            )
        assert run(built).kind == "full", f"a changed {change} was not seen"
        # undo, so that the other cases start from the published inputs again
        if change == "name_policy":
            conn.execute("delete from cppa_ops.settings where key = %s", (NAME_POLICY_KEY,))
        elif change == "schema_version":
            conn.execute(
                "delete from cppa_raw.schema_version"
                " where version = (select max(version) from cppa_raw.schema_version)"
            )


def test_project_checksum_covers_every_project_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "dbt_project"
    shutil.copytree(project_dir(), copy, ignore=shutil.ignore_patterns("target", "logs"))
    monkeypatch.setenv(PROJECT_ENV, str(copy))
    original = project_checksum()
    (copy / "target").mkdir(exist_ok=True)
    (copy / "target" / "manifest.json").write_text("{}")
    assert project_checksum() == original, "dbt's own output is not part of the project"
    files = [
        copy / "dbt_project.yml",
        next((copy / "models" / "marts").glob("*.sql")),
        next((copy / "macros").glob("*.sql")),
        next((copy / "seeds").glob("*.csv")),
        next((copy / "snapshots").glob("*")),
        next((copy / "tests").glob("*.sql")),
    ]
    for path in files:
        text = path.read_bytes()
        path.write_bytes(text + b"\n")
        assert project_checksum() != original, f"a change to {path.name} was not seen"
        path.write_bytes(text)
        assert project_checksum() == original


def test_an_unchanged_run_builds_nothing_and_full_rebuilds(
    database: dbmod.Database, conn: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    L.get_or_create_mailing_list_profile("Some One", "one@x.example")
    first = run(database)
    assert (first.kind, first.outcome) == ("full", "success"), first.failures or first.error

    def published() -> Any:
        return conn.execute(
            "select c.oid, c.relname, s.n_tup_ins + s.n_tup_upd + s.n_tup_del"
            " from pg_class as c join pg_namespace as n on n.oid = c.relnamespace"
            " left join pg_stat_user_tables as s on s.relid = c.oid"
            " where n.nspname in ('cppa_identity', 'cppa_identity_history') order by 1"
        ).fetchall()

    rows = "select id, identity_id, updated_at from cppa_identity.base_profile order by id"
    before, content = published(), conn.execute(rows).fetchall()
    with monkeypatch.context() as mp:
        mp.setattr(runs_module, "run_dbt", None)  # calling dbt now fails the test
        started = time.monotonic()
        again = run(database)
        took = time.monotonic() - started
    assert (again.kind, again.outcome) == ("unchanged", "noop")
    assert took < 1.0, f"an unchanged run took {took:.2f} s"
    assert again.counts["profiles"] == first.counts["profiles"]
    assert published() == before, "an unchanged run replaced or wrote a mart"
    assert conn.execute(rows).fetchall() == content

    rebuilt = run(database, full=True)
    assert (rebuilt.kind, rebuilt.outcome) == ("full", "success")
    assert published() != before, "run --full publishes new marts"
    assert conn.execute(rows).fetchall() == content

    L.get_or_create_mailing_list_profile("Some Two", "two@x.example")
    grown = run(database)
    assert (grown.kind, grown.outcome) == ("incremental", "success")
    assert grown.counts["profiles"] == first.counts["profiles"] + 1

    listed = CliRunner().invoke(app, ["runs", "--json"])
    assert listed.exit_code == 0, listed.output
    kinds = [(r["kind"], r["outcome"]) for r in json.loads(listed.stdout)]
    assert kinds == [
        ("incremental", "success"),
        ("full", "success"),
        ("unchanged", "noop"),
        ("full", "success"),
    ]
    text = CliRunner().invoke(app, ["runs"]).stdout
    assert " unchanged " in text and " full " in text and " incremental " in text

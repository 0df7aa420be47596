"""An incremental run equals `run --full` (issue 31): one database loads the
sample and then batches of changes, with a `run` after each (incremental); a
second gets the same loader calls and runs `run --full` after each. After every
batch every mart, the history and each memoised model's table are compared row
for row. With any one memoised model made to skip its update, the same replay
must find a difference in the marts."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

import loaders as L
from benchmarks.marts_digest import SCHEMAS, table_rows
from loaders import db as dbmod
from loaders.ops import runs as runs_module
from loaders.ops import sample
from loaders.ops.project import project_dir
from loaders.ops.runs import run
from loaders.ops.schemas import WORK

Plan = dict[str, Any]
Conn = psycopg.Connection[Any]

HUB = 20  # dbt var hub_threshold: an address more profiles share is no evidence


def memoised_models() -> list[str]:
    """Every model the work schema keeps from run to run (incremental in dbt)."""
    models = Path(project_dir()) / "models"
    return sorted(
        p.stem for p in models.rglob("*.sql") if "materialized='incremental'" in p.read_text()
    )


def _rows(conn: Conn) -> list[Any]:
    return conn.execute(
        "select identity_id, array_agg(id order by id), min(display_name)"
        " from cppa_identity.identity_profile group by 1 order by 1"
    ).fetchall()


def plan_1(conn: Conn) -> Plan:
    """New profiles, a rename, a removed address (one two profiles shared)."""
    shared = conn.execute(
        "select min(id) from cppa_identity.email group by lower(email)"
        " having count(distinct base_profile_id) = 2 order by 1 limit 1"
    ).fetchone()
    account = conn.execute(
        "select github_account_id, username from cppa_identity.github_account"
        " where github_account_id > 0 order by 1 limit 1"
    ).fetchone()
    assert shared and account
    return {"removed_email": shared[0], "renamed": tuple(account)}


def batch_1(conn: Conn, plan: Plan) -> None:
    new, _ = L.get_or_create_github_account(
        900001, username="zang", display_name="Zoë Ångström", conn=conn
    )
    L.add_email(new, "zoe.ang@example.org", conn=conn)
    L.get_or_create_mailing_list_profile("Zoe Angstrom", "zoe.ang@example.org", conn=conn)
    L.get_or_create_slack_user(
        {"id": "UREPLAY1", "name": "zang", "real_name": "Zoë Ångström"}, conn=conn
    )
    account_id, username = plan["renamed"]
    L.get_or_create_github_account(
        account_id, username=username, display_name="Renamed Replay", conn=conn
    )
    L.remove_email(plan["removed_email"], conn=conn)


def plan_2(conn: Conn) -> Plan:
    """Decisions: a "same" of two strangers, a "different" inside an identity,
    a lock; a tmp identity two profiles share; an address on `HUB` profiles."""
    rows = _rows(conn)
    singles = [r[1][0] for r in rows if len(r[1]) == 1]
    groups = [r for r in rows if len(r[1]) >= 2]
    assert len(singles) >= 4 and len(groups) >= 2
    return {
        "same": singles[:2],
        "tmp": singles[2:4],
        "different": groups[0][1][:2],
        "lock": (groups[1][0], groups[1][1]),
    }


def batch_2(conn: Conn, plan: Plan) -> None:
    a, b = plan["same"]
    L.record_decision("same", a, b, reason="replay", decided_by="replay", conn=conn)
    a, b = plan["different"]
    L.record_decision("different", a, b, reason="replay", decided_by="replay", conn=conn)
    identity, members = plan["lock"]
    L.record_decision(
        "lock", identity, members=list(members), reason="replay", decided_by="replay", conn=conn
    )
    tmp = L.create_tmp_identity("Replay Tmp", conn=conn)
    for profile in plan["tmp"]:
        L.add_temp_profile_identity_relation(profile, tmp, conn=conn)
    for k in range(HUB):
        L.get_or_create_mailing_list_profile(f"Hub Poster {k}", "hub@replay.org", conn=conn)


def plan_3(conn: Conn) -> Plan:
    """Revokes (the "same"), an unlock, the tmp link removed, the shared address
    crossing the hub threshold, a name becoming common."""
    same = conn.execute(
        "select decision_id from cppa_raw.manual_decisions where action = 'same'"
        " and reason = 'replay' order by 1 desc limit 1"
    ).fetchone()
    lock = conn.execute(
        "select node_a from cppa_raw.manual_decisions where action = 'lock'"
        " and reason = 'replay' order by decision_id desc limit 1"
    ).fetchone()
    tmp = conn.execute(
        "select base_profile_id, tmp_identity_id from cppa_raw.temp_profile_identity_relation_keys"
        " order by 1 limit 1"
    ).fetchone()
    name = conn.execute(
        "select display_name from cppa_identity.identity_profile where display_name <> ''"
        " group by 1 having count(*) >= 2 order by count(*) desc, 1 limit 1"
    ).fetchone()
    assert same and lock and tmp and name
    return {"revoke": same[0], "unlock": lock[0], "tmp": tuple(tmp), "name": name[0]}


def batch_3(conn: Conn, plan: Plan) -> None:
    L.record_decision("revoke", revokes=plan["revoke"], decided_by="replay", conn=conn)
    L.record_decision("unlock", plan["unlock"], decided_by="replay", conn=conn)
    L.remove_temp_profile_identity_relation(*plan["tmp"], conn=conn)
    L.get_or_create_mailing_list_profile(f"Hub Poster {HUB}", "hub@replay.org", conn=conn)
    for k in range(8):
        L.get_or_create_github_account(
            910000 + k, username=f"namesake{k}", display_name=plan["name"], conn=conn
        )


Step = tuple[Callable[[Conn], Plan], Callable[[Conn, Plan], None]]
# Two batches, a run after each (each run is a whole dbt build: the test's cost)
BATCHES: list[list[Step]] = [[(plan_1, batch_1), (plan_2, batch_2)], [(plan_3, batch_3)]]


def compared(conn: Conn) -> dict[str, list[str]]:
    """Every mart and history table, and each memoised model's table."""
    found = table_rows(conn, (*SCHEMAS, WORK))
    memos = {f"{WORK}.{m}" for m in memoised_models()}
    return {t: rows for t, rows in found.items() if not t.startswith(f"{WORK}.") or t in memos}


def differences(got: dict[str, list[str]], expected: dict[str, list[str]]) -> dict[str, Any]:
    """Per table that differs: a few rows only one side holds."""
    found = {}
    for table in sorted(set(got) | set(expected)):
        mine, theirs = set(got.get(table, ())), set(expected.get(table, ()))
        if table not in got or table not in expected or mine != theirs:
            found[table] = {
                "incremental only": sorted(mine - theirs)[:3],
                "full only": sorted(theirs - mine)[:3],
            }
    return found


@dataclass
class Replay:
    admin: str
    full: dbmod.Database
    start: str  # a template: the incremental database before the first batch
    plans: list[list[Plan]] = field(default_factory=list)
    expected: list[dict[str, list[str]]] = field(default_factory=list)
    found: list[dict[str, Any]] = field(default_factory=list)
    kinds: list[tuple[str, str]] = field(default_factory=list)


def _create(admin: str, name: str, template: str | None = None) -> dbmod.Database:
    with psycopg.connect(admin, autocommit=True) as conn:
        if template:
            conn.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s",
                (template,),
            )
        conn.execute(
            sql.SQL("create database {} template {}").format(
                sql.Identifier(name), sql.Identifier(template or "template0")
            )
        )
    return dbmod.Database("dsn", make_conninfo(admin, dbname=name))


def _drop(admin: str, names: list[str]) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )


def replay_batches(
    database: dbmod.Database, replay: Replay, check: Callable[[str, dict[str, Any]], bool]
) -> None:
    """Apply each batch's loader calls to `database` and run; `check` is given
    the run's kind and its differences from the full build after the same batch,
    and says whether to go on."""
    for number, steps in enumerate(BATCHES):
        with psycopg.connect(database.conninfo, autocommit=True) as conn:
            for (_, batch), plan in zip(steps, replay.plans[number], strict=True):
                batch(conn, plan)
        summary = run(database)
        assert summary.outcome == "success", summary.failures or summary.error
        with psycopg.connect(database.conninfo) as conn:
            if not check(summary.kind, differences(compared(conn), replay.expected[number])):
                return


@pytest.fixture(scope="module")
def replay(admin_conninfo: str, template_db: str) -> Iterator[Replay]:
    prefix = f"cppa_test_{os.getpid()}_replay"
    names = [f"{prefix}_full", f"{prefix}_start", f"{prefix}_inc"]
    try:
        full = _create(admin_conninfo, names[0], template_db)
        with psycopg.connect(full.conninfo, autocommit=True) as conn:
            sample.load(sample.generate(40, seed=7), conn=conn)
        summary = run(full, full=True)
        assert summary.outcome == "success", summary.failures or summary.error
        found = Replay(admin_conninfo, full, names[1])
        _create(admin_conninfo, found.start, names[0])
        for steps in BATCHES:
            found.plans.append([])
            with psycopg.connect(full.conninfo, autocommit=True) as conn:
                for plan, batch in steps:
                    found.plans[-1].append(plan(conn))
                    batch(conn, found.plans[-1][-1])
            summary = run(full, full=True)
            assert summary.outcome == "success", summary.failures or summary.error
            found.kinds.append((summary.kind, "full"))
            with psycopg.connect(full.conninfo) as conn:
                found.expected.append(compared(conn))
        incremental = _create(admin_conninfo, names[2], found.start)

        def keep(kind: str, diff: dict[str, Any]) -> bool:
            found.kinds.append((kind, "incremental"))
            found.found.append(diff)
            return True

        replay_batches(incremental, found, keep)
        yield found
    finally:
        dbmod.close_pool()
        _drop(admin_conninfo, names)


def test_every_incremental_run_equals_a_full_build(replay: Replay) -> None:
    assert [got for got, _ in replay.kinds] == [want for _, want in replay.kinds]
    assert len(replay.found) == len(BATCHES)
    for number, diff in enumerate(replay.found, start=1):
        assert diff == {}, f"batch {number}: {diff}"
    # the batches did what they say: the "different" cut an identity, the
    # shared address became a hub in the second batch, the lock came and went
    first, second = replay.expected
    assert first["cppa_identity.identity_conflict"]
    hubs = [
        [r for r in found["cppa_identity.evidence_hub"] if "hub@replay.org" in r]
        for found in replay.expected
    ]
    assert hubs[0] == [] and hubs[1] != []
    assert first != second


def test_the_memoised_models_are_known() -> None:
    assert memoised_models() == ["int_names_scored", "int_search_values_folded"]


@pytest.mark.parametrize("model", memoised_models())
def test_a_memoised_model_that_skips_its_update_is_caught(
    replay: Replay, model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def sabotaged(*args: Any, **kwargs: Any) -> Any:
        variables = dict(args[2]) | {"skip_update": [model]}
        return real(args[0], args[1], variables, *args[3:], **kwargs)

    real = runs_module.run_dbt
    monkeypatch.setattr(runs_module, "run_dbt", sabotaged)
    name = f"cppa_test_{os.getpid()}_replay_{model}"
    caught: list[str] = []

    def check(_: str, diff: dict[str, Any]) -> bool:
        caught.extend(t for t in diff if not t.startswith(f"{WORK}."))
        return not caught

    try:
        replay_batches(_create(replay.admin, name, replay.start), replay, check)
    finally:
        dbmod.close_pool()
        _drop(replay.admin, [name])
    assert caught, f"with {model} skipping its update every mart still equalled the full build"

"""Least privilege in the deployment people have (issue 30): each job under a
login of its own, as the README's Production section sets them up. A run
executes only with the transformer's rights, publish takes over nothing another
role attached to, decisions are checked by the database, and every operation
works (or is refused, naming the role to ask for) under each login.

One database for the module, its roles made once; only the Ctrl-C test starts
dbt, and it stops it at its first node."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from typer.testing import CliRunner

import loaders as L
from loaders import db as dbmod
from loaders.cli import app
from loaders.errors import ConfigError, PermissionDenied, RunFailed
from loaders.ops import publish, roles, runs
from loaders.ops.runs import RunStep, run

JOB_OF = {
    "collector": "loader",
    "scheduler": "transformer",
    "reviewer": "reviewer",
    "reviewer2": "reviewer",
    "reader": "reader",
}


class Deployment:
    """The module's database: its roles, a login per job (named after the
    database, so that the clean-up drops them) and the owner's connection."""

    def __init__(self, database: dbmod.Database, owner: psycopg.Connection[Any]) -> None:
        self.database, self.owner = database, owner
        self.dbname = str(conninfo_to_dict(database.conninfo)["dbname"])
        self.owner_login = str(owner.execute("select session_user").fetchone()[0])
        self.roles = roles.apply_grants(owner)
        self.logins: dict[str, str] = {}
        for name, job in JOB_OF.items():
            login = self.logins[name] = f"cppa_{self.dbname}_as_{name}"
            owner.execute(
                sql.SQL("create role {} login in role {}").format(
                    sql.Identifier(login), sql.Identifier(self.roles[job])
                )
            )

    def dsn(self, name: str) -> str:
        if name == "owner":
            return self.database.conninfo
        return make_conninfo(self.database.conninfo, user=self.logins[name])

    def connect(self, name: str) -> psycopg.Connection[Any]:
        return psycopg.connect(self.dsn(name), autocommit=True)

    def cli(self, name: str, *args: str) -> Any:
        os.environ[dbmod.DSN_ENV] = self.dsn(name)
        dbmod.close_pool()
        try:
            return CliRunner().invoke(app, list(args))
        finally:
            dbmod.close_pool()


@pytest.fixture(scope="module")
def site(module_database: dbmod.Database) -> Iterator[Deployment]:
    with psycopg.connect(module_database.conninfo, autocommit=True) as owner:
        yield Deployment(module_database, owner)


@pytest.fixture
def as_login(site: Deployment, monkeypatch: pytest.MonkeyPatch) -> Deployment:
    """The site, with CPPA_IDENTITY_DSN restored after the test."""
    monkeypatch.setenv(dbmod.DSN_ENV, site.database.conninfo)
    return site


@pytest.fixture(scope="module")
def nodes(site: Deployment) -> list[int]:
    with site.connect("collector") as loader:
        return [
            L.get_or_create_github_account(7000 + i, f"user{i}", conn=loader)[0].id
            for i in range(3)
        ]


def _publish_by_hand(site: Deployment, make: list[str]) -> None:
    """What a transformer login can build in the next marts schema before a run
    publishes (the statements in `make`), then the owner's publish function, as
    the transformer login calls it at the end of a run."""
    with site.connect("scheduler") as t:
        t.execute("select cppa_ops.run_schema('cppa_identity__next', true)")
        t.execute(sql.SQL("set role {}").format(sql.Identifier(site.roles["transformer"])))
        for statement in make:
            t.execute(statement)
        t.execute("select cppa_ops.publish_marts(0)")


# --- point 1: a run executes only with the transformer's rights -----------------------


def test_a_privileged_login_does_not_run_what_a_transformer_planted(
    as_login: Deployment, nodes: list[int]
) -> None:
    """The attack of issue 30: while the owner's run builds, a transformer login
    puts a row-security policy on each new work table whose function leaves the
    run's role (`set role none`) and grants the transformer login the reviewer
    role. The owner's run is refused before it builds anything (naming the login
    to run as), so the planted function never runs with the owner's rights."""
    site = as_login
    scheduler, reviewer = site.logins["scheduler"], site.roles["reviewer"]
    planted = site.connect("scheduler")
    planted.execute("set lock_timeout = '2s'")

    def plant(step: RunStep) -> None:
        if step.stage != "node":
            return
        planted.execute(
            sql.SQL(
                "create or replace function cppa_identity_work.grab() returns boolean"
                " language plpgsql as $$ begin if session_user <> {me} then"
                " set role none; execute format('grant %I to %I', {reviewer}, {me});"
                " end if; return true; end $$"
            ).format(me=sql.Literal(scheduler), reviewer=sql.Literal(reviewer))
        )
        tables = planted.execute(
            "select c.oid::regclass::text from pg_class as c"
            " where c.relnamespace = 'cppa_identity_work'::regnamespace and c.relkind = 'r'"
            " and not c.relforcerowsecurity"
        ).fetchall()
        for (table,) in tables:
            try:
                for statement in (
                    "alter table {} enable row level security",
                    "alter table {} force row level security",
                    "create policy grab on {} using (cppa_identity_work.grab())",
                ):
                    planted.execute(sql.SQL(statement).format(sql.SQL(table)))
            except psycopg.Error:
                continue  # a table dbt is replacing: the next node gets it

    refused: Exception | None = None
    try:
        run(dbmod.Database("dsn", site.dsn("owner")), full=True, progress=plant)
    except PermissionDenied as exc:
        refused = exc
    finally:
        planted.close()
    escalated = site.owner.execute(
        "select pg_has_role(%s, %s, 'MEMBER')", (scheduler, reviewer)
    ).fetchone()
    assert escalated == (False,)
    assert scheduler in str(refused) and "superuser" in str(refused)
    assert site.owner.execute("select count(*) from cppa_ops.runs").fetchone() == (0,)


def test_who_may_run_is_told_which_login_or_role_to_use(as_login: Deployment) -> None:
    """The owner's `run` names the transformer login to use; a reviewer's names
    the role to ask for; a login holding the transformer role and the reviewer's
    is refused like the owner (exit 4, nothing logged)."""
    site = as_login
    owner = site.cli("owner", "run")
    assert owner.exit_code == 4, owner.output
    assert f"run it as {site.logins['scheduler']}" in owner.output
    reviewer = site.cli("reviewer", "run")
    assert reviewer.exit_code == 4, reviewer.output
    assert f"grant {site.roles['transformer']} to {site.logins['reviewer']}" in reviewer.output
    both = f"cppa_{site.dbname}_as_both"
    site.owner.execute(
        sql.SQL("create role {} login in role {}, {}").format(
            sql.Identifier(both),
            sql.Identifier(site.roles["transformer"]),
            sql.Identifier(site.roles["reviewer"]),
        )
    )
    site.logins["both"] = both
    try:
        mixed = site.cli("both", "run")
        assert mixed.exit_code == 4, mixed.output
        assert f"a member of {site.roles['reviewer']}" in mixed.output
    finally:
        site.owner.execute(sql.SQL("drop role {}").format(sql.Identifier(both)))
        del site.logins["both"]
    assert site.owner.execute("select count(*) from cppa_ops.runs").fetchone() == (0,)


# --- point 4: publish takes over nothing another role attached ------------------------

IDENTITY = "create table cppa_identity__next.identity (id bigint, display_name text)"


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (
            [
                IDENTITY,
                "create table cppa_identity_work.forged () inherits (cppa_identity__next.identity)",
            ],
            "inherits",
        ),
        (
            [
                "create table cppa_identity_work.parent (id bigint, display_name text)",
                f"{IDENTITY} inherits (cppa_identity_work.parent)",
            ],
            "inherits",
        ),
        (
            [
                "create table cppa_identity__next.identity (id bigint, display_name text)"
                " partition by list (id)",
                "create table cppa_identity_work.forged partition of cppa_identity__next.identity"
                " for values in (1)",
            ],
            "partitioned table",
        ),
        (
            [
                "create table cppa_identity__next.identity (id bigint primary key,"
                " display_name text)",
                "create table cppa_identity_work.pinned (id bigint references"
                " cppa_identity__next.identity)",
            ],
            "foreign key",
        ),
        (
            [IDENTITY, "create policy later on cppa_identity__next.identity using (true)"],
            "policy",
        ),
    ],
    ids=["child", "parent", "partition", "foreign-key", "policy"],
)
def test_publish_refuses_what_another_role_attached(
    as_login: Deployment, make: list[str], named: str
) -> None:
    """A child table the transformer owns (`inherits (cppa_identity__next.identity)`)
    would feed rows into the published mart after publish (`FORGED AFTER
    PUBLISH`): the owner's publish function refuses it, and partitions, a parent
    elsewhere, foreign keys and policies, naming them; nothing is published."""
    site = as_login
    try:
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
            _publish_by_hand(site, make)
        assert named in str(refused.value) and "not published" in str(refused.value)
        assert site.owner.execute("select to_regnamespace('cppa_identity')").fetchone() == (None,)
    finally:
        for table in ("forged", "parent", "pinned"):
            site.owner.execute(f"drop table if exists cppa_identity_work.{table} cascade")
        for schema in ("cppa_identity__next", "cppa_identity", "cppa_identity__old_0"):
            site.owner.execute(f"drop schema if exists {schema} cascade")


# --- point 3: decisions valid in the database -----------------------------------------


def test_the_database_refuses_decisions_the_cli_refuses(
    as_login: Deployment, nodes: list[int]
) -> None:
    """A self-pair or a lock with a NULL member fails every run's data tests: the
    table refuses them whoever writes, the owner included; a reviewer writes
    only through the owner's function, which refuses unknown ids, a revoke of
    nothing and another login's batch, and records the login itself."""
    site = as_login
    a, b, c = nodes
    bad = [
        f"insert into cppa_raw.manual_decisions (action, node_a, node_b) values ('different', {a}, {a})",
        f"insert into cppa_raw.manual_decisions (action, node_a, members) values ('lock', {a}, array[{a}, null])",
        f"insert into cppa_raw.manual_decisions (action, node_a) values ('same', {a})",
        "insert into cppa_raw.manual_decisions (action) values ('revoke')",
    ]
    for statement in bad:
        with pytest.raises(psycopg.errors.CheckViolation):
            site.owner.execute(statement)
    validated = "select convalidated from pg_constraint where conname = 'manual_decisions_shape'"
    assert site.owner.execute(validated).fetchone() == (True,)  # no older row broke it
    with site.connect("reviewer") as reviewer:
        for statement in bad[:1]:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reviewer.execute(statement)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reviewer.execute(
                "insert into cppa_raw.manual_decisions (action, node_a, node_b, batch_id, source,"
                " decided_by) values ('same', %s, %s, 1, 'cli', 'someone else')",
                (a, b),
            )
        call = "select * from cppa_ops.record_decision(%s, %s, %s, %s, %s, '', 'Ann', 'cli', %s)"
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            reviewer.execute(call, ("same", a, 999_999_999, None, None, None))
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            reviewer.execute(call, ("revoke", None, None, None, 999_999_999, None))
        # the collectors' API, as the reference and Django callers use it
        batch = L.decisions.new_batch(reviewer)
        first = L.record_decision("same", a, b, reason="checked", batch=batch, conn=reviewer)
        assert first.login == site.logins["reviewer"]
    with site.connect("reviewer2") as other:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="batch"):
            other.execute(call, ("different", a, c, None, None, batch))
        # another reviewer may undo the batch: its revokes form a batch of its own
        undone = L.decisions.revoke_batch(batch, reason="wrong", conn=other)
    assert [d.login for d in undone] == [site.logins["reviewer2"]]
    rows = site.owner.execute(
        "select action, decided_by_login from cppa_raw.manual_decisions order by decision_id"
    ).fetchall()
    assert rows == [("same", site.logins["reviewer"]), ("revoke", site.logins["reviewer2"])]


# --- point 6: operations under each login ---------------------------------------------


def test_doctor_works_for_every_login(as_login: Deployment) -> None:
    """Once marts are published (here: an empty identity table, published by the
    owner's function), `doctor` works under each login, the collector's too,
    and says which jobs it can do; the owner is told to run as the scheduler."""
    site = as_login
    _publish_by_hand(site, [IDENTITY])
    try:
        for name in ("collector", "scheduler", "reviewer", "reader", "owner"):
            result = site.cli(name, "doctor", "--json")
            assert result.exit_code == 0, (name, result.output)
            checks = {c["name"]: c for c in json.loads(result.stdout)}
            assert all(c["ok"] for c in checks.values()), (name, checks)
            can = {j for j in roles.JOBS if checks[f"job {j}"]["can"]}
            if name in JOB_OF:
                assert JOB_OF[name] in can, (name, can)
        assert "transformer" not in can and site.logins["scheduler"] in str(checks)
    finally:
        site.owner.execute("drop schema cppa_identity cascade")


def test_refusals_name_the_role_to_ask_for(as_login: Deployment) -> None:
    """`status` and `show` under a collector's login say which role to ask for,
    as `merge` does (exit 4)."""
    site = as_login
    for args in (["status"], ["show", "x"]):
        result = site.cli("collector", *args)
        assert result.exit_code == 4, result.output
        assert f"grant {site.roles['reader']} to {site.logins['collector']}" in result.output


def test_a_missing_database_is_not_worth_a_retry(as_login: Deployment) -> None:
    """A command and a collector's first call, on a database that does not
    exist: a configuration error (exit 2), at once, never "retry"."""
    site = as_login
    os.environ[dbmod.DSN_ENV] = make_conninfo(site.database.conninfo, dbname="cppa_no_such_db")
    dbmod.close_pool()
    result = CliRunner().invoke(app, ["status"])
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.output and "retry (" not in result.output
    started = time.monotonic()
    with pytest.raises(ConfigError) as refused:
        L.get_or_create_github_account(1, "octo")
    assert not getattr(refused.value, "retryable", False) and "retry (" not in str(refused.value)
    assert time.monotonic() - started < 5
    dbmod.close_pool()


def test_ctrl_c_cancels_a_run_under_a_transformer_login(
    as_login: Deployment, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """Ctrl-C (SIGINT) once dbt has built its first node: exit 130, the run logged
    `cancelled`, nothing published, and no backend of the run left behind. dbt's
    own cancel (pg_terminate_backend as the run's role) is refused a login's
    backend; the run cancels each query through its own connection instead."""
    site = as_login
    real_run_dbt = runs.run_dbt

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        on_node = kwargs["on_node"]
        sent = []

        def first_node(name: str, status: str, total: int) -> None:
            if not sent:
                sent.append(name)
                os.kill(os.getpid(), signal.SIGINT)
            on_node(name, status, total)

        return real_run_dbt(*args, **(kwargs | {"on_node": first_node}))

    monkeypatch.setattr(runs, "run_dbt", interrupted)
    # as a terminal would: SIGINT heard, whatever this process inherited
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    request.addfinalizer(lambda: signal.signal(signal.SIGINT, previous))
    result = site.cli("scheduler", "run", "--full")
    assert result.exit_code == 130, result.output
    outcome = site.owner.execute(
        "select outcome, run_by from cppa_ops.runs order by run_id desc limit 1"
    ).fetchone()
    assert outcome == ("cancelled", site.logins["scheduler"])
    assert site.owner.execute("select to_regnamespace('cppa_identity')").fetchone() == (None,)
    for _ in range(50):  # a cancelled query's backend may take a moment to say so
        left = site.owner.execute(
            "select count(*) from pg_stat_activity where usename = %s and state = 'active'",
            (site.logins["scheduler"],),
        ).fetchone()
        if left == (0,):
            break
        time.sleep(0.1)
    assert left == (0,)


# --- trials by hand, as deployed (the roles worktree) ----------------------------------


def test_only_the_loader_appends_relations_through_the_owners_function(
    as_login: Deployment, nodes: list[int]
) -> None:
    """cppa_raw.set_temp_profile_identity_relation runs with its owner's rights
    (it locks a key row) and, as every function, was PUBLIC's to execute: a
    reader's, a reviewer's or a scheduler's login appended a profile-to-identity
    relation through it (the merge's deterministic evidence), though none of
    them may write raw rows. Only the loader's logins may call it."""
    site = as_login
    a, b, _ = nodes
    with site.connect("collector") as loader:
        tmp = L.create_tmp_identity(display_name="Relation trial", conn=loader)
    count = "select count(*) from cppa_raw.temp_profile_identity_relations"
    before = site.owner.execute(count).fetchone()
    call = "select * from cppa_raw.set_temp_profile_identity_relation(%s, %s, true, 'forged')"
    for name in ("reader", "reviewer", "scheduler"):
        with site.connect(name) as other, pytest.raises(psycopg.errors.InsufficientPrivilege):
            other.execute(call, (a, tmp.id))
    assert site.owner.execute(count).fetchone() == before
    with site.connect("collector") as loader:
        relation = L.add_temp_profile_identity_relation(b, tmp.id, conn=loader)
    assert relation is not None
    assert site.owner.execute(count).fetchone() == (before[0] + 1,)


def test_publish_refuses_a_table_another_transformer_login_made(as_login: Deployment) -> None:
    """While one scheduler's run builds, another transformer login creates a
    plain table in the next marts schema (it owns that schema: the role's).
    The owner's function took plain tables over and published it into
    cppa_identity, the owner's; every later run then stopped ("cppa_identity
    holds cppa_identity.zz_planted (table), which cppa-identity does not
    build"). The publish now refuses it: nothing published, marts as they were."""
    site = as_login
    published = "select to_regnamespace('cppa_identity')::oid"
    before = site.owner.execute(published).fetchone()
    with site.connect("scheduler") as t:
        t.execute("select cppa_ops.run_schema('cppa_identity__next', true)")
        t.execute(sql.SQL("set role {}").format(sql.Identifier(site.roles["transformer"])))
        t.execute("create table cppa_identity__next.identity (identity_id bigint)")
    with site.connect("scheduler") as other:
        other.execute(sql.SQL("set role {}").format(sql.Identifier(site.roles["transformer"])))
        other.execute("create table cppa_identity__next.zz_planted (a int)")
    try:
        with site.connect("scheduler") as t:
            t.execute(sql.SQL("set role {}").format(sql.Identifier(site.roles["transformer"])))
            with pytest.raises(RunFailed, match="zz_planted"):
                publish.publish(t, 0, {})
        assert site.owner.execute(published).fetchone() == before
        assert site.owner.execute("select to_regclass('cppa_identity.zz_planted')").fetchone() == (
            None,
        )
    finally:
        site.owner.execute("drop schema if exists cppa_identity__next cascade")
        if before == (None,):
            site.owner.execute("drop schema if exists cppa_identity cascade")


def test_grants_under_a_job_login_asks_for_no_role(as_login: Deployment) -> None:
    """`grants` under a reader's or a scheduler's login (no CREATEROLE) printed
    "Ask a superuser to run: grant <transformer> to <that login>" (the
    memberships meant for the owner): a superuser following it made a reader a
    transformer. Once `grants` ran, it is the owner's: refused, naming the
    owner, nothing changed, no statement to ask for."""
    site = as_login
    memberships = (
        "select count(*) from pg_auth_members as m join pg_roles as r on r.oid = m.member"
        " where r.rolname = any(%s)"
    )
    logins = [site.logins["reader"], site.logins["scheduler"]]
    before = site.owner.execute(memberships, (logins,)).fetchone()
    for name in ("reader", "scheduler"):
        result = site.cli(name, "grants")
        assert result.exit_code == 4, result.output
        assert site.owner_login in result.output, result.output
        assert "grant " not in result.output.replace("`cppa-identity grants`", "")
    assert site.owner.execute(memberships, (logins,)).fetchone() == before
    assert site.cli("owner", "grants", "--json").exit_code == 0


def test_a_scheduler_writes_only_the_settings_a_run_keeps(as_login: Deployment) -> None:
    """The transformer role may write cppa_ops.settings (seeds, the name policy)
    and wrote every key: a scheduler's login replaced the redaction key (the
    owner's `export --redact-emails` then hashed under a key it chose, so anyone
    told it could confirm a guessed address) and the Django tables' schema
    (every collector's Django insert then failed in django_id_floor). Now it
    writes only the keys a run keeps; every role still reads them."""
    site = as_login
    key = "select value from cppa_ops.settings where key = 'redaction_key'"
    before = site.owner.execute(key).fetchone()
    assert before is not None
    with site.connect("scheduler") as t:
        t.execute("update cppa_ops.settings set value = '0000' where key = 'redaction_key'")
        for forged in ("redaction_key", "django_schema"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                t.execute(
                    "insert into cppa_ops.settings (key, value) values (%s, 'forged')"
                    " on conflict (key) do update set value = excluded.value",
                    (forged,),
                )
    assert site.owner.execute(key).fetchone() == before
    assert site.owner.execute(
        "select count(*) from cppa_ops.settings where value in ('0000', 'forged')"
    ).fetchone() == (0,)
    result = site.cli("scheduler", "policy", "--name-join", "second_signal")
    assert result.exit_code == 0, result.output
    assert site.cli("scheduler", "policy", "--name-join", "name_alone").exit_code == 0
    with site.connect("reader") as reader:
        assert reader.execute(key).fetchone() == before


def test_a_loader_cannot_declare_an_identity_under_a_profiles_id(
    as_login: Deployment, nodes: list[int]
) -> None:
    """A loader login may append to cppa_raw.identities with an id of its choice
    (the column is granted for get_or_create_identity, which takes its ids from
    the node sequence). An event under a profile's id declares a second node
    with that id: tried by hand (the row the Django trigger appended, see
    test_django), the next run failed its data tests, and so did
    every run after it. Migration 0018 refuses it, naming the id's holder (and
    the merge leaves out what a race lets through: tests/ops/test_merge.py)."""
    site = as_login
    with psycopg.connect(site.dsn("collector")) as loader:
        try:
            with pytest.raises(psycopg.errors.UniqueViolation, match="that id is a profile's"):
                loader.execute(
                    "insert into cppa_raw.identities (identity_id, action, display_name, source)"
                    " values (%s, 'update', 'Mallory', 'forged')",
                    (nodes[0],),
                )
        finally:
            loader.rollback()


def test_a_scheduler_cannot_rewrite_the_run_log(as_login: Deployment) -> None:
    """A trial by hand: a scheduler's login turned a failed run of its own into
    a reviewer's success (`update cppa_ops.runs set run_by = …, outcome =
    'success'`) and appended a successful run under the owner's name. Now
    run_by is the server's, a finished row is history, and a run still
    running can be finished (a later run finishes one whose process died)."""
    site = as_login
    with site.connect("scheduler") as t:
        t.execute(sql.SQL("set role {}").format(sql.Identifier(site.roles["transformer"])))
        (finished,) = t.execute(
            "insert into cppa_ops.runs (outcome, finished_at, kind) values"
            " ('failed', clock_timestamp(), 'full') returning run_id"
        ).fetchone()
        (running,) = t.execute(
            "insert into cppa_ops.runs (kind) values ('full') returning run_id"
        ).fetchone()
        for forged in (
            "update cppa_ops.runs set run_by = 'someone' where run_id = %s",
            "insert into cppa_ops.runs (outcome, run_by) values ('success', 'someone')"
            " returning %s",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                t.execute(forged, (finished,))
        rewritten = t.execute(
            "update cppa_ops.runs set outcome = 'success' where run_id = %s", (finished,)
        )
        assert rewritten.rowcount == 0
        died = t.execute(
            "update cppa_ops.runs set outcome = 'failed', finished_at = clock_timestamp()"
            " where run_id = %s and outcome = 'running'",
            (running,),
        )
        assert died.rowcount == 1
    rows = site.owner.execute(
        "select outcome, run_by from cppa_ops.runs where run_id in (%s, %s) order by run_id",
        (finished, running),
    ).fetchall()
    assert rows == [("failed", site.logins["scheduler"])] * 2
    site.owner.execute("delete from cppa_ops.runs where run_id in (%s, %s)", (finished, running))

"""The current state has one rule each, in the database (migration 0016), which
the loaders, review and import/export query; the merge's dbt models mirror
them over staging (the run's watermark). On generated event sequences each
model, rendered as dbt renders it, gives the rows its view gives:
int_emails_collapsed = cppa_raw.current_emails, int_manual_decisions_filtered
= cppa_raw.decisions_in_force, int_identities_collapsed = the identities of
cppa_raw.identity_states not removed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import psycopg
from hypothesis import given, settings
from hypothesis import strategies as st

import loaders as L

DBT = Path(__file__).parent.parent / "dbt_project"
MACROS = ("history.sql", "normalize.sql", "removals.sql")


def model_path(name: str) -> Path:
    return next((DBT / "models").rglob(f"{name}.sql"))


def rendered(conn: psycopg.Connection[Any], name: str) -> str:
    """Model `name`'s SQL as dbt renders it; the models it refs become temporary
    views of this session (staging read without a watermark: every row of the
    transaction counts)."""
    macros = "".join((DBT / "macros" / m).read_text() for m in MACROS)
    macros += "{% macro watermark_filter(xid_column='loaded_xid') %}true{% endmacro %}"
    env = jinja2.Environment()

    def render(name: str) -> str:
        template = env.from_string(macros + model_path(name).read_text())
        return template.render(ref=ref, source=lambda schema, table: f"{schema}.{table}")

    def ref(name: str) -> str:
        conn.execute(f"create or replace temporary view {name} as {render(name)}")
        return name

    query = render(name)
    conn.commit()
    return query


def rows(conn: psycopg.Connection[Any], query: str) -> list[tuple[Any, ...]]:
    return sorted(conn.execute(query).fetchall(), key=repr)


class Rollback(Exception):
    """Leaves an example's transaction."""


def each_example(conn: psycopg.Connection[Any], body: Callable[[], None]) -> None:
    """`body` in a transaction that is rolled back, whatever it wrote."""
    try:
        with conn.transaction():
            body()
            raise Rollback
    except Rollback:
        pass


ADDRESS = st.sampled_from([None, "jane@x.org", "Jane@X.org", "j@y.org", ""])
FLAG = st.sampled_from([None, True, False])
EMAIL_EVENTS = st.lists(
    st.tuples(
        st.integers(1, 3),  # email id
        st.sampled_from(["add", "add", "update", "update", "remove"]),
        st.integers(0, 1),  # which profile
        ADDRESS,
        FLAG,
        FLAG,
    ),
    max_size=12,
)


def test_emails_collapsed_is_current_emails(conn: psycopg.Connection[Any]) -> None:
    profiles = [L.get_or_create_github_account(n, f"u{n}", conn=conn)[0].id for n in (1, 2)]
    conn.commit()
    columns = "email_id, base_profile_id, email, is_primary, is_active, created_at, updated_at"
    model_sql = rendered(conn, "int_emails_collapsed")

    def check(events: list[tuple[Any, ...]]) -> None:
        def body() -> None:
            for email_id, action, profile, address, primary, active in events:
                conn.execute(
                    "insert into cppa_raw.emails (email_id, base_profile_id, action, email,"
                    " is_primary, is_active) values (%s, %s, %s, %s, %s, %s)",
                    (email_id + 10**9, profiles[profile], action, address, primary, active),
                )
            model = rows(conn, f"select {columns} from ({model_sql}) as m")
            view = rows(conn, f"select {columns} from cppa_raw.current_emails")
            assert model == view, events
            by_profile = sorted(
                conn.execute(
                    "select p, e.* from unnest(%s::bigint []) as p,"
                    " cppa_raw.profile_emails(p) as e",
                    (profiles,),
                ).fetchall(),
                key=repr,
            )
            assert by_profile == sorted(((r[1], r[0], r[2], r[3], r[4]) for r in view), key=repr), (
                events
            )

        each_example(conn, body)

    # an update laid over the first add; a second add of one id is left out
    check([(1, "add", 0, "a@x.org", True, True), (1, "update", 0, None, False, None)])
    check([(1, "add", 0, "a@x.org", None, None), (1, "add", 1, "b@x.org", True, False)])
    check([(2, "update", 0, "a@x.org", None, None), (2, "remove", 0, None, None, None)])

    @settings(max_examples=100, deadline=None)
    @given(EMAIL_EVENTS)
    def property_check(events: list[tuple[Any, ...]]) -> None:
        check(events)

    property_check()


DECISIONS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["same", "different", "dismiss"]), st.integers(0, 2)),
        st.tuples(st.sampled_from(["lock", "unlock", "split"]), st.integers(0, 2)),
        st.tuples(st.just("revoke"), st.integers(0, 15)),  # the n-th decision before
    ),
    max_size=14,
)


def test_manual_decisions_filtered_is_decisions_in_force(conn: psycopg.Connection[Any]) -> None:
    columns = "decision_id, action, node_a, node_b, members, revokes_decision_id"
    model_sql = rendered(conn, "int_manual_decisions_filtered")

    def check(decisions: list[tuple[str, int]]) -> None:
        def body() -> None:
            ids: list[int] = []
            for action, n in decisions:
                if action == "revoke":
                    if not ids:
                        continue
                    values: tuple[Any, ...] = (action, None, None, None, ids[n % len(ids)])
                elif action in ("same", "different", "dismiss"):
                    values = (action, 1 + n, 2 + n, None, None)
                elif action == "lock":
                    values = (action, 1 + n, None, [1 + n, 9], None)
                else:
                    values = (action, 1 + n, None, None, None)
                row = conn.execute(
                    "insert into cppa_raw.manual_decisions (action, node_a, node_b, members,"
                    " revokes_decision_id) values (%s, %s, %s, %s, %s) returning decision_id",
                    values,
                ).fetchone()
                assert row is not None
                ids.append(int(row[0]))
            model = rows(conn, f"select {columns} from ({model_sql}) as m")
            assert model == rows(conn, f"select {columns} from cppa_raw.decisions_in_force")
            # what stands, unlocks and unlocked locks too: in force, or undone by an unlock
            unrevoked = dict(
                conn.execute("select decision_id, action from cppa_raw.decisions_unrevoked")
            )
            in_force = {r[0] for r in model}
            assert in_force <= set(unrevoked)
            assert {unrevoked[d] for d in set(unrevoked) - in_force} <= {"lock", "unlock"}

        each_example(conn, body)

    check([("lock", 0), ("unlock", 0), ("lock", 0)])
    check([("lock", 0), ("unlock", 0), ("revoke", 1)])
    check([("same", 0), ("revoke", 0), ("different", 0)])

    @settings(max_examples=100, deadline=None)
    @given(DECISIONS)
    def property_check(decisions: list[tuple[str, int]]) -> None:
        check(decisions)

    property_check()


NAME = st.sampled_from([None, "", "Jane", "Wei Wang"])
IDENTITY_EVENTS = st.lists(
    st.tuples(
        st.integers(1, 3),
        st.sampled_from(["create", "update", "update", "remove"]),
        NAME,
        NAME,
    ),
    max_size=10,
)


def test_identities_collapsed_is_identity_states(conn: psycopg.Connection[Any]) -> None:
    columns = "identity_id, display_name, description, created_at, updated_at"
    model_sql = rendered(conn, "int_identities_collapsed")

    def check(events: list[tuple[Any, ...]], held: str | None = None) -> None:
        def body() -> None:
            if held:  # a profile or tmp identity under id 1 (as a race lets through)
                conn.execute("set local session_replication_role = replica")
                conn.execute(held, (1 + 10**9,))
            for identity_id, action, name, description in events:
                conn.execute(
                    "insert into cppa_raw.identities (identity_id, action, display_name,"
                    " description) values (%s, %s, %s, %s)",
                    (identity_id + 10**9, action, name, description),
                )
            model = rows(conn, f"select {columns} from ({model_sql}) as m")
            view = rows(
                conn, f"select {columns} from cppa_raw.identity_states where not is_removed"
            )
            assert model == view, events
            assert not held or [r[0] for r in view] == [2 + 10**9], view

        each_example(conn, body)

    check([(1, "create", "Jane", None), (1, "update", None, "x"), (2, "create", "A", "")])
    check([(1, "create", "Jane", None), (1, "remove", None, None)])
    # events under an id another kind of node holds are the view's and the model's
    # to leave out (migration 0018)
    for held in (
        "insert into cppa_raw.profiles (base_profile_id, platform, natural_key)"
        " values (%s, 'slack', 'held')",
        "insert into cppa_raw.tmp_identities (tmp_identity_id, display_name, description)"
        " values (%s, 'Held', '')",
    ):
        check([(1, "create", "Jane", None), (2, "create", "A", "")], held)

    @settings(max_examples=100, deadline=None)
    @given(IDENTITY_EVENTS)
    def property_check(events: list[tuple[Any, ...]]) -> None:
        check(events)

    property_check()

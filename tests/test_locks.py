"""Advisory-lock keys have one home (loaders/locks.py), each is distinct, and
what waits on what is what the keys say: a decision never waits for `grants`."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest

import loaders as L
from loaders import db as dbmod
from loaders import locks

LOADERS = Path(__file__).resolve().parent.parent / "loaders"
LOCK_CALL = re.compile(r"pg_(?:try_)?advisory(?:_xact)?_lock(?:_shared)?\(([^;]*?)\)\s*;", re.S)
KEY_LITERAL = re.compile(r"\b7465\d{4}\b|\b74_657_\d{3}\b")


def test_every_key_is_distinct() -> None:
    assert len(set(locks.SINGLE.values())) == len(locks.SINGLE), locks.SINGLE
    assert locks.GRANTS != locks.DECISION


def sql_lock_keys(text: str) -> list[str]:
    """The arguments of every advisory-lock call in a SQL text."""
    return [" ".join(m.group(1).split()) for m in LOCK_CALL.finditer(text)]


def test_sql_literals_are_the_keys_in_locks() -> None:
    """Migrations take their keys as literals: each is the constant it names."""
    allowed = {str(key) for key in locks.SINGLE.values()} | {"%s"}
    allowed.add(f"{locks.IDENTITY_NAME[0]}, {locks.IDENTITY_NAME[1]}")
    found = {
        f"{path.relative_to(LOADERS)}: {key}"
        for path in sorted(LOADERS.rglob("*.sql"))
        for key in sql_lock_keys(path.read_text())
        if key not in allowed
    }
    assert found == set()
    record = (LOADERS / "sql/migrations/0013_decisions_in_the_database.sql").read_text()
    assert str(locks.DECISION) in sql_lock_keys(record)


def test_python_names_no_key_but_through_locks() -> None:
    found = {
        f"{path.relative_to(LOADERS)}:{n}"
        for path in sorted(LOADERS.rglob("*.py"))
        if path.name != "locks.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if KEY_LITERAL.search(line)
    }
    assert found == set()


def test_the_key_scans_can_fail() -> None:
    assert sql_lock_keys("perform pg_advisory_xact_lock(74657399);") == ["74657399"]
    assert sql_lock_keys("select pg_try_advisory_lock(%s);\n") == ["%s"]
    assert KEY_LITERAL.search("GRANTS_LOCK = 74_657_303")


def test_a_decision_does_not_wait_for_grants(database: dbmod.Database) -> None:
    """`grants` holds its lock for its whole transaction; a decision recorded
    meanwhile goes through at once (it waited when both used one key)."""
    a, _ = L.get_or_create_github_account(901, "one")
    b, _ = L.get_or_create_github_account(902, "two")
    with psycopg.connect(database.conninfo) as holder:
        holder.execute("select pg_advisory_xact_lock(%s)", (locks.GRANTS,))
        with psycopg.connect(database.conninfo) as conn:
            conn.execute("set lock_timeout = '3s'")
            decision = L.record_decision("same", a.id, b.id, reason="test", conn=conn)
            conn.commit()
        assert decision.action == "same"
        # and the decision lock itself is held by a decision: a second waits
        holder.execute("select pg_advisory_xact_lock(%s)", (locks.DECISION,))
        failed: list[Any] = []

        def decide() -> None:
            with psycopg.connect(database.conninfo) as conn:
                conn.execute("set lock_timeout = '300ms'")
                try:
                    L.record_decision("different", a.id, b.id, reason="test", conn=conn)
                except Exception as exc:
                    failed.append(exc)

        worker = threading.Thread(target=decide)
        worker.start()
        worker.join(20)
        assert failed, "a decision went through while the decision lock was held"
        holder.rollback()


@pytest.mark.parametrize("name", sorted(locks.SINGLE))
def test_each_key_is_used(name: str) -> None:
    """No key in locks.py is dead: each is passed somewhere in loaders/."""
    uses = [
        path
        for path in LOADERS.rglob("*.py")
        if path.name != "locks.py" and f"locks.{name}" in path.read_text()
    ]
    assert uses, f"locks.{name} is not used"

"""No process-global state changes while anything else runs: a run gives dbt's
sessions their password, role and settings per connection, never through
`os.environ`, which the review pages' threads and a collector's share."""

from __future__ import annotations

import ast
import os
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from loaders import db as dbmod
from loaders.ops import dbt_runner, runs, sample

LOADERS = Path(__file__).resolve().parent.parent / "loaders"
MUTATORS = {"setdefault", "pop", "popitem", "update", "clear", "__setitem__", "__delitem__"}


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def environ_writes(source: str) -> list[int]:
    """Lines that assign to, delete from or mutate os.environ, or call putenv."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Subscript) and _is_environ(t.value) for t in targets):
            lines.append(node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in MUTATORS and _is_environ(node.func.value):
                lines.append(node.lineno)
            if node.func.attr in ("putenv", "unsetenv"):
                lines.append(node.lineno)
    return sorted(lines)


def test_nothing_in_loaders_writes_the_environment() -> None:
    found = {
        f"{path.relative_to(LOADERS.parent)}:{line}"
        for path in sorted(LOADERS.rglob("*.py"))
        for line in environ_writes(path.read_text())
    }
    assert found == set()


def test_the_environment_scan_can_fail() -> None:
    """What dbt_runner did before: each form is found."""
    old = (
        "import os\nfrom os import environ\n"
        "os.environ['PGOPTIONS'] = '-c jit=off'\n"
        "os.environ.setdefault('X', 'y')\n"
        "os.environ.pop('PGOPTIONS', None)\n"
        "del os.environ['X']\n"
        "environ['Y'] = 'z'\n"
        "os.putenv('Z', '1')\n"
        "print(os.environ['PGOPTIONS'], os.environ.get('X'))\n"
    )
    assert environ_writes(old) == [3, 4, 5, 6, 7, 8]


def test_a_run_leaves_the_environment_and_other_sessions_alone(
    database: dbmod.Database, conn: Any
) -> None:
    """While dbt builds, the process's environment is what it was, and a
    connection another thread opens meanwhile gets the server's settings, not
    the run's (JIT off, the watermark)."""
    sample.load(sample.generate(4, seed=3), source="test")
    jit = conn.execute("select current_setting('jit')").fetchone()[0]
    before = dict(os.environ)
    seen: list[tuple[bool, str, str | None]] = []

    def watch(step: runs.RunStep) -> None:
        if step.stage != "node" or len(seen) > 3:
            return
        with psycopg.connect(database.conninfo, autocommit=True) as other:
            row = other.execute(
                "select current_setting('jit'), current_setting('cppa.watermark', true)"
            ).fetchone()
            assert row is not None
            seen.append((dict(os.environ) == before, str(row[0]), row[1]))

    summary = runs.run(database, full=True, progress=watch)
    assert summary.outcome == "success", summary.as_dict()
    assert seen, "the run reported no node"
    assert seen == [(True, jit, None)] * len(seen)
    assert dict(os.environ) == before


def test_a_run_from_the_pages_that_fails_unexpectedly_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever fails in the pages' run thread, not only a CppaIdentityError, ends
    the run there as failed: the page never stays "running"."""
    from loaders.web import app as web

    def broken(_: dbmod.Database) -> dict[str, Any]:
        raise RuntimeError("the child could not be read")

    monkeypatch.setattr(web, "run_in_child", broken)
    monkeypatch.setattr(web, "_may_run", lambda _: True)
    state = web.State(dbmod.Database("dsn", "dbname=unused"))
    web._start_run(state)
    deadline = time.monotonic() + 10
    while state.run.get("state") == "running" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert state.run["state"] == "failed"
    assert "the child could not be read" in state.run["message"]


def test_dbt_gets_the_password_as_a_connection_opens_never_from_disk(tmp_path: Path) -> None:
    """This server trusts its logins, so a run cannot show that the password
    arrives: the profile on disk holds only the run's key, and dbt-postgres's
    credentials, asked while the run's session is registered, carry the password
    (and only then)."""
    from dbt.adapters.postgres.connections import PostgresConnectionManager, PostgresCredentials

    database = dbmod.Database("dsn", "host=127.0.0.1 dbname=x user=u password=s3cret-pw")
    key = f"{dbt_runner.SESSION_PREFIX}for-a-test"
    dbt_runner.write_profile(database, tmp_path, key)
    assert "s3cret-pw" not in (tmp_path / "profiles.yml").read_text()
    credentials = PostgresCredentials(
        host="127.0.0.1", user="u", port=5432, password=key, database="x", schema="s"
    )
    with dbt_runner._session(key, "s3cret-pw", dbt_runner.session_settings("1:2:", "r")):
        assert PostgresConnectionManager.get_credentials(credentials).password == "s3cret-pw"
    assert PostgresConnectionManager.get_credentials(credentials).password == key

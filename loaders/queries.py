"""Static SQL kept in `.sql` files and loaded by name (`-- name: <name>` headers)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

QUERIES_FILE = Path(__file__).parent / "sql" / "queries.sql"


@cache
def named_statements(path: Path) -> dict[str, str]:
    """Every `-- name: X` statement in the file at `path`, keyed by name."""
    found: dict[str, str] = {}
    name = None
    for line in path.read_text().splitlines():
        if line.startswith("-- name: "):
            name = line.removeprefix("-- name: ").strip()
            found[name] = ""
        elif name is not None and not line.startswith("--"):
            found[name] += line + "\n"
    return {key: text.strip().rstrip(";") for key, text in found.items()}


def query(name: str) -> str:
    """The loaders' statement called `name` in sql/queries.sql."""
    return named_statements(QUERIES_FILE)[name]

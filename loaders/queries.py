"""Static SQL of the loaders, kept in sql/queries.sql and loaded by name."""

from __future__ import annotations

from functools import cache
from pathlib import Path

QUERIES_FILE = Path(__file__).parent / "sql" / "queries.sql"


@cache
def _queries() -> dict[str, str]:
    found: dict[str, str] = {}
    name = None
    for line in QUERIES_FILE.read_text().splitlines():
        if line.startswith("-- name: "):
            name = line.removeprefix("-- name: ").strip()
            found[name] = ""
        elif name is not None and not line.startswith("--"):
            found[name] += line + "\n"
    return {key: text.strip().rstrip(";") for key, text in found.items()}


def query(name: str) -> str:
    """The statement called `name` in sql/queries.sql."""
    return _queries()[name]

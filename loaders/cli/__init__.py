"""The `cppa-identity` command line: thin typer commands over `loaders.ops`.

Command groups, one module each: run (`run`, `demo`), review (`status`, `show`,
`candidates`, decisions), data (`import`, `export`), db (`init`, `grants`, `db`).
"""

from __future__ import annotations

from . import data, db, review, run
from .app import EXIT_CODES, app

__all__ = ["EXIT_CODES", "app", "data", "db", "main", "review", "run"]


def main() -> None:
    app()

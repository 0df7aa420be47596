"""The `cppa-identity` command line: thin typer commands over `loaders.ops`.

Command groups, one module each: run (`run`, `demo`), review (`status`, `show`,
`candidates`, decisions), data (`import`, `export`), db (`init`, `grants`, `db`).

The command needs the `cli` extra (dbt, typer, the embedded server); a collector's
environment installs the loaders alone, so `main` says what to install instead of
failing on an import.
"""

from __future__ import annotations

import sys

CLI_EXTRA_HINT = (
    "cppa-identity: the command needs its `cli` extra (dbt, typer, the embedded PostgreSQL):"
    " pip install 'cppa-identity[cli]'"
)


def main() -> None:
    try:
        from . import data, db, review, run  # noqa: F401  (they register the commands)
        from .app import app
    except ModuleNotFoundError as missing:
        if missing.name and missing.name.split(".")[0] in ("typer", "rich", "dbt", "yaml"):
            sys.exit(f"{CLI_EXTRA_HINT} ({missing.name} is not installed)")
        raise
    app()


def __getattr__(name: str) -> object:
    """`loaders.cli.app` and the command modules, imported on first use."""
    if name in ("app", "EXIT_CODES"):
        from . import app as app_module
        from . import data, db, review, run  # noqa: F401

        return getattr(app_module, name)
    raise AttributeError(name)

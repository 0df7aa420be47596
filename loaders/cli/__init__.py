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


# the top-level modules the `cli` extra brings
CLI_MODULES = ("typer", "rich", "dbt", "yaml", "uvicorn", "starlette", "jinja2", "multipart")


def main() -> None:
    try:
        app = __getattr__("app")
    except ModuleNotFoundError as missing:
        if missing.name and missing.name.split(".")[0] in CLI_MODULES:
            sys.exit(f"{CLI_EXTRA_HINT} ({missing.name} is not installed)")
        raise
    app()  # type: ignore[operator]


def __getattr__(name: str) -> object:
    """`loaders.cli.app` and the command modules, imported on first use."""
    if name in ("app", "EXIT_CODES"):
        import importlib

        app_module = importlib.import_module(f"{__name__}.app")
        for commands in ("data", "db", "review", "run", "serve"):
            importlib.import_module(f"{__name__}.{commands}")
        # the submodule import bound the name `app` to the module: rebind it
        globals().update(app=app_module.app, EXIT_CODES=app_module.EXIT_CODES)
        return globals()[name]
    raise AttributeError(name)

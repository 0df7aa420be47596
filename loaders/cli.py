"""The `cppa-identity` command line: thin typer commands over plain functions."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer

from . import __version__
from .db import close_pool, connect, home, migrate, resolve, schema_version, stop_embedded
from .errors import ConfigError, CppaIdentityError, wrap_db_errors

app = typer.Typer(
    name="cppa-identity",
    help="One identity per person across the C++ Alliance collectors.\n\n"
    "Example: cppa-identity demo && cppa-identity show 'Jane Doe'",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
db_app = typer.Typer(
    help="Where the database is; stop or reset the embedded server.", invoke_without_command=True
)
app.add_typer(db_app, name="db")

F = TypeVar("F", bound=Callable[..., Any])
_state = {"debug": False}


def fail(message: str, code: int = 2, hint: str = "") -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    if hint:
        typer.echo(f"hint: {hint}", err=True)
    return typer.Exit(code)


def handled(function: F) -> F:
    """Print expected errors on stderr with their exit code; no traceback unless --debug."""

    @wraps(function)
    def inner(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except CppaIdentityError as exc:
            if _state["debug"]:
                traceback.print_exc()
            raise fail(str(exc), exc.exit_code) from None
        finally:
            close_pool()

    return inner  # type: ignore[return-value]


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"cppa-identity {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Print the version."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option("--debug", envvar="CPPA_IDENTITY_DEBUG", help="Show tracebacks for errors."),
    ] = False,
) -> None:
    """One identity per person across the C++ Alliance collectors."""
    _state["debug"] = debug


@app.command()
@handled
def init() -> None:
    """Create or upgrade the raw schema (idempotent, safe to run concurrently).

    Example: cppa-identity init
    """
    database = resolve()
    with wrap_db_errors("init"), connect(database, autocommit=True) as conn:
        applied = migrate(conn)
        version = schema_version(conn)
    if applied:
        typer.echo(f"applied {', '.join(applied)}; schema at version {version}")
    else:
        typer.echo(f"schema already at version {version}; nothing to do")


@app.command()
@handled
def run(
    wait: Annotated[float, typer.Option(help="Seconds to wait for another run's lock.")] = 0.0,
    full: Annotated[
        bool, typer.Option("--full", help="Rebuild even if no raw row is new.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Merge: migrate, lock, fix a watermark, build every model and test, log the run.

    Exit codes: 0 ok, 1 model or test failure, 2 usage/config error, 3 locked.

    Example: cppa-identity run --wait 600 --quiet
    """
    from .runs import run as do_run

    database = resolve()
    plain = quiet or as_json

    def progress(step: str) -> None:
        if not plain:
            typer.echo(f"… {step}", err=not sys.stdout.isatty())

    summary = do_run(database, wait=wait, full=full, progress=progress)
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), default=str))
    elif not quiet:
        print_summary(summary)
    if summary.outcome == "failed":
        if not as_json:
            for failure in summary.failures:
                typer.echo(
                    f"FAILED {failure['resource_type']} {failure['name']}: {failure['message']}",
                    err=True,
                )
            if summary.error:
                typer.echo(f"error: {summary.error}", err=True)
        raise typer.Exit(1)


def print_summary(summary: Any) -> None:
    if summary.outcome == "noop":
        typer.echo(
            f"run {summary.run_id}: nothing new since the last run ({summary.seconds:.2f} s)"
        )
        return
    c = summary.counts
    typer.echo(
        f"run {summary.run_id}: {summary.outcome} in {summary.seconds:.1f} s — "
        f"{c.get('profiles', 0)} profiles (+{c.get('new_profiles', 0)}), "
        f"{c.get('identities', 0)} identities, {c.get('merges', 0)} merges, "
        f"{c.get('splits', 0)} splits, {c.get('candidates', 0)} candidates "
        f"(+{c.get('new_candidates', 0)}), {c.get('conflicts', 0)} conflicts, "
        f"{c.get('test_failures', 0)} test failures"
    )


@db_app.callback()
@handled
def db(ctx: typer.Context) -> None:
    """Show where the database is.

    Example: cppa-identity db
    """
    if ctx.invoked_subcommand is not None:
        return
    database = resolve()
    typer.echo(database.display)


@db_app.command("stop")
@handled
def db_stop() -> None:
    """Stop the embedded server (it starts again on next use).

    Example: cppa-identity db stop
    """
    database = resolve(start=False)
    if database.kind != "embedded":
        raise ConfigError("CPPA_IDENTITY_DSN is set: the server is not ours to stop")
    stopped = stop_embedded(home())
    typer.echo(
        "stopped the embedded PostgreSQL" if stopped else "the embedded PostgreSQL was not running"
    )


@db_app.command("reset")
@handled
def db_reset(
    yes: Annotated[bool, typer.Option("--yes", help="Really delete all data.")] = False,
) -> None:
    """Delete the embedded database and everything in it (embedded only).

    Example: cppa-identity db reset --yes
    """
    import shutil

    database = resolve(start=False)
    if database.kind != "embedded":
        raise ConfigError("db reset only works on the embedded server; CPPA_IDENTITY_DSN is set")
    if not yes:
        raise ConfigError("db reset deletes every row; pass --yes to confirm")
    stop_embedded(home())
    if database.data_dir is not None and database.data_dir.exists():
        shutil.rmtree(database.data_dir)
    typer.echo(f"deleted {database.data_dir}")


def main() -> None:
    app()

"""The database: `init`, `grants`, and `db` (where it is; stop or reset the
embedded server)."""

from __future__ import annotations

import shutil
from typing import Annotated

import typer

from ..db import connect, home, resolve, schema_version
from ..errors import ConfigError, wrap_db_errors
from ..ops.embedded import stop_embedded
from ..ops.migrations import migrate
from ..ops.roles import apply_grants
from .app import AsJson, app, echo_json, handled

db_app = typer.Typer(
    help="Where the database is; stop or reset the embedded server.\n\nExample: cppa-identity db stop",
    invoke_without_command=True,
)
app.add_typer(db_app, name="db")


@app.command()
@handled
def init() -> None:
    """Create or upgrade the raw schema (idempotent, safe to run concurrently).

    Example: cppa-identity init
    """
    with wrap_db_errors("init"), connect(resolve(), autocommit=True) as conn:
        applied = migrate(conn)
        version = schema_version(conn)
    if applied:
        typer.echo(f"applied {', '.join(applied)}; schema at version {version}")
    else:
        typer.echo(f"schema already at version {version}; nothing to do")


@app.command()
@handled
def grants(
    prefix: Annotated[
        str | None,
        typer.Option(
            help="Role names start with this (default cppa_<database>_): one set per database."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the role names as JSON.")] = False,
) -> None:
    """Create this database's roles (loader, transformer, reviewer, reader) with
    least privilege. Needs CREATEROLE; without it, prints what to ask a
    superuser to run.

    Grant them to login users: `grant cppa_mydb_loader to github_collector;`.
    Example: cppa-identity grants --json
    """
    with wrap_db_errors("grants"), connect(resolve(), autocommit=True) as conn:
        migrate(conn)
        names = apply_grants(conn, prefix)
    if as_json:
        echo_json(names)
        return
    typer.echo("roles in place: " + ", ".join(f"{job} {name}" for job, name in names.items()))
    typer.echo(f"grant them to logins, e.g.: grant {names['loader']} to github_collector;")


@db_app.callback()
@handled
def db(ctx: typer.Context) -> None:
    """Show where the database is.

    Example: cppa-identity db
    """
    if ctx.invoked_subcommand is None:
        typer.echo(resolve().display)


@db_app.command("stop")
@handled
def db_stop() -> None:
    """Stop the embedded server (it starts again on next use).

    Example: cppa-identity db stop
    """
    if resolve(start=False).kind != "embedded":
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
    database = resolve(start=False)
    if database.kind != "embedded":
        raise ConfigError("db reset only works on the embedded server; CPPA_IDENTITY_DSN is set")
    if not yes:
        raise ConfigError("db reset deletes every row; pass --yes to confirm")
    stop_embedded(home())
    if database.data_dir is not None and database.data_dir.exists():
        shutil.rmtree(database.data_dir)
    typer.echo(f"deleted {database.data_dir}")


@app.command()
@handled
def doctor(as_json: AsJson = False) -> None:
    """Check the database, schema, this login's roles and jobs, and dbt's state
    directory; say what to fix. Read-only. Exit 1 when something is wrong.

    Example: cppa-identity doctor
    """
    from ..ops.doctor import as_dicts, diagnose

    checks = diagnose(resolve())
    if as_json:
        echo_json(as_dicts(checks))
    else:
        for c in checks:
            mark = "FAIL" if not c.ok else "--  " if c.can is False else "ok  "
            typer.echo(f"{mark}  {c.name:<15} {c.detail}")
            if c.fix:
                typer.echo(f"{'':6}{'':<15} → {c.fix}")
    if not all(c.ok for c in checks):
        raise typer.Exit(1)

"""`run` (the scheduled merge) and `demo` (sample data, then a run)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Annotated

import typer

from ..db import close_pool, connect, resolve
from ..errors import ConfigError, RunFailed, wrap_db_errors
from ..ops import review, sample
from ..ops.migrations import migrate
from ..ops.runs import RunStep, RunSummary
from ..ops.runs import run as do_run
from . import format
from .app import app, handled


def run_with_progress(
    full: bool,
    wait: float = 0.0,
    quiet: bool = False,
    unit_tests: bool = False,
) -> RunSummary:
    """Run the merge: a live spinner on a terminal, plain step lines otherwise."""
    database = resolve()

    def go(progress: Callable[[RunStep], None] | None = None) -> RunSummary:
        return do_run(
            database,
            wait=wait,
            full=full,
            progress=progress or (lambda _: None),
            unit_tests=unit_tests,
        )

    if quiet:
        return go()
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        console = Console(stderr=True)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("starting", total=None)

            def live(step: RunStep) -> None:
                if step.stage == "node":
                    bar.update(
                        task,
                        completed=step.done,
                        total=step.total or None,
                        description=f"dbt build: {step.node}",
                    )
                    if not step.is_quiet:
                        console.print(f"… {step.message}")
                else:
                    bar.update(task, description=step.message)

            return go(live)

    shown = {"tenth": -1}

    def plain(step: RunStep) -> None:
        if step.stage == "node" and step.total:
            tenth = step.done * 10 // step.total
            if tenth > shown["tenth"]:  # one line per tenth of the build
                shown["tenth"] = tenth
                typer.echo(f"… {step.done} of {step.total} nodes built or tested", err=True)
        if not step.is_quiet:
            typer.echo(f"… {step.message}", err=True)

    return go(plain)


def report(summary: RunSummary, as_json: bool = False, quiet: bool = False) -> None:
    """Print a run's summary; raise RunFailed (exit 1) when it failed."""
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), default=str))
    elif not quiet:
        typer.echo(format.run_summary(summary))
    if summary.outcome == "failed":
        if not as_json:
            for line in format.run_failures(summary):
                typer.echo(line, err=True)
        raise RunFailed(f"run {summary.run_id} failed; the published marts are unchanged")


@app.command()
@handled
def run(
    wait: Annotated[
        float, typer.Option(min=0, help="Seconds to wait for another run's lock (0 or more).")
    ] = 0.0,
    full: Annotated[
        bool, typer.Option("--full", help="Rebuild even if no raw row is new.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    unit_tests: Annotated[
        bool,
        typer.Option(
            "--unit-tests", help="Also run dbt's unit tests (the models' logic; demo does)."
        ),
    ] = False,
) -> None:
    """Merge: migrate, lock, fix a watermark, build every model and test, publish, log.

    Rows committed after the run starts wait for the next run. The new marts are
    published atomically, and only when every model and test passed.
    Exit codes: 0 ok, 1 model or test failure, 2 usage/config error, 3 locked.

    Example: cppa-identity run --wait 600 --quiet
    """
    summary = run_with_progress(
        full=full,
        wait=wait,
        quiet=quiet or as_json,
        unit_tests=unit_tests,
    )
    report(summary, as_json=as_json, quiet=quiet)


@app.command()
@handled
def demo(
    people: Annotated[int, typer.Option(help="How many sample people to generate.")] = 200,
    force: Annotated[
        bool, typer.Option("--force", help="Load even into a non-empty database.")
    ] = False,
) -> None:
    """Load bundled sample data, run the merge, and print a few identities.

    Example: cppa-identity demo
    """
    database = resolve()
    with wrap_db_errors("demo"), connect(database, autocommit=True) as conn:
        migrate(conn)
        existing = review.raw_profile_count(conn)
    if existing and not force:
        raise ConfigError(
            f"{database.display} already holds {existing} profiles; "
            "pass --force to add the sample anyway"
        )
    typer.echo(f"database: {database.display}")
    data = sample.generate(people)
    truth = sample.load(data, source="demo")
    close_pool()
    typer.echo(f"loaded {len(data.calls)} loader calls → {len(truth)} profiles")
    summary = run_with_progress(full=True, unit_tests=True)
    report(summary)
    with wrap_db_errors("demo"), connect(database) as conn:
        predicted = review.profile_identities(conn)
        largest = review.largest_identities(conn, 5)
    precision, recall, *_ = sample.pairwise_scores(truth, predicted)
    typer.echo(f"merge quality on the sample: precision {precision:.3f}, recall {recall:.3f}")
    typer.echo("\nlargest identities:")
    for r in largest:
        typer.echo(f"  {r['id']:>6}  {r['display_name']:<28} {r['profile_count']} profiles")
    typer.echo("\nnext: cppa-identity show <id> · cppa-identity candidates")


@app.command()
@handled
def policy(
    name_join: Annotated[
        str | None,
        typer.Option(
            "--name-join",
            help="name_alone (default) or second_signal: how a name or handle joins an"
            " identity that holds a platform account.",
        ),
    ] = None,
) -> None:
    """Show or set this database's merge policy; the next run rebuilds with it.

    name_alone: a distinctive name or handle joins any identity. second_signal:
    into an identity holding a platform account (GitHub, Slack, Discord, YouTube)
    or a declared identity, only with a second value both sides share (a login,
    an address's local part, another full name); otherwise it is a candidate.

    Example: cppa-identity policy --name-join second_signal
    """
    from ..errors import InvalidInput, PermissionDenied
    from ..ops.catalog import (
        NAME_POLICIES,
        NAME_POLICY_BUILT_KEY,
        NAME_POLICY_KEY,
        name_policy,
        put_setting,
        setting,
    )
    from ..ops.roles import READER, TRANSFORMER, grants_applied, role_for, take_role

    if name_join is not None and name_join not in NAME_POLICIES:
        raise InvalidInput(
            "policy", "--name-join", name_join, f"must be one of {', '.join(NAME_POLICIES)}"
        )
    with wrap_db_errors("policy"), connect(resolve(), autocommit=True) as conn:
        migrate(conn)
        was = name_policy(conn)
        if name_join is not None and name_join != was:
            if role_for(conn, TRANSFORMER) is None and grants_applied(conn):
                raise PermissionDenied(
                    "this login may not set the merge policy: it is not a member of the"
                    " transformer role; nothing was written",
                    "ask the owner to grant the transformer role to this login",
                )
            take_role(conn, TRANSFORMER)
            put_setting(conn, NAME_POLICY_KEY, name_join)
            typer.echo(f"name_join: {name_join} (was {was}); the next run rebuilds with it")
            return
        take_role(conn, READER)
        built = setting(conn, NAME_POLICY_BUILT_KEY)
        note = "" if built in (None, was) else f"; the published marts were built with {built}"
        same = " (unchanged)" if name_join is not None else ""
        typer.echo(f"name_join: {was}{same}{note}")

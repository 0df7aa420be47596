"""The `cppa-identity` command line: thin typer commands over plain functions."""

from __future__ import annotations

import contextlib
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
from .values import normalize_email

app = typer.Typer(
    name="cppa-identity",
    help="One identity per person across the C++ Alliance collectors.\n\n"
    "Example: cppa-identity demo && cppa-identity show 'Jane Doe'",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
db_app = typer.Typer(
    help="Where the database is; stop or reset the embedded server.\n\nExample: cppa-identity db stop",
    invoke_without_command=True,
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
    django_compat: Annotated[
        bool,
        typer.Option(
            "--django-compat",
            envvar="CPPA_IDENTITY_DJANGO_COMPAT",
            help="Also build views named like the old Django tables.",
        ),
    ] = False,
) -> None:
    """Merge: migrate, lock, fix a watermark, build every model and test, publish, log.

    Rows committed after the run starts wait for the next run. The new marts are
    published atomically, and only when every model and test passed.
    Exit codes: 0 ok, 1 model or test failure, 2 usage/config error, 3 locked.

    Example: cppa-identity run --wait 600 --quiet
    """
    summary = _run_with_progress(
        full=full, wait=wait, quiet=quiet or as_json, django_compat=django_compat
    )
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


def _run_with_progress(
    full: bool, wait: float = 0.0, quiet: bool = False, django_compat: bool = False
) -> Any:
    """Run the merge: a live spinner on a terminal, plain step lines otherwise."""
    from .runs import run as do_run

    database = resolve()
    if quiet:
        return do_run(database, wait=wait, full=full, django_compat=django_compat)
    if sys.stderr.isatty():
        from rich.console import Console

        console = Console(stderr=True)
        done = [0]
        with console.status("starting") as status:

            def live(step: str) -> None:
                if step[:7].strip() in ("success", "pass", "error", "fail", "skipped", "warn"):
                    done[0] += 1
                    status.update(f"dbt build: {done[0]} nodes done — {step}")
                else:
                    status.update(step)

            return do_run(
                database, wait=wait, full=full, progress=live, django_compat=django_compat
            )

    def plain(step: str) -> None:
        if step[:7].strip() not in ("success", "pass", "skipped"):
            typer.echo(f"… {step}", err=True)

    return do_run(database, wait=wait, full=full, progress=plain, django_compat=django_compat)


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


# --- demo, status, show, candidates, decisions ----------------------------------------


def _query(sql_text: str, params: Any = None, conn: Any = None) -> list[dict[str, Any]]:
    """Rows as dicts, on `conn` or on a connection of its own."""
    from psycopg.rows import dict_row

    with wrap_db_errors("query"), contextlib.ExitStack() as stack:
        if conn is None:
            conn = stack.enter_context(connect(resolve()))
        with conn.cursor(row_factory=dict_row) as cur:
            return list(cur.execute(sql_text, params).fetchall())


def _require_marts(conn: Any = None) -> None:
    """Fail with a hint when no run has published the marts yet."""
    from .runs import relation_exists

    with wrap_db_errors("query"), contextlib.ExitStack() as stack:
        if conn is None:
            conn = stack.enter_context(connect(resolve()))
        if not relation_exists(conn, "cppa_identity", "identity"):
            raise fail("no identities yet", hint="run `cppa-identity run` first")


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, default=str, indent=2))


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
    from . import sample

    database = resolve()
    with wrap_db_errors("demo"), connect(database, autocommit=True) as conn:
        migrate(conn)
        row = conn.execute("select count(*) from cppa_raw.profiles").fetchone()
        existing = int(row[0]) if row else 0
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
    summary = _run_with_progress(full=True)
    print_summary(summary)
    if summary.outcome != "success":
        raise typer.Exit(1)
    predicted = {
        r["id"]: r["identity_id"]
        for r in _query("select id, identity_id from cppa_identity.base_profile")
    }
    precision, recall, *_ = sample.pairwise_scores(truth, predicted)
    typer.echo(f"merge quality on the sample: precision {precision:.3f}, recall {recall:.3f}")
    typer.echo("\nlargest identities:")
    for r in _query(
        "select id, display_name, profile_count from cppa_identity.identity"
        " order by profile_count desc, id limit 5"
    ):
        typer.echo(f"  {r['id']:>6}  {r['display_name']:<28} {r['profile_count']} profiles")
    typer.echo("\nnext: cppa-identity show <id> · cppa-identity candidates")


@app.command()
@handled
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Where the database is, schema version, counts, pending rows, last run.

    Example: cppa-identity status --json
    """
    from .runs import last_success, mart_counts, pending_rows

    database = resolve()
    with wrap_db_errors("status"), connect(database, autocommit=True) as conn:
        version = schema_version(conn)
        info: dict[str, Any] = {"database": database.display, "schema_version": version}
        if version:
            info["profiles_by_platform"] = dict(
                conn.execute(
                    "select platform, count(*) from cppa_raw.profiles group by 1 order by 1"
                ).fetchall()
            )
            previous = last_success(conn)
            info["pending_raw_rows"] = pending_rows(conn, previous[1] if previous else None)
            info["marts"] = mart_counts(conn)
            row = conn.execute(
                "select run_id, started_at, finished_at, outcome from cppa_ops.runs"
                " order by run_id desc limit 1"
            ).fetchone()
            info["freshness"] = _freshness(conn)
            info["evidence_hubs"] = _hub_count(conn)
            info["last_run"] = (
                dict(zip(("run_id", "started_at", "finished_at", "outcome"), row, strict=True))
                if row
                else None
            )
    if as_json:
        _echo_json(info)
        return
    typer.echo(_format_status(info))


STALE_AFTER_DAYS = 7  # as the dbt sources' freshness.warn_after


def _format_status(info: dict[str, Any]) -> str:
    """The status as aligned lines for people."""
    from datetime import UTC, datetime

    lines = [("database", info["database"])]
    version = info["schema_version"]
    from .db import latest_version

    lines.append(
        (
            "schema",
            f"version {version}"
            + (" (up to date)" if version >= latest_version() else " — run `cppa-identity init`"),
        )
    )
    if version:
        platforms = info["profiles_by_platform"]
        lines.append(
            (
                "profiles",
                f"{sum(platforms.values())} raw: "
                + ", ".join(f"{name} {count}" for name, count in platforms.items()),
            )
        )
        marts = info["marts"]
        if marts:
            lines.append(
                (
                    "identities",
                    f"{marts.get('identities', 0)} from "
                    f"{marts.get('profiles', 0)} profiles; {marts.get('candidates', 0)}"
                    f" merge candidates, {marts.get('conflicts', 0)} conflicts, "
                    f"{info['evidence_hubs'] or 0} evidence hubs",
                )
            )
        else:
            lines.append(("identities", "none yet — run `cppa-identity run`"))
        lines.append(("pending", f"{info['pending_raw_rows']} raw rows not in the marts yet"))
        last = info["last_run"]
        lines.append(
            (
                "last run",
                "never"
                if not last
                else f"#{last['run_id']} {last['outcome']}, started {last['started_at']:%Y-%m-%d %H:%M:%S %Z}",
            )
        )
        now = datetime.now(UTC)
        stale = []
        newest = None
        for table, stamp in info["freshness"].items():
            if stamp is None:
                continue
            seen = datetime.fromisoformat(stamp)
            newest = seen if newest is None or seen > newest else newest
            if (now - seen).days >= STALE_AFTER_DAYS:
                stale.append(f"{table} ({(now - seen).days} days)")
        lines.append(
            (
                "freshness",
                "no raw rows yet"
                if newest is None
                else f"newest raw row {_ago(now - newest)} ago"
                + (f"; stale: {', '.join(stale)}" if stale else ""),
            )
        )
    width = max(len(key) for key, _ in lines)
    return "\n".join(f"{key:<{width}}  {value}" for key, value in lines)


def _ago(delta: Any) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def _freshness(conn: Any) -> dict[str, str | None]:
    """When each raw table last received a row (the dbt sources' loaded_at_field)."""
    from psycopg import sql

    from .runs import RAW_TABLES

    query = sql.SQL(" union all ").join(
        sql.SQL("select {name}, max(loaded_at)::text from cppa_raw.{table}").format(
            name=sql.Literal(t), table=sql.Identifier(t)
        )
        for t in RAW_TABLES
    )
    return {name: last for name, last in conn.execute(query).fetchall()}


def _hub_count(conn: Any) -> int | None:
    from .runs import relation_exists

    if not relation_exists(conn, "cppa_identity", "evidence_hub"):
        return None
    row = conn.execute("select count(*) from cppa_identity.evidence_hub").fetchone()
    return int(row[0]) if row else 0


SHOW_LOOKUP = """
select distinct p.identity_id
from cppa_identity.identity_profile as p
left join cppa_identity.email as e on e.base_profile_id = p.id
left join cppa_identity.slack_user as s on s.id = p.id
left join cppa_identity.discord_profile as d on d.id = p.id
left join cppa_identity.identity as i on i.id = p.identity_id
where p.id::text = %(q)s or p.identity_id::text = %(q)s
   or e.email_normalized in (lower(btrim(%(q)s)), %(email)s) or lower(p.username) = lower(%(q)s)
   or s.slack_user_id = %(q)s or d.discord_user_id::text = %(q)s
   or lower(%(q)s) in (lower(i.display_name), lower(p.display_name))
order by p.identity_id
limit 20
"""


@app.command()
@handled
def show(
    query: Annotated[
        str, typer.Argument(help="Identity/profile id, email, login, Slack/Discord id or name.")
    ],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show identities matching QUERY with profiles, emails, evidence and history.

    Example: cppa-identity show jane@example.org
    """
    with wrap_db_errors("show"), connect(resolve()) as conn:
        _require_marts(conn)
        ids = [
            r["identity_id"]
            for r in _query(SHOW_LOOKUP, {"q": query, "email": normalize_email(query)}, conn)
        ]
        if not ids:
            raise NotFoundError(f"no identity matches {query!r}")
        out = _query(
            "select * from cppa_identity.identity where id = any(%s) order by id", (ids,), conn
        )
        details = {
            "profiles": _query(
                "select p.identity_id, p.id, p.type, p.username, p.display_name,"
                " array(select e.email from cppa_identity.email as e"
                " where e.base_profile_id = p.id order by e.id) as emails"
                " from cppa_identity.identity_profile as p where p.identity_id = any(%s)"
                " order by p.id",
                (ids,),
                conn,
            ),
            "evidence": _query(
                "select identity_id, node_a, node_b, evidence, detail"
                " from cppa_identity.identity_evidence where identity_id = any(%s)"
                " order by strength desc, node_a, node_b",
                (ids,),
                conn,
            ),
            "history": _query(
                "select * from cppa_identity.identity_change"
                " where from_identity_id = any(%(ids)s) or to_identity_id = any(%(ids)s)"
                " order by changed_at",
                {"ids": ids},
                conn,
            ),
        }
    for ident in out:
        for key, rows in details.items():
            ident[key] = [
                r
                for r in rows
                if ident["id"]
                in (r.get("identity_id"), r.get("from_identity_id"), r.get("to_identity_id"))
            ]
    if as_json:
        _echo_json(out)
        return
    for ident in out:
        typer.echo(
            f"identity {ident['id']}: {ident['display_name']!r}"
            f"{' [locked]' if ident['is_locked'] else ''}"
        )
        for p in ident["profiles"]:
            typer.echo(
                f"  {p['type']:<12} {p['id']:>7}  {p['display_name'] or ''}"
                f"{' @' + p['username'] if p['username'] else ''}"
                f"  {', '.join(p['emails'])}"
            )
        for e in ident["evidence"]:
            typer.echo(f"  evidence: {e['node_a']} ↔ {e['node_b']} {e['evidence']} ({e['detail']})")
        for h in ident["history"]:
            typer.echo(
                f"  {h['change_type']}: {h['from_identity_id']} → {h['to_identity_id']}"
                f" at {h['changed_at']} ({', '.join(h['evidence'])})"
            )


class NotFoundError(CppaIdentityError):
    exit_code = 1


@app.command()
@handled
def candidates(
    limit: Annotated[int, typer.Option(help="How many to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Merge candidates for review, best first, with their reasons.

    Example: cppa-identity candidates --limit 5
    """
    _require_marts()
    rows = _query(
        "select c.candidate_id, c.identity_a, a.display_name as name_a, c.identity_b,"
        " b.display_name as name_b, c.score, c.reasons"
        " from cppa_identity.identity_merge_candidate c"
        " join cppa_identity.identity a on a.id = c.identity_a"
        " join cppa_identity.identity b on b.id = c.identity_b"
        " order by c.score desc, c.identity_a, c.identity_b limit %s",
        (limit,),
    )
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        typer.echo(
            f"{r['candidate_id']:<14} {float(r['score']):.2f}  {r['identity_a']} "
            f"{r['name_a']!r} ~ {r['identity_b']} {r['name_b']!r}: {'; '.join(r['reasons'])}"
        )
    if not rows:
        typer.echo("no merge candidates")


Reason = Annotated[str, typer.Option(help="Why (kept with the decision).")]
RunNow = Annotated[bool, typer.Option("--run", help="Run the merge right after.")]


def _decide(
    action: str,
    a: int | None,
    b: int | None,
    reason: str,
    run_now: bool,
    revokes: int | None = None,
) -> None:
    from .decisions import record_decision

    decision = record_decision(action, a, b, reason=reason, revokes=revokes, source="cli")
    typer.echo(
        f"decision {decision.id}: {action} {a if a is not None else ''}"
        f"{' ' + str(b) if b is not None else ''} (undo: cppa-identity revoke {decision.id})"
    )
    if run_now:
        summary = _run_with_progress(full=False)
        print_summary(summary)


@app.command()
@handled
def merge(a: int, b: int, reason: Reason = "", run_now: RunNow = False) -> None:
    """Declare that A and B (identity or profile ids) are one person.

    Example: cppa-identity merge 12 40 --reason "same person, confirmed" --run
    """
    _decide("same", a, b, reason, run_now)


@app.command()
@handled
def different(a: int, b: int, reason: Reason = "", run_now: RunNow = False) -> None:
    """Declare that A and B are different people: never merged, whatever the evidence.

    Example: cppa-identity different 12 40 --reason "father and son"
    """
    _decide("different", a, b, reason, run_now)


@app.command()
@handled
def split(profile: int, reason: Reason = "", run_now: RunNow = False) -> None:
    """Take PROFILE out of its identity (its automatic evidence is ignored).

    Example: cppa-identity split 57 --run
    """
    _decide("split", profile, None, reason, run_now)


@app.command()
@handled
def lock(identity: int, reason: Reason = "", run_now: RunNow = False) -> None:
    """Freeze IDENTITY's members until unlocked.

    Example: cppa-identity lock 12
    """
    _decide("lock", identity, None, reason, run_now)


@app.command()
@handled
def unlock(identity: int, reason: Reason = "", run_now: RunNow = False) -> None:
    """Release a lock.

    Example: cppa-identity unlock 12
    """
    _decide("unlock", identity, None, reason, run_now)


@app.command()
@handled
def dismiss(candidate: str, reason: Reason = "", run_now: RunNow = False) -> None:
    """Hide merge candidate A-B (as shown by `candidates`).

    Example: cppa-identity dismiss 12-40
    """
    try:
        a, b = (int(part) for part in candidate.split("-", 1))
    except ValueError:
        raise fail(f"candidate must look like 12-40, not {candidate!r}") from None
    _decide("dismiss", a, b, reason, run_now)


@app.command()
@handled
def revoke(decision: int, reason: Reason = "", run_now: RunNow = False) -> None:
    """Undo a decision by id.

    Example: cppa-identity revoke 3 --run
    """
    _decide("revoke", None, None, reason, run_now, revokes=decision)


# --- import / export -------------------------------------------------------------------


@app.command("import")
@handled
def import_(
    path: Annotated[str, typer.Argument(help="File to read, or - for standard input.")],
    fmt: Annotated[str, typer.Option("--format", help="jsonl or mailmap (default: by name).")] = "",
    strict: Annotated[
        bool, typer.Option("--strict", help="Abort (write nothing) on the first bad line.")
    ] = False,
    source: Annotated[str, typer.Option(help="Collector name recorded with the rows.")] = "import",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Import JSON Lines of loader calls or a git .mailmap; bad lines are reported
    by number and skipped (unless --strict).

    Example: cppa-identity import calls.jsonl    ·    cppa-identity import .mailmap
    """
    from . import transfer

    kind = fmt or ("mailmap" if path.endswith("mailmap") else "jsonl")
    if kind not in ("jsonl", "mailmap"):
        raise fail(f"--format must be jsonl or mailmap, not {fmt!r}")
    try:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror}") from None
    importer = transfer.import_mailmap if kind == "mailmap" else transfer.import_jsonl
    database = resolve()
    with stream, wrap_db_errors("import"), connect(database) as conn:
        from .db import check_schema

        check_schema(conn)
        if sys.stderr.isatty() and not as_json:
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task(f"importing {path}", total=None)
                report = importer(
                    conn, stream, strict=strict, source=source, tick=lambda: bar.advance(task)
                )
        else:
            report = importer(conn, stream, strict=strict, source=source)
    if as_json:
        _echo_json(report.as_dict())
    else:
        for number, error in report.errors:
            typer.echo(f"{path}:{number}: {error}", err=True)
        typer.echo(
            f"imported {report.imported} of {report.lines} lines "
            f"({len(report.errors)} bad); run `cppa-identity run` to merge"
        )
    if report.errors:
        raise typer.Exit(1)


@app.command()
@handled
def export(
    fmt: Annotated[str, typer.Option("--format", help="jsonl, csv or mailmap.")] = "jsonl",
    output: Annotated[
        str, typer.Option("--output", "-o", help="File to write (default stdout).")
    ] = "-",
    redact_emails: Annotated[
        bool, typer.Option("--redact-emails", help="Replace addresses by stable hashes.")
    ] = False,
) -> None:
    """Export identities with their profiles and emails.

    Example: cppa-identity export --format mailmap -o .mailmap
    """
    from . import transfer

    if fmt not in ("jsonl", "csv", "mailmap"):
        raise fail(f"--format must be jsonl, csv or mailmap, not {fmt!r}")
    database = resolve()
    _require_marts()
    with wrap_db_errors("export"), connect(database) as conn:
        out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115
        with out if output != "-" else contextlib.nullcontext(out):
            count = transfer.write_export(
                transfer.identities(conn, redact_emails=redact_emails), fmt, out
            )
    if output != "-":
        typer.echo(f"wrote {count} identities to {output}")


@app.command()
@handled
def grants() -> None:
    """Create roles cppa_loader, cppa_transformer, cppa_reader with least privilege.

    Grant them to login users: `grant cppa_loader to github_collector;`.
    Example: cppa-identity grants
    """
    from .db import apply_grants

    database = resolve()
    with wrap_db_errors("grants"), connect(database, autocommit=True) as conn:
        migrate(conn)
        apply_grants(conn)
    typer.echo("roles cppa_loader, cppa_transformer, cppa_reader are in place")


if __name__ == "__main__":
    main()

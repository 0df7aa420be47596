"""Data in and out: `import` (JSON Lines of loader calls, .mailmap) and `export`."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import Annotated

import typer

from ..db import check_schema, connect, resolve
from ..errors import UsageError, wrap_db_errors
from ..ops import calls, review, transfer
from ..ops.roles import READER, take_role
from .app import AsJson, app, echo_json, handled

IMPORT_FORMATS = ("jsonl", "mailmap")
CSV_REFUSED = (
    "CSV is an export-only format (a flat view for spreadsheets: it cannot say which"
    " loader wrote what); import a JSON Lines export instead:"
    " cppa-identity export --format jsonl -o dump.jsonl"
)


def import_format(path: str, fmt: str) -> str:
    """The format to read `path` in: --format, else its name; says what it assumed."""
    if fmt:
        kind, why = fmt, "as --format says"
    elif path == "-":
        raise UsageError("reading standard input needs --format jsonl or --format mailmap")
    elif path.endswith(".csv"):
        kind, why = "csv", ""
    elif path.endswith((".jsonl", ".json", ".ndjson")):
        kind, why = "jsonl", "by its extension"
    elif path.rsplit("/", 1)[-1].endswith("mailmap"):
        kind, why = "mailmap", "by its name"
    else:
        raise UsageError(
            f"cannot tell the format of {path} from its name; pass --format jsonl or --format mailmap"
        )
    if kind == "csv":
        raise UsageError(CSV_REFUSED)
    if kind not in IMPORT_FORMATS:
        raise UsageError(f"--format must be jsonl or mailmap, not {fmt!r}")
    typer.echo(f"reading {path} as {kind} ({why})", err=True)
    return kind


PROGRESS_LINES = 10_000  # a progress line on stderr this often when not on a terminal


def _every(lines: int, quiet: bool) -> Callable[[], None]:
    """A tick that says how far an import got, every `lines` lines (none with --json)."""
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if not quiet and done % lines == 0:
            typer.echo(f"… {done} lines read", err=True)

    return tick


@app.command("import")
@handled
def import_(
    path: Annotated[str, typer.Argument(help="File to read, or - for standard input.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="jsonl or mailmap (default: by name: *.jsonl, *mailmap). CSV exports"
            " cannot be imported.",
        ),
    ] = "",
    strict: Annotated[
        bool, typer.Option("--strict", help="Abort (write nothing) on the first bad line.")
    ] = False,
    source: Annotated[str, typer.Option(help="Collector name recorded with the rows.")] = "import",
    encoding: Annotated[
        str, typer.Option(help="The file's text encoding; a line not in it is reported.")
    ] = "utf-8",
    as_json: AsJson = False,
) -> None:
    """Import JSON Lines of loader calls (what `export` writes) or a git .mailmap;
    bad lines are reported by number and skipped (unless --strict).

    Example: cppa-identity import dump.jsonl    ·    cppa-identity import .mailmap
    """
    kind = import_format(path, fmt)
    try:
        "".encode(encoding)
    except LookupError:
        raise UsageError(f"--encoding {encoding!r} is not an encoding Python knows") from None
    try:
        stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    importer = transfer.import_mailmap if kind == "mailmap" else transfer.import_jsonl
    lines = transfer.read_lines(stream, encoding)
    with stream, wrap_db_errors("import"), connect(resolve()) as conn:
        check_schema(conn)
        if sys.stderr.isatty() and not as_json:
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task(f"importing {path}", total=None)
                result = importer(
                    conn, lines, strict=strict, source=source, tick=lambda: bar.advance(task)
                )
        else:
            result = importer(
                conn, lines, strict=strict, source=source, tick=_every(PROGRESS_LINES, as_json)
            )
    if as_json:
        echo_json({"format": kind, **result.as_dict()})
    else:
        for number, error in result.errors:
            typer.echo(f"{path}:{number}: {error}", err=True)
        typer.echo(
            f"imported {result.imported} of {result.lines} lines "
            f"({result.ignored} blank or comments, {len(result.errors)} bad); "
            "run `cppa-identity run` to merge"
        )
        if result.batch is not None:
            typer.echo(
                f"recorded {result.decisions} same-person decisions as batch {result.batch}"
                f" (undo: cppa-identity revoke --batch {result.batch})"
            )
    if result.errors:
        raise typer.Exit(1)


@app.command()
@handled
def export(
    fmt: Annotated[str, typer.Option("--format", help="jsonl, csv or mailmap.")] = "jsonl",
    output: Annotated[
        str, typer.Option("--output", "-o", help="File to write (default stdout).")
    ] = "-",
    redact_emails: Annotated[
        bool,
        typer.Option(
            "--redact-emails",
            help="Replace every address, in every field, by a keyed hash (the database's"
            " key, or --redact-key).",
        ),
    ] = False,
    redact_key: Annotated[
        str,
        typer.Option("--redact-key", help="The key of --redact-emails (default: the database's)."),
    ] = "",
    raw_csv: Annotated[
        bool,
        typer.Option(
            "--raw-csv",
            help="Write CSV cells as stored; by default cells starting with = + - @ get a"
            " leading ' so spreadsheets do not run them as formulas.",
        ),
    ] = False,
) -> None:
    """Export: jsonl = the loader calls that rebuild this state (profiles, emails,
    identities, relations, decisions; `import` takes it back); csv = one row per
    profile, for spreadsheets (export only); mailmap = one block per identity.

    Example: cppa-identity export -o dump.jsonl    ·    cppa-identity export --format csv
    """
    if fmt not in ("jsonl", "csv", "mailmap"):
        raise UsageError(f"--format must be jsonl, csv or mailmap, not {fmt!r}")
    with wrap_db_errors("export"), connect(resolve()) as conn:
        take_role(conn, READER, required=fmt != "jsonl")  # a loader may dump raw rows
        if fmt != "jsonl":  # the dump reads raw rows: it needs no run
            review.require_marts(conn)
        redactor = transfer.Redactor.of(conn, redact_key) if redact_emails else None
        try:
            out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror}") from None
        try:
            with out if output != "-" else contextlib.nullcontext(out):
                if fmt == "jsonl":
                    dumped = calls.dump(conn)
                    if redactor is not None:
                        dumped = (redactor.deep(item) for item in dumped)
                    count = transfer.write_lines(dumped, out)
                else:
                    count = transfer.write_export(
                        transfer.identities(conn, redact=redactor),
                        fmt,
                        out,
                        protect_csv=not raw_csv,
                    )
                out.flush()
        except OSError as exc:  # a full disk, an I/O error, a closed pipe
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    if output != "-":
        what = "loader calls" if fmt == "jsonl" else "identities"
        typer.echo(f"wrote {count} {what} to {output}")

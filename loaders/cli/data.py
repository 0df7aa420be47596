"""Data in and out: `import` (JSON Lines of loader calls, .mailmap) and `export`."""

from __future__ import annotations

import contextlib
import sys
from typing import Annotated

import typer

from ..db import check_schema, connect, resolve
from ..errors import UsageError, wrap_db_errors
from ..ops import review, transfer
from .app import app, echo_json, handled


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
    kind = fmt or ("mailmap" if path.endswith("mailmap") else "jsonl")
    if kind not in ("jsonl", "mailmap"):
        raise UsageError(f"--format must be jsonl or mailmap, not {fmt!r}")
    try:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    importer = transfer.import_mailmap if kind == "mailmap" else transfer.import_jsonl
    with stream, wrap_db_errors("import"), connect(resolve()) as conn:
        check_schema(conn)
        if sys.stderr.isatty() and not as_json:
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task(f"importing {path}", total=None)
                result = importer(
                    conn, stream, strict=strict, source=source, tick=lambda: bar.advance(task)
                )
        else:
            result = importer(conn, stream, strict=strict, source=source)
    if as_json:
        echo_json(result.as_dict())
    else:
        for number, error in result.errors:
            typer.echo(f"{path}:{number}: {error}", err=True)
        typer.echo(
            f"imported {result.imported} of {result.lines} lines "
            f"({len(result.errors)} bad); run `cppa-identity run` to merge"
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
        bool, typer.Option("--redact-emails", help="Replace addresses by stable hashes.")
    ] = False,
    raw_csv: Annotated[
        bool,
        typer.Option(
            "--raw-csv",
            help="Write CSV cells as stored; by default cells starting with = + - @ get a"
            " leading ' so spreadsheets do not run them as formulas.",
        ),
    ] = False,
) -> None:
    """Export identities with their profiles and emails.

    Example: cppa-identity export --format mailmap -o .mailmap
    """
    if fmt not in ("jsonl", "csv", "mailmap"):
        raise UsageError(f"--format must be jsonl, csv or mailmap, not {fmt!r}")
    with wrap_db_errors("export"), connect(resolve()) as conn:
        review.require_marts(conn)
        try:
            out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror}") from None
        with out if output != "-" else contextlib.nullcontext(out):
            count = transfer.write_export(
                transfer.identities(conn, redact_emails=redact_emails),
                fmt,
                out,
                protect_csv=not raw_csv,
            )
    if output != "-":
        typer.echo(f"wrote {count} identities to {output}")

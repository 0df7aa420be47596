"""What every import shares: reading a file's lines in bounded memory, the report,
and the driver that turns parsed lines into writes (all or nothing with --strict,
bad lines reported by number otherwise)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

import psycopg
from psycopg import sql

from ..errors import CppaIdentityError, ImportAborted
from .schemas import RAW

T = TypeVar("T")

CHUNK = 20_000  # lines parsed, then written together (one transaction when not --strict)
LINE_MAX = 1 << 20  # bytes of one line; a longer one is reported and skipped
ENDLESS = 64 << 20  # bytes without a newline after which the input is no file of lines

# lines a bulk write needs to be worth its fixed cost (temporary tables, a COPY,
# some statements: a few milliseconds); fewer go line by line
BULK_RUN = 64

# what a line's write may raise that makes the line bad, not the import
LINE_ERRORS = (CppaIdentityError, TypeError, ValueError, KeyError, RecursionError)


@dataclass
class ImportReport:
    lines: int = 0
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    ignored: int = 0  # blank lines and comments
    decisions: int = 0  # "same" decisions recorded (mailmap)
    batch: int | None = None  # their batch, for `revoke --batch`

    def as_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "imported": self.imported,
            "ignored": self.ignored,
            "decisions": self.decisions,
            "batch": self.batch,
            "errors": [{"line": n, "error": e} for n, e in self.errors],
        }


@dataclass(frozen=True)
class BadLine:
    """A line the reader could not give as text (too long, not in the encoding)."""

    problem: str


def read_lines(
    stream: IO[bytes], encoding: str = "utf-8", line_max: int = LINE_MAX, endless: int = ENDLESS
) -> Iterator[str | BadLine]:
    """The lines of a byte stream, decoded one by one, in bounded memory: a line
    longer than `line_max` bytes or not in `encoding` comes as a BadLine (the
    others are kept); a byte-order mark before line 1 is dropped; an input that
    goes `endless` bytes without a newline (/dev/zero) ends as a BadLine there."""
    first = True
    while True:
        raw = stream.readline(line_max + 1)
        if not raw:
            return
        if len(raw) > line_max and not raw.endswith(b"\n"):
            skipped = len(raw)
            while not raw.endswith(b"\n"):
                raw = stream.readline(line_max + 1)
                if not raw:
                    break
                skipped += len(raw)
                if skipped > endless:
                    yield BadLine(
                        f"over {endless >> 20} MiB without a newline: no file of lines;"
                        " stopped reading here (the lines before it are kept)"
                    )
                    return
            first = False
            yield BadLine(f"longer than {line_max} bytes ({skipped} bytes); skipped")
            continue
        if (
            first
            and raw.startswith(b"\xef\xbb\xbf")
            and encoding.replace("_", "-").lower() in ("utf-8", "utf8")
        ):
            raw = raw[3:]
        first = False
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError as exc:
            yield BadLine(
                f"not {encoding} (byte {exc.start + 1}: {raw[exc.start : exc.start + 1]!r});"
                " pass --encoding if the file uses another"
            )


def apply_line(
    conn: psycopg.Connection[Any],
    report: ImportReport,
    number: int,
    write: Callable[[], Any],
    strict: bool,
) -> None:
    """One line's write in its own savepoint: counted when it worked, reported by
    number when it did not (--strict: the import stops there)."""
    try:
        with conn.transaction():
            write()
        report.imported += 1
    except LINE_ERRORS as exc:
        message = f"{type(exc).__name__}: {exc}"
        report.errors.append((number, message))
        if strict:
            raise ImportAborted(f"line {number}: {message}; nothing was imported") from exc


def run_import(
    conn: psycopg.Connection[Any],
    lines: Iterable[str | BadLine],
    strict: bool,
    tick: Callable[[], None],
    parse: Callable[[str, int], T | None],
    write: Callable[[ImportReport, list[tuple[int, T]]], None],
) -> ImportReport:
    """Drive an import: `parse` turns a line into what to write (None: nothing) or
    raises ValueError; `write` writes a chunk of parsed lines, in order, counting
    and reporting each (see apply_line). --strict: one transaction, rolled back at
    the first bad line; otherwise one transaction per CHUNK lines."""
    report = ImportReport()
    pending: list[tuple[int, T]] = []

    def flush() -> None:
        if pending:
            write(report, pending[:])
            pending.clear()

    def bad(number: int, kind: str, problem: str) -> None:
        report.errors.append((number, f"{kind}: {problem}"))
        if strict:
            flush()  # a bad write on an earlier line is the one to name
            raise ImportAborted(f"line {number}: {problem}; nothing was imported")

    def one(number: int, line: str | BadLine) -> None:
        report.lines += 1
        tick()
        try:
            if isinstance(line, BadLine):
                raise ValueError(line.problem)
            parsed = parse(line, number)
        except RecursionError:
            return bad(number, "ValueError", "nested too deeply")
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            return bad(number, type(exc).__name__, str(exc))
        if parsed is None:
            report.ignored += 1
        else:
            pending.append((number, parsed))

    numbered = enumerate(lines, start=1)
    if strict:
        with conn.transaction():
            for number, line in numbered:
                one(number, line)
                if len(pending) >= CHUNK:
                    flush()
            flush()
    else:
        done = False
        while not done:
            with conn.transaction():
                for number, line in numbered:
                    one(number, line)
                    if len(pending) >= CHUNK:
                        break
                else:
                    done = True
                flush()
    report.errors.sort(key=lambda error: error[0])
    return report


def write_each(
    conn: psycopg.Connection[Any],
    strict: bool,
    call: Callable[[T], Any],
) -> Callable[[ImportReport, list[tuple[int, T]]], None]:
    """The plain writer: each line on its own (apply_line)."""

    def write(report: ImportReport, items: list[tuple[int, T]]) -> None:
        for number, item in items:
            apply_line(conn, report, number, lambda item=item: call(item), strict)  # type: ignore[misc]

    return write


def in_halves(
    report: ImportReport,
    items: list[tuple[int, T]],
    bulk: Callable[[list[tuple[int, T]]], bool],
    one_by_one: Callable[[ImportReport, list[tuple[int, T]]], None],
) -> None:
    """Write `items` in order through `bulk` (True: all written; False: nothing);
    what it refuses is halved and each half tried again, down to BULK_RUN lines,
    which go `one_by_one` (where a bad line is reported as a single call reports
    it): a bad line costs a few bulk attempts, not its whole chunk line by line."""
    if len(items) >= BULK_RUN and bulk(items):
        report.imported += len(items)
    elif len(items) >= 2 * BULK_RUN:
        half = len(items) // 2
        in_halves(report, items[:half], bulk, one_by_one)
        in_halves(report, items[half:], bulk, one_by_one)
    else:
        one_by_one(report, items)


def raw_is_empty(conn: psycopg.Connection[Any]) -> bool:
    """No raw table holds a row."""
    from .project import raw_tables

    return not conn.execute(
        sql.SQL("select {}").format(
            sql.SQL(" or ").join(
                sql.SQL("exists (select from {})").format(sql.Identifier(RAW, t))
                for t in raw_tables()
            )
        )
    ).fetchone()[0]  # type: ignore[index]

"""Import (JSON Lines of loader calls, git .mailmap files) and export (JSON Lines,
CSV, .mailmap) of identities."""

from __future__ import annotations

import csv
import functools
import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import psycopg
from psycopg.rows import dict_row

from ..errors import CppaIdentityError
from ..queries import query
from . import calls

IMPORTABLE = (
    "create_identity",
    "get_or_create_identity",
    "create_tmp_identity",
    "add_temp_profile_identity_relation",
    "remove_temp_profile_identity_relation",
    "add_email",
    "update_email",
    "remove_email",
    "get_or_create_github_account",
    "get_or_create_unknown_github_account",
    "get_or_create_slack_user",
    "get_or_create_discord_profile",
    "get_or_create_mailing_list_profile",
    "get_or_create_wg21_paper_author_profile",
    "get_or_create_youtube_speaker",
    "record_decision",
)


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


class ImportAborted(CppaIdentityError):
    """--strict import stopped at the first bad line; nothing was written."""


def _apply(
    conn: psycopg.Connection[Any],
    report: ImportReport,
    number: int,
    call: Callable[[], Any],
    strict: bool,
) -> None:
    try:
        with conn.transaction():
            call()
        report.imported += 1
    except (CppaIdentityError, TypeError, ValueError, KeyError, RecursionError) as exc:
        message = f"{type(exc).__name__}: {exc}"
        report.errors.append((number, message))
        if strict:
            raise ImportAborted(f"line {number}: {message}; nothing was imported") from exc


IMPORT_BATCH = 500  # lines per transaction when not --strict
LINE_MAX = 1 << 20  # bytes of one line; a longer one is reported and skipped
ENDLESS = 64 << 20  # bytes without a newline after which the input is no file of lines


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


def _run_import(
    conn: psycopg.Connection[Any],
    lines: Iterable[str | BadLine],
    strict: bool,
    tick: Callable[[], None],
    parse: Callable[[str, int], Callable[[], Any] | None],
) -> ImportReport:
    """Drive an import: `parse` turns a line into a write (or None for nothing) or
    raises ValueError. --strict: one transaction, rolled back at the first bad line;
    otherwise batches of IMPORT_BATCH lines, each line in its own savepoint."""
    report = ImportReport()
    numbered = enumerate(lines, start=1)

    def one(number: int, line: str | BadLine) -> None:
        report.lines += 1
        tick()
        try:
            if isinstance(line, BadLine):
                raise ValueError(line.problem)
            write = parse(line, number)
        except RecursionError:
            report.errors.append((number, "ValueError: nested too deeply"))
            if strict:
                raise ImportAborted(
                    f"line {number}: nested too deeply; nothing was imported"
                ) from None
            return
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            report.errors.append((number, f"{type(exc).__name__}: {exc}"))
            if strict:
                raise ImportAborted(f"line {number}: {exc}; nothing was imported") from exc
            return
        if write is None:
            report.ignored += 1
        else:
            _apply(conn, report, number, write, strict)

    if strict:
        with conn.transaction():
            for number, line in numbered:
                one(number, line)
        return report
    while chunk := list(itertools.islice(numbered, IMPORT_BATCH)):
        with conn.transaction():
            for number, line in chunk:
                one(number, line)
    return report


def import_jsonl(
    conn: psycopg.Connection[Any],
    lines: Iterable[str | BadLine],
    strict: bool = False,
    source: str = "import",
    tick: Callable[[], None] = lambda: None,
) -> ImportReport:
    """Each line: {"loader": "<function>", "args": {...}, "ref": "<name>"} (ref
    optional; see loaders.ops.calls). Bad lines are reported by number and skipped
    (strict: the whole file is rolled back at the first one)."""
    import loaders

    refs = calls.References(conn)

    def call(name: str, args: dict[str, Any], ref: Any) -> None:
        resolved = refs.resolve(args)
        result = getattr(loaders, name)(**{"source": source, **resolved, "conn": conn})
        refs.remember(ref, result)

    def parse(line: str, number: int) -> Callable[[], Any] | None:
        if not line.strip():
            return None
        item = json.loads(line)
        if not isinstance(item, dict):
            raise ValueError("a line must be a JSON object")
        name = item.get("loader")
        args = item.get("args", {})
        if name not in IMPORTABLE:
            raise ValueError(
                f"unknown loader {name!r} (a line names one of: {', '.join(IMPORTABLE)})"
            )
        if not isinstance(args, dict) or "conn" in args:
            raise ValueError("args must be an object of the loader's arguments")
        return functools.partial(call, name, args, item.get("ref"))

    return _run_import(conn, lines, strict, tick, parse)


MAILMAP_LINE_MAX = 4096

Entry = tuple[str | None, str]  # (name or None, email as written between < and >)


def _name_and_email(text: str, allow_empty_email: bool) -> tuple[Entry, str] | None:
    """git's parse_name_and_email: the first `Name <email>` of `text` and what
    follows it; None when there is none."""
    opening = text.find("<")
    closing = text.find(">", opening + 1) if opening >= 0 else -1
    if closing < 0 or (closing == opening + 1 and not allow_empty_email):
        return None
    name = text[:opening].strip(" \t\n\v\f\r") or None
    return (name, text[opening + 1 : closing]), text[closing + 1 :]


def parse_mailmap_line(line: str) -> tuple[Entry, Entry | None] | None:
    """One .mailmap line read as git reads it (mailmap.c, `git help gitmailmap`):
    (proper, commit) entries; commit is None for a line naming one identity; None
    for a blank line or a comment ('#' at the start). Text after the entries, and
    a second `Name` with no `<email>`, are ignored, as git ignores them. A line git
    would ignore for want of a `<email>` raises ValueError, so it is reported."""
    text = line.rstrip("\r\n")
    if text.startswith("#") or not text.strip():
        return None
    if len(text) > MAILMAP_LINE_MAX:
        raise ValueError(f"line is longer than {MAILMAP_LINE_MAX} characters")
    first = _name_and_email(text, allow_empty_email=False)
    if first is None:
        raise ValueError("no 'Name <email>' here (git ignores this line)")
    proper, rest = first
    second = _name_and_email(rest, allow_empty_email=True) if rest else None
    return proper, (second[0] if second else None)


@dataclass
class MailmapImport:
    """Profiles and decisions one .mailmap import recorded; `batch` undoes them."""

    batch: int
    decisions: int = 0


def import_mailmap(
    conn: psycopg.Connection[Any],
    lines: Iterable[str | BadLine],
    strict: bool = False,
    source: str = "mailmap",
    tick: Callable[[], None] = lambda: None,
) -> ImportReport:
    """Each (name, email) identity a line names becomes its own mailing-list
    profile (known by name and address, as commit identities are); a line mapping a
    commit identity to a proper one records a "same" decision giving the line
    number. All of an import's decisions form one batch (`revoke --batch`). An
    identity git names without a name takes the other entry's name (git keeps the
    commit's name), or its own address when the line has no name at all."""
    from ..decisions import new_batch, record_decision
    from ..mailing_list_profiles import get_or_create_mailing_list_profile

    recorded = MailmapImport(new_batch(conn))

    def profile(name: str | None, email: str) -> int:
        value, _ = get_or_create_mailing_list_profile(
            name or email or "unknown", email, conn=conn, source=source
        )
        return value.id

    def load(proper: Entry, commit: Entry | None, number: int) -> None:
        if commit is None:
            if proper[0] is not None:  # `<email>` alone maps nothing
                profile(*proper)
            return
        canonical = profile(proper[0] or commit[0], proper[1])
        other = profile(commit[0] or proper[0], commit[1])
        if other != canonical and not _same_exists(conn, canonical, other):
            record_decision(
                "same",
                canonical,
                other,
                reason=f"mailmap line {number}",
                decided_by="mailmap",
                batch=recorded.batch,
                conn=conn,
                source=source,
            )
            recorded.decisions += 1

    def parse(line: str, number: int) -> Callable[[], Any] | None:
        entries = parse_mailmap_line(line)
        return functools.partial(load, *entries, number) if entries else None

    report = _run_import(conn, lines, strict, tick, parse)
    report.decisions = recorded.decisions
    report.batch = recorded.batch if recorded.decisions else None
    return report


def _same_exists(conn: psycopg.Connection[Any], a: int, b: int) -> bool:
    """A "same" decision about the pair is in force (the decisions' own lookup)."""
    in_force = conn.execute(query("decisions_in_force_on"), {"a": a, "b": b}).fetchall()
    return any(action == "same" for _, action in in_force)


# --- export ----------------------------------------------------------------------------

EXPORT_QUERY = """
select i.id as identity_id, i.display_name as identity_name, p.id as profile_id, p.type,
    p.username, p.display_name,
    coalesce((select json_agg(json_build_object('email', e.email, 'is_primary', e.is_primary,
        'is_active', e.is_active) order by e.is_primary desc, e.id)
        from cppa_identity.email as e where e.base_profile_id = p.id), '[]') as emails
from cppa_identity.identity as i
join cppa_identity.identity_profile as p on p.identity_id = i.id
order by i.id, p.id
"""


def redact(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:12]
    return f"redacted-{digest}@invalid"


def identities(
    conn: psycopg.Connection[Any], redact_emails: bool = False
) -> Iterator[dict[str, Any]]:
    """One dict per identity with its profiles and emails, streamed in id order."""
    current: dict[str, Any] | None = None
    with conn.cursor(name="cppa_export", row_factory=dict_row) as cur:
        cur.itersize = 2000
        for row in cur.execute(EXPORT_QUERY):
            if current is None or current["id"] != row["identity_id"]:
                if current is not None:
                    yield current
                current = {
                    "id": row["identity_id"],
                    "display_name": row["identity_name"],
                    "profiles": [],
                }
            emails = row["emails"]
            if redact_emails:
                emails = [{**e, "email": redact(e["email"])} for e in emails]
            current["profiles"].append(
                {
                    "id": row["profile_id"],
                    "type": row["type"],
                    "username": row["username"],
                    "display_name": row["display_name"],
                    "emails": emails,
                }
            )
    if current is not None:
        yield current


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """A CSV cell a spreadsheet will not run as a formula (OWASP: prefix cells that
    start with = + - @ tab or carriage return with a single quote)."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def write_lines(items: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """JSON Lines: one object per line; the count written."""
    count = 0
    for item in items:
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_export(
    items: Iterable[dict[str, Any]], fmt: str, out: IO[str], protect_csv: bool = True
) -> int:
    count = 0
    writer = csv.writer(out)

    def csv_row(row: list[Any]) -> None:
        writer.writerow([neutralise(c) for c in row] if protect_csv else row)

    if fmt == "csv":
        csv_row(
            [
                "identity_id",
                "identity_display_name",
                "profile_id",
                "type",
                "username",
                "display_name",
                "emails",
            ]
        )
    for item in items:
        count += 1
        if fmt == "csv":
            for p in item["profiles"]:
                csv_row(
                    [
                        item["id"],
                        item["display_name"],
                        p["id"],
                        p["type"],
                        p["username"],
                        p["display_name"],
                        ";".join(e["email"] for e in p["emails"]),
                    ]
                )
        else:
            out.write(_mailmap_lines(item))
    return count


def _mailmap_lines(item: dict[str, Any]) -> str:
    emails: list[str] = []
    for p in item["profiles"]:
        for e in p["emails"]:
            address = (e["email"] or "").strip()  # stored as given: padding included
            if (
                "@" in address
                and address not in emails
                and not any(c in address for c in "<> \t\n")
            ):
                emails.append(address)
    if not emails:
        return ""
    name = (item["display_name"] or "").replace("<", "").replace(">", "").strip()
    lines = [f"{name} <{emails[0]}>"] + [f"{name} <{emails[0]}> <{e}>" for e in emails[1:]]
    return "\n".join(lines) + "\n"

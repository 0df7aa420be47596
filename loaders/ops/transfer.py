"""Import (JSON Lines of loader calls, git .mailmap files) and export (JSON Lines,
CSV, .mailmap) of identities."""

from __future__ import annotations

import csv
import functools
import hashlib
import hmac
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import psycopg
from psycopg import sql
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
    claimed: dict[str, list[int]] = {}  # ids this import found already there, per kind
    seen: dict[Any, int] = {}  # observation lines per profile so far
    # into an empty database (a restore) nothing can be there already: every row
    # found would be one this import wrote, which the lookups exclude anyway; so
    # they are skipped (they were two round trips a line and a growing array)
    fresh = raw_is_empty(conn)

    def call(name: str, args: dict[str, Any], ref: Any) -> None:
        try:
            resolved = refs.resolve(args)
        except ValueError:
            if name == "remove_email" and _removed_already(conn, refs, args):
                return  # a re-import: that email was removed the first time
            raise
        found = None if fresh else _already_there(conn, name, resolved, claimed, seen)
        if found is not None:
            claimed.setdefault(name, []).append(found)
            refs.remember(ref, Found(found))
            return
        result = getattr(loaders, name)(**{"source": source, **resolved, "conn": conn})
        refs.remember(ref, result)
        if name in EXISTING:
            value = result[0] if isinstance(result, tuple) else result
            claimed.setdefault(name, []).append(int(value.id))

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


def raw_is_empty(conn: psycopg.Connection[Any]) -> bool:
    """No raw table holds a row."""
    from .project import raw_tables

    return not conn.execute(
        sql.SQL("select {}").format(
            sql.SQL(" or ").join(
                sql.SQL("exists (select from cppa_raw.{})").format(sql.Identifier(t))
                for t in raw_tables()
            )
        )
    ).fetchone()[0]  # type: ignore[index]


@dataclass(frozen=True)
class Found:
    """What a line would have created, found already there (its id)."""

    id: int


# loader -> the statement that finds what its line would write, already there
EXISTING = {
    "add_email": "existing_email",
    "create_identity": "existing_identity",
    "create_tmp_identity": "existing_tmp_identity",
    "record_decision": "existing_decision",
}


# loader -> (platform, raw table, how the key is read from its arguments, and the
# observation columns with the argument each comes from)
OBSERVATIONS: dict[str, tuple[str, str, Callable[[dict[str, Any]], Any], dict[str, Any]]] = {
    "get_or_create_github_account": (
        "github",
        "github_accounts",
        lambda a: a.get("github_account_id"),
        {c: c for c in ("username", "display_name", "avatar_url", "account_type")}
        | {"identity_id": "identity"},
    ),
    "get_or_create_discord_profile": (
        "discord",
        "discord_profiles",
        lambda a: a.get("discord_user_id"),
        {c: c for c in ("username", "display_name", "avatar_url", "is_bot")}
        | {"identity_id": "identity"},
    ),
    "get_or_create_youtube_speaker": (
        "youtube",
        "youtube_speakers",
        lambda a: a.get("external_id"),
        {"display_name": "display_name", "identity_id": "identity"},
    ),
    "get_or_create_slack_user": (
        "slack",
        "slack_users",
        lambda a: (a.get("user_data") or {}).get("id"),
        {
            "username": lambda a: a["user_data"].get("name"),
            "display_name": lambda a: a["user_data"].get("real_name"),
            "avatar_url": lambda a: (a["user_data"].get("profile") or {}).get("image_72"),
        },
    ),
    "get_or_create_mailing_list_profile": (
        "mailing_list",
        "mailing_list_profiles",
        lambda a: json.dumps([a.get("display_name"), a.get("email") or ""], ensure_ascii=False),
        {"display_name": "display_name"},
    ),
    "get_or_create_wg21_paper_author_profile": (
        "wg21",
        "wg21_paper_author_profiles",
        lambda a: json.dumps([a.get("display_name"), a.get("email") or ""], ensure_ascii=False),
        {"display_name": "display_name", "author_alias": "author_alias"},
    ),
}


def _observed_already(
    conn: psycopg.Connection[Any], name: str, args: dict[str, Any], seen: dict[Any, int]
) -> int | None:
    """The profile this observation line is about, when the database already
    holds that very observation at the same place in the profile's history (the
    k-th line about a profile against its k-th observation): a dump's history
    replayed a second time. `seen` counts this import's lines per profile."""
    platform, table, key_of, columns = OBSERVATIONS[name]
    try:
        key = key_of(args)
        values = {
            column: (source(args) if callable(source) else args.get(source))
            for column, source in columns.items()
        }
    except (AttributeError, TypeError):
        return None
    if key is None or not all(
        v is None or isinstance(v, str | int | bool) for v in values.values()
    ):
        return None
    place = (platform, str(key))
    position = seen.get(place, 0)
    seen[place] = position + 1
    typed = {"identity_id": "bigint", "is_bot": "boolean"}  # the rest is text
    match = sql.SQL(" and ").join(
        sql.SQL("o.{} is not distinct from {}").format(
            sql.Identifier(column),
            sql.SQL("{}::" + typed[column]).format(sql.Placeholder(column))
            if column in typed
            else sql.SQL("nullif({}::text, '')").format(sql.Placeholder(column)),
        )
        for column in columns
    )
    statement = sql.SQL(
        "select p.base_profile_id from cppa_raw.profiles as p"
        " where p.platform = %(platform)s and p.natural_key = %(key)s"
        " and exists (select from (select * from cppa_raw.{} as h"
        " where h.base_profile_id = p.base_profile_id order by h.observation_id"
        " offset %(position)s limit 1) as o where {})"
    ).format(sql.Identifier(table), match)
    try:
        with conn.transaction():
            row = conn.execute(
                statement, {"platform": platform, "key": str(key), "position": position, **values}
            ).fetchone()
    except psycopg.Error:
        return None  # values the loader will refuse with a message of its own
    return int(row[0]) if row else None


def _already_there(
    conn: psycopg.Connection[Any],
    name: str,
    args: dict[str, Any],
    claimed: dict[str, list[int]],
    seen: dict[Any, int],
) -> int | None:
    """The id of what this call would write when the database holds it already
    (and no earlier line of this import took it): importing a dump into a
    database that holds it adds nothing. get_or_create calls need no help."""
    if name == "update_email":
        row = conn.execute(calls.SQL["current_email"], {"id": args.get("email_obj")}).fetchone()
        given = {k: args[k] for k in ("email", "is_primary", "is_active") if k in args}
        current = dict(zip(("email", "is_primary", "is_active"), row, strict=True)) if row else {}
        same = row is not None and all(current[k] == value for k, value in given.items())
        return int(args["email_obj"]) if same else None
    if name in OBSERVATIONS:
        return _observed_already(conn, name, args, seen)
    if name not in EXISTING or not all(isinstance(k, str) for k in args):
        return None
    params: dict[str, Any] = {"claimed": claimed.get(name, [])}
    if name == "add_email":
        params |= {
            "profile": args.get("base_profile"),
            "email": args.get("email"),
            "is_primary": args.get("is_primary", False),
            "is_active": args.get("is_active", True),
        }
    elif name == "record_decision":
        params |= {
            "action": args.get("action"),
            "node_a": args.get("node_a"),
            "node_b": args.get("node_b"),
            "revokes": args.get("revokes"),
            "members": args.get("members"),
            "reason": args.get("reason", ""),
        }
    else:
        params |= {
            "display_name": args.get("display_name", ""),
            "description": args.get("description", ""),
        }
    try:
        with conn.transaction():
            row = conn.execute(calls.SQL[EXISTING[name]], params).fetchone()
    except psycopg.DataError:
        return None  # values of the wrong type: the loader itself will say so
    return int(row[0]) if row else None


def _removed_already(
    conn: psycopg.Connection[Any], refs: calls.References, args: dict[str, Any]
) -> bool:
    """A remove_email line whose email this database removed already."""
    target = args.get("email_obj")
    if not (isinstance(target, dict) and set(target) == {"ref", "email"}):
        return False
    profile = refs.ids.get(target["ref"])
    if profile is None:
        return False
    row = conn.execute(
        calls.SQL["removed_email"], {"profile": profile, "email": target["email"]}
    ).fetchone()
    return bool(row and row[0])


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
            profile(*proper)
            return
        canonical = profile(proper[0] or commit[0], proper[1])
        others = [profile(commit[0] or proper[0], commit[1])]
        if commit[0] is None:  # `<address>` alone: git maps every name with it
            rows = conn.execute(ADDRESS_HOLDERS, (commit[1],)).fetchall()
            others += [int(r[0]) for r in rows if int(r[0]) not in others]
        for other in others:
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
        if entries and entries[1] is None and entries[0][0] is None:
            raise ValueError("an address alone, with no name: git maps nothing with this line")
        return functools.partial(load, *entries, number) if entries else None

    report = _run_import(conn, lines, strict, tick, parse)
    report.decisions = recorded.decisions
    report.batch = recorded.batch if recorded.decisions else None
    return report


# the profiles that hold an address now, whatever their name (git compares
# addresses without regard to case)
ADDRESS_HOLDERS = """
select distinct added.base_profile_id from cppa_raw.emails as added
where added.action = 'add' and lower(btrim(added.email)) = lower(btrim(%s))
    and not exists (
        select from cppa_raw.emails as gone
        where gone.email_id = added.email_id and gone.action = 'remove'
    )
order by 1
"""


def _same_exists(conn: psycopg.Connection[Any], a: int, b: int) -> bool:
    """A "same" decision about the pair is in force (the decisions' own lookup)."""
    in_force = conn.execute(query("decisions_in_force_on"), {"a": a, "b": b}).fetchall()
    return any(action == "same" for _, action in in_force)


# --- export ----------------------------------------------------------------------------

EXPORT_QUERY = """
with shared as (
    -- addresses more than one identity uses (a list relay, a team address)
    select lower(btrim(e.email)) as address
    from cppa_identity.email as e
    join cppa_identity.identity_profile as p on p.id = e.base_profile_id
    group by lower(btrim(e.email))
    having count(distinct p.identity_id) > 1
)
select i.id as identity_id, i.display_name as identity_name, p.id as profile_id, p.type,
    p.username, p.display_name,
    coalesce((select json_agg(json_build_object('email', e.email, 'is_primary', e.is_primary,
        'is_active', e.is_active,
        'shared', lower(btrim(e.email)) in (select shared.address from shared))
        order by e.is_primary desc, e.id)
        from cppa_identity.email as e where e.base_profile_id = p.id), '[]') as emails
from cppa_identity.identity as i
join cppa_identity.identity_profile as p on p.identity_id = i.id
order by i.id, p.id
"""


# an address anywhere in a text: a name that is one, "Jane <jane@x.org>", a reason
ADDRESS_IN_TEXT = re.compile(r"[^\s<>()\[\],;:\"'@]+@[^\s<>()\[\],;:\"'@]+")


@dataclass(frozen=True)
class Redactor:
    """`export --redact-emails`: every address, in every field that can carry one,
    becomes `redacted:<keyed hash>`, the same for the same address (so identities
    keep their shape) and no longer an address at all."""

    key: bytes

    @classmethod
    def of(cls, conn: psycopg.Connection[Any], given: str = "") -> Redactor:
        """The database's key (migration 0008), or the one given."""
        if given:
            return cls(given.encode())
        row = conn.execute(
            "select value from cppa_ops.settings where key = 'redaction_key'"
        ).fetchone()
        if row is None:
            raise CppaIdentityError("this database has no redaction key: run `cppa-identity init`")
        return cls(str(row[0]).encode())

    def address(self, email: str) -> str:
        digest = hmac.new(self.key, email.strip().lower().encode(), hashlib.sha256)
        return f"redacted:{digest.hexdigest()[:20]}"

    def text(self, value: str) -> str:
        return ADDRESS_IN_TEXT.sub(lambda m: self.address(m.group()), value)

    def deep(self, value: Any) -> Any:
        """`value` with every string redacted: a field named email whole, any other
        where it contains an address."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.deep(v) for v in value]
        if isinstance(value, dict):
            return {
                k: self.address(v) if k == "email" and isinstance(v, str) and v else self.deep(v)
                for k, v in value.items()
            }
        return value


def identities(
    conn: psycopg.Connection[Any], redact: Redactor | None = None
) -> Iterator[dict[str, Any]]:
    """One dict per identity with its profiles and emails, streamed in id order."""
    current: dict[str, Any] | None = None
    with conn.cursor(name="cppa_export", row_factory=dict_row) as cur:
        cur.itersize = 2000
        for row in cur.execute(EXPORT_QUERY):
            if current is None or current["id"] != row["identity_id"]:
                if current is not None:
                    yield redact.deep(current) if redact else current
                current = {
                    "id": row["identity_id"],
                    "display_name": row["identity_name"],
                    "profiles": [],
                }
            emails = row["emails"]
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
        yield redact.deep(current) if redact else current


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
    """One identity as git reads a .mailmap: its name and first own address, then
    each other address mapped to it. An address other identities use too (a list
    relay, "X via Boost <boost@lists…>") is mapped only together with the name
    this profile used with it, so each sender keeps their own identity."""

    def usable(address: str) -> bool:  # git takes any text between < and >
        return bool(address) and not any(c in address for c in "<> \t\n")

    def plain(name: str | None) -> str:
        return (name or "").replace("<", "").replace(">", "").strip()

    own: list[str] = []
    shared: list[tuple[str, str]] = []  # (the profile's name, the address)
    for p in item["profiles"]:
        for e in p["emails"]:
            address = (e["email"] or "").strip()  # stored as given: padding included
            if not usable(address):
                continue
            if e.get("shared"):
                if (plain(p["display_name"]), address) not in shared:
                    shared.append((plain(p["display_name"]), address))
            elif address not in own:
                own.append(address)
    name = plain(item["display_name"])
    if not own and not shared:
        # a .mailmap maps addresses only: said in a comment, not left out unsaid
        return f"# identity {item['id']} {name}: no address, nothing for git to map\n"
    canonical = own[0] if own else shared[0][1]
    name = name or canonical  # git reads ` <address>` as no name at all
    lines = [f"{name} <{canonical}>"] + [f"{name} <{canonical}> <{e}>" for e in own[1:]]
    lines += [f"{name} <{canonical}> {sender} <{e}>" for sender, e in shared if sender]
    return "\n".join(lines) + "\n"

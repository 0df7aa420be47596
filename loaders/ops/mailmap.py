""".mailmap files, as git reads them (mailmap.c, `git help gitmailmap`): reading
a line, importing a file (profiles and "same" decisions), writing an identity."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import psycopg

from ..queries import query
from .importing import BadLine, ImportReport, run_import, write_each

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

    report = run_import(conn, lines, strict, tick, parse, write_each(conn, strict, lambda w: w()))
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


def mailmap_lines(item: dict[str, Any]) -> str:
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

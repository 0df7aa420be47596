""".mailmap files, as git reads them (mailmap.c, `git help gitmailmap`): reading
a line, importing a file (profiles and "same" decisions), writing an identity."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from ..queries import named_statements, query
from ..values import email_key_sql, normalize_email
from .importing import (
    LINE_ERRORS,
    BadLine,
    ImportReport,
    apply_line,
    in_halves,
    raw_is_empty,
    run_import,
)

MAILMAP_LINE_MAX = 4096

SQL = {
    name: statement.replace("{address_key}", email_key_sql("held.email"))
    for name, statement in named_statements(Path(__file__).parent / "sql" / "mailmap.sql").items()
}

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

    conn: psycopg.Connection[Any]
    source: str
    batch: int
    fresh: bool  # the database held no raw row before: every decision is this import's
    strict: bool
    decisions: int = 0
    same: set[frozenset[int]] = field(default_factory=set)  # pairs this import joined

    def profile(self, name: str | None, email: str) -> int:
        from ..mailing_list_profiles import get_or_create_mailing_list_profile

        value, _ = get_or_create_mailing_list_profile(
            *_profile_names(name, email), conn=self.conn, source=self.source
        )
        return value.id

    def load(self, line: MapLine) -> None:
        """One line, one loader call at a time."""
        proper, commit, number = line
        if commit is None:
            self.profile(*proper)
            return
        canonical = self.profile(proper[0] or commit[0], proper[1])
        others = [self.profile(commit[0] or proper[0], commit[1])]
        if commit[0] is None:  # `<address>` alone: git maps every name with it
            rows = self.conn.execute(
                SQL["address_holders"], (normalize_email(commit[1]),)
            ).fetchall()
            others += [int(r[0]) for r in rows if int(r[0]) not in others]
        recorded: list[frozenset[int]] = []
        try:
            for other in others:
                if other != canonical and not _same_exists(self.conn, canonical, other):
                    self.record([(canonical, other, number)])
                    recorded.append(frozenset((canonical, other)))
        except BaseException:  # the line is rolled back: so is what it counted
            self.same.difference_update(recorded)
            self.decisions -= len(recorded)
            raise

    def record(self, pairs: list[tuple[int, int, int]]) -> None:
        """ "same" decisions, one by one through record_decision."""
        from ..decisions import record_decision

        for canonical, other, number in pairs:
            record_decision(
                "same",
                canonical,
                other,
                reason=f"mailmap line {number}",
                decided_by="mailmap",
                batch=self.batch,
                conn=self.conn,
                source=self.source,
            )
            self.decisions += 1
            self.same.add(frozenset((canonical, other)))

    def write(self, report: ImportReport, items: list[tuple[int, MapLine]]) -> None:
        """A chunk of lines: in bulk when the database held nothing before (one
        COPY of profiles, one statement of decisions; in_halves), line by line
        otherwise."""
        if self.fresh:
            in_halves(report, items, self._try_bulk, self._one_by_one)
        else:
            self._one_by_one(report, items)

    def _one_by_one(self, report: ImportReport, items: list[tuple[int, MapLine]]) -> None:
        for number, line in items:
            apply_line(self.conn, report, number, functools.partial(self.load, line), self.strict)

    def _try_bulk(self, items: list[tuple[int, MapLine]]) -> bool:
        """`_in_bulk` in a savepoint: False (nothing written or counted) when it fails."""
        decisions, same = self.decisions, set(self.same)
        try:
            with self.conn.transaction():
                self._in_bulk([line for _, line in items])
        except (*LINE_ERRORS, psycopg.Error, _NotForBulk):
            self.decisions, self.same = decisions, same
            return False
        return True

    def _in_bulk(self, lines: list[MapLine]) -> None:
        """What `load` does line after line, for all of `lines`: the profiles they
        name in order of first mention (one bulk loader call), then each mapping's
        "same" decisions in order, minus the pairs already joined, in one statement.
        Only into a database this import filled: no decision but its own can be in
        force, so none can be refused."""
        from ..mailing_list_profiles import load_mailing_list_profiles, observed

        named: dict[tuple[str | None, str], tuple[str, str | None]] = {}
        rows: dict[str, dict[str, Any]] = {}  # natural key -> the bulk loader's row

        def key(name: str | None, email: str) -> tuple[str, str | None]:
            if (name, email) not in named:
                display, address = _profile_names(name, email)
                prepared = observed({"display_name": display, "email": address})
                held = prepared["email"]
                if held is not None and not held.isascii():
                    raise _NotForBulk  # PostgreSQL folds the case of others its own way
                named[name, email] = (prepared["natural_key"], held)
                rows.setdefault(
                    prepared["natural_key"], {"display_name": display, "email": address}
                )
            return named[name, email]

        mentions: list[list[tuple[str, str | None]]] = []
        addresses: set[str] = set()
        for proper, commit, _ in lines:
            if commit is None:
                mentions.append([key(*proper)])
                continue
            mentions.append(
                [key(proper[0] or commit[0], proper[1]), key(commit[0] or proper[0], commit[1])]
            )
            if commit[0] is None:
                if not commit[1].isascii():
                    raise _NotForBulk
                addresses.add(normalize_email(commit[1]))
        holders: dict[str, set[int]] = {}
        for address, profile in self.conn.execute(SQL["holders_of"], (sorted(addresses),)):
            holders.setdefault(address, set()).add(int(profile))
        ids = dict(
            zip(
                rows,
                load_mailing_list_profiles(list(rows.values()), conn=self.conn, source=self.source),
                strict=True,
            )
        )
        pairs: list[tuple[int, int, int]] = []
        for (_, commit, number), mentioned in zip(lines, mentions, strict=True):
            for natural_key, held in mentioned:
                if held is not None:
                    holders.setdefault(normalize_email(held), set()).add(ids[natural_key])
            if commit is None:
                continue
            canonical, other = (ids[k] for k, _ in mentioned)
            others = [other]
            if commit[0] is None:
                others += [
                    p
                    for p in sorted(holders.get(normalize_email(commit[1]), ()))
                    if p not in others
                ]
            for other in others:
                pair = frozenset((canonical, other))
                if other != canonical and pair not in self.same:
                    pairs.append((canonical, other, number))
                    self.same.add(pair)
        if pairs:
            self.conn.execute(
                SQL["same_decisions"],
                (
                    [a for a, _, _ in pairs],
                    [b for _, b, _ in pairs],
                    [f"mailmap line {n}" for _, _, n in pairs],
                    "mailmap",
                    self.source,
                    self.batch,
                ),
            ).fetchall()
            self.decisions += len(pairs)


class _NotForBulk(Exception):
    """A chunk the bulk path leaves to the line-by-line path."""


MapLine = tuple[Entry, "Entry | None", int]


def _profile_names(name: str | None, email: str) -> tuple[str, str]:
    """The name and address a mailmap identity's profile is created with."""
    return name or email or "unknown", email


def import_mailmap(
    conn: psycopg.Connection[Any],
    lines: Iterable[str | BadLine],
    strict: bool = False,
    source: str = "mailmap",
    tick: Callable[[], None] = lambda: None,
    bulk: bool = True,
) -> ImportReport:
    """Each (name, email) identity a line names becomes its own mailing-list
    profile (known by name and address, as commit identities are); a line mapping a
    commit identity to a proper one records a "same" decision giving the line
    number. All of an import's decisions form one batch (`revoke --batch`). An
    identity git names without a name takes the other entry's name (git keeps the
    commit's name), or its own address when the line has no name at all.
    `bulk=False` writes line by line even into an empty database."""
    from ..decisions import new_batch

    fresh = bulk and raw_is_empty(conn)
    recorded = MailmapImport(conn, source, new_batch(conn), fresh, strict)

    def parse(line: str, number: int) -> MapLine | None:
        entries = parse_mailmap_line(line)
        if entries and entries[1] is None and entries[0][0] is None:
            raise ValueError("an address alone, with no name: git maps nothing with this line")
        return (*entries, number) if entries else None

    report = run_import(conn, lines, strict, tick, parse, recorded.write)
    report.decisions = recorded.decisions
    report.batch = recorded.batch if recorded.decisions else None
    return report


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

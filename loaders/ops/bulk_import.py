"""The bulk path of a JSON Lines import into an empty database: a run of lines
about profiles of one platform (each profile once) and their emails becomes one
bulk loader call per kind (one COPY each) instead of a call per line.

A run writes what its lines would have written one by one: new profiles take
their ids in line order, each profile's observations and emails keep their order
(a run ends where a profile's second observation starts), and every call gets
the arguments the single call would have got, defaults included. A run the bulk
loaders refuse (a bad line in it) is rolled back and written line by line, so
each bad line is reported as the single call reports it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import psycopg

import loaders

from .. import emails
from ..platforms import PLATFORMS
from .importing import LINE_ERRORS, ImportReport, in_halves
from .jsonl_import import Call, JsonlImport, observed, parameters

Item = tuple[int, Call]
Writer = Callable[[ImportReport, list[Item]], None]

# single call -> the bulk loader of its platform
PROFILE_LOADS: dict[str, Callable[..., list[int]]] = {
    p.single: getattr(loaders, p.bulk) for p in PLATFORMS
}
EMAIL_LINES = ("add_email", "update_email", "remove_email")


def row_of(single: str, args: Mapping[str, Any]) -> Mapping[str, Any]:
    """The bulk loader's row for a single call's (resolved) arguments, defaults
    filled in as the single call fills them; ValueError for arguments the bulk
    loader would read otherwise (the line then goes alone)."""
    named = parameters(single)
    if set(args) - set(named):
        raise ValueError(f"arguments {sorted(set(args) - set(named))} are not {single}'s")
    if single == "get_or_create_slack_user":  # one argument: the Slack API's user dict
        user = args.get("user_data")
        if not isinstance(user, Mapping):
            raise ValueError("user_data must be an object")
        return user
    missing = [p for p, default in named.items() if p not in args and default is _EMPTY]
    if missing:
        raise ValueError(f"{single} needs {missing}")
    return {p: args.get(p, default) for p, default in named.items()}


_EMPTY = inspect.Parameter.empty


def _key(line: Call) -> str | None:
    """The profile a line is about, its natural key as the loader computes it;
    None when its arguments do not say (the identity, a ref still, aside)."""
    prepared = observed(line.name, {k: v for k, v in line.args.items() if k != "identity"})
    return None if prepared is None else str(prepared["natural_key"])


def _emails(line: Call) -> bool:
    """The profile line may add an address (a mailing-list or WG21 key's, a Slack
    user's profile.email): yes when the loader would record one, or when it is
    not sure what the loader would make of the line."""
    prepared = observed(line.name, {k: v for k, v in line.args.items() if k != "identity"})
    return prepared is None or bool(prepared.get("email"))


def runs(items: list[Item]) -> Iterator[list[Item]]:
    """The lines in order, cut into runs the bulk path can write together: profile
    lines of one platform, each profile once, with email lines (no ref on an
    update or removal); any other line (a deleted profile's too, or one naming an
    identity: the bulk loaders keep one only on a new profile, and only a declared
    one; or one holding a field as '': they read '' as "not given"; or one with
    "fields": they record what the arguments say) is a run of its own."""
    current: list[Item] = []
    platform: str | None = None
    keys: set[str] = set()
    emailed = False  # an email line is in the run
    for item in items:
        line = item[1]
        if (
            line.name in PROFILE_LOADS
            and not line.removed
            and not line.logged()  # written as logged, alone (jsonl_import.as_logged)
            and (key := _key(line)) is not None
        ):
            # emails take their ids in line order: the bulk loader adds a new
            # profile's own address before the run's email lines add theirs
            if platform not in (None, line.name) or key in keys or (emailed and _emails(line)):
                yield current
                current, keys, emailed = [], set(), False
            platform = line.name
            keys.add(key)
            current.append(item)
        elif line.name == "add_email" or (line.name in EMAIL_LINES and line.ref is None):
            current.append(item)
            emailed = True
        else:
            if current:
                yield current
            yield [item]
            current, platform, keys, emailed = [], None, set(), False
    if current:
        yield current


def writer(state: JsonlImport, one_by_one: Writer) -> Writer:
    """Write a chunk of lines run by run, each in bulk where it can (in_halves);
    any other line alone."""

    def write(report: ImportReport, items: list[Item]) -> None:
        for run in runs(items):
            in_halves(report, run, lambda part: _in_bulk(state, part), one_by_one)

    return write


def _in_bulk(state: JsonlImport, run: list[Item]) -> bool:
    """Write `run` through the bulk loaders in one savepoint; False (nothing
    written, no ref kept) when they refuse it."""
    refs = state.refs
    journal: list[tuple[str, int | None]] = []
    batches = set(refs.batches)

    def remember(ref: Any, value: int) -> None:
        if ref is None:
            return
        if not isinstance(ref, str):
            raise ValueError(f"ref must be a string, not {ref!r}")
        journal.append((ref, refs.ids.get(ref)))
        refs.ids[ref] = value

    conn = state.conn
    try:
        with conn.transaction():
            profiles = [line for _, line in run if line.name in PROFILE_LOADS]
            if profiles:
                single = profiles[0].name
                rows = [row_of(single, refs.resolve(line.args)) for line in profiles]
                ids = PROFILE_LOADS[single](rows, conn=conn, source=state.source)
                for line, value in zip(profiles, ids, strict=True):
                    remember(line.ref, value)
            added: list[Call] = []

            def add() -> None:
                rows = [refs.resolve(line.args) for line in added]
                for row in rows:
                    if set(row) - {"base_profile", "email", "is_primary", "is_active"}:
                        raise ValueError("not add_email's arguments")
                ids = emails.load_emails(rows, conn=conn, source=state.source)
                for line, value in zip(added, ids, strict=True):
                    remember(line.ref, value)
                added.clear()

            for _, line in run:
                if line.name == "add_email":
                    added.append(line)
                elif line.name in EMAIL_LINES:
                    add()  # an update or removal comes after the adds before it
                    state.call(line)
            add()
    except (*LINE_ERRORS, psycopg.Error):
        for ref, before in reversed(journal):
            if before is None:
                del refs.ids[ref]
            else:
                refs.ids[ref] = before
        for name in set(refs.batches) - batches:
            del refs.batches[name]
        return False
    return True

"""JSON Lines import: each line one loader call (what `export` writes; see
loaders.ops.calls). Into an empty database (a restore) runs of profile and email
lines go through the bulk loaders (loaders.ops.bulk_import); otherwise, and for
any run the bulk loaders refuse, each line is one call, and a line whose write
the database holds already (a dump imported twice) adds nothing."""

from __future__ import annotations

import functools
import importlib
import inspect
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

import loaders

from .. import _validate as v
from ..errors import CppaIdentityError, InvalidInput
from ..platforms import BY_NAME, BY_SINGLE, PLATFORMS, Platform
from . import calls
from .importing import BadLine, ImportReport, raw_is_empty, run_import, write_each
from .schemas import RAW

IMPORTABLE = (
    "create_identity",
    "get_or_create_identity",
    "create_tmp_identity",
    "add_temp_profile_identity_relation",
    "remove_temp_profile_identity_relation",
    "add_email",
    "update_email",
    "remove_email",
    *(platform.single for platform in PLATFORMS),
    "get_or_create_unknown_github_account",
    "record_decision",
)


@dataclass(frozen=True)
class Call:
    """One parsed line: the loader it names, its arguments (refs unresolved), its
    ref, whether the node it names was deleted (through the Django drop-in), and
    the identity a profile line's observation names when its loader takes none
    (a Slack user, a list poster, a WG21 author: the Django drop-in logs one),
    the fields its observation holds as '' (cleared through the drop-in), the
    text fields it holds otherwise than its arguments say (`fields`: a list
    poster's or WG21 author's name, renamed through the drop-in), and the
    profile's stored key where its arguments would say another (`key`: the
    drop-in's 'django:<id>')."""

    name: str
    args: dict[str, Any]
    ref: Any
    removed: bool = False
    identity: Any = None
    cleared: tuple[str, ...] = ()
    fields: tuple[tuple[str, str | None], ...] = ()
    key: str | None = None

    def named_identity(self) -> Any:
        """The identity this profile line's observation names (unresolved), in
        its arguments or on the line; None when it names none."""
        if self.identity is not None:
            return self.identity
        return self.args.get("identity") if self.name in BY_SINGLE else None

    def logged(self) -> bool:
        """A profile line the import writes as the log held it (as_logged): its
        observation names an identity, holds a field as '', holds fields its
        arguments do not say, or is about a profile whose key they do not say."""
        return (
            self.named_identity() is not None
            or bool(self.cleared or self.fields)
            or self.key is not None
        )


# a commit author without a GitHub user: its first observation's line creates it,
# a later one's (a Django user's change) is written as logged
UNKNOWN_AUTHOR = calls.UNKNOWN_AUTHOR


def _platform(name: str) -> Platform | None:
    """The platform a line of loader `name` observes a profile of, if any."""
    return BY_NAME["github"] if name == UNKNOWN_AUTHOR else BY_SINGLE.get(name)


# a line that names a node of this kind may say the node was deleted (the lines
# the dump writes: get_or_create_identity, which may find any identity of that
# name, is not one)
REMOVABLE = {
    "create_identity": "identity",
    "create_tmp_identity": "tmp_identity",
    "get_or_create_unknown_github_account": "profile",
    **{platform.single: "profile" for platform in PLATFORMS},
}


class JsonlImport:
    """What the lines of one import share: the refs they defined, and (into a
    database that held rows already) what each lookup found there."""

    def __init__(self, conn: psycopg.Connection[Any], source: str) -> None:
        self.conn = conn
        self.source = source
        self.refs = calls.References(conn)
        self.claimed: dict[str, list[int]] = {}  # ids found already there, per kind
        self.seen: dict[Any, int] = {}  # observation lines per profile so far
        # into an empty database (a restore) nothing can be there already: every
        # row found would be one this import wrote, which the lookups exclude
        # anyway; so they are skipped (two round trips a line and a growing array)
        self.fresh = raw_is_empty(conn)

    def call(self, line: Call) -> None:
        """One line, as one loader call."""
        conn, name, ref = self.conn, line.name, line.ref
        try:
            resolved = self.refs.resolve(line.args)
        except ValueError:
            if name == "remove_email" and _removed_already(conn, self.refs, line.args):
                return  # a re-import: that email was removed the first time
            raise
        identity = line.named_identity()
        if identity is not None:  # an observation as the log holds it: see as_logged
            resolved = {**resolved, "identity": self.refs.resolve(identity)}
        found = (
            None if self.fresh else _already_there(conn, line, resolved, self.claimed, self.seen)
        )
        if found is not None:
            self.claimed.setdefault(name, []).append(found)
            self.refs.remember(ref, Found(found))
        else:
            if line.logged():
                result = as_logged(
                    conn, name, resolved, self.source, line.cleared, dict(line.fields), line.key
                )
            else:
                result = getattr(loaders, name)(**{"source": self.source, **resolved, "conn": conn})
            self.refs.remember(ref, result)
            if name in EXISTING:
                value = result[0] if isinstance(result, tuple) else result
                self.claimed.setdefault(name, []).append(int(value.id))
        if line.removed:
            self.remove(REMOVABLE[name], self.refs.ids[ref])

    def remove(self, kind: str, node_id: int) -> None:
        """Delete node `node_id` as the Django drop-in did (once)."""
        statement = "remove_identity" if kind == "identity" else "remove_node"
        self.conn.execute(
            calls.SQL[statement], {"id": node_id, "kind": kind, "source": self.source}
        )


def parse_call(line: str, number: int) -> Call | None:
    """A line as a Call (None: a blank line); ValueError when it is none."""
    if not line.strip():
        return None
    item = json.loads(line)
    if not isinstance(item, dict):
        raise ValueError("a line must be a JSON object")
    name = item.get("loader")
    args = item.get("args", {})
    if name not in IMPORTABLE:
        raise ValueError(f"unknown loader {name!r} (a line names one of: {', '.join(IMPORTABLE)})")
    if not isinstance(args, dict) or "conn" in args:
        raise ValueError("args must be an object of the loader's arguments")
    removed = item.get("removed", False)
    if removed is not False and (
        removed is not True or name not in REMOVABLE or not item.get("ref")
    ):
        raise ValueError(
            f"removed: {removed!r}; only true, on a line with a ref that names a node"
            f" ({', '.join(sorted(REMOVABLE))})"
        )
    identity = item.get("identity")
    if identity is not None and (_platform(name) is None or args.get("identity") is not None):
        raise ValueError(
            f"identity: {identity!r}; only on a line about a profile"
            f" ({', '.join([*BY_SINGLE, UNKNOWN_AUTHOR])}), and not besides args.identity"
        )
    cleared = _cleared(name, item)
    fields = _fields(name, item, cleared)
    key = _stored_key(name, item)
    return Call(name, args, item.get("ref"), removed, identity, cleared, fields, key)


def _stored_key(name: str, item: dict[str, Any]) -> str | None:
    """A line's "key": the stored key of the profile it is about, where its
    arguments would say another (the Django drop-in keys a profile 'django:<id>'
    when it has no key of its platform's, or another profile holds that; a
    Django user may change the platform id a profile's row holds);
    ValueError on a line about no profile of a platform's loader, InvalidInput
    (naming the field and the value) for a value that is no such key."""

    key = item.get("key")
    if key is None:
        return None
    platform = BY_SINGLE.get(name)
    if platform is None:
        raise ValueError(f"key: {key!r}; only on a line about a profile ({', '.join(BY_SINGLE)})")
    stored = v.text(name, "key", key, v.NAME_MAX, required=True)
    assert stored is not None
    if platform.name == "github" and v.NUMBER.fullmatch(stored) and int(stored) <= 0:
        raise InvalidInput(
            name,
            "key",
            key,
            "is a commit author's synthetic id: the importing database hands those out"
            " (get_or_create_unknown_github_account)",
        )
    return stored


def _text_fields(name: str) -> tuple[list[str], str]:
    """The text fields of the platform a line of loader `name` observes, and the
    words an error names them with."""
    platform = _platform(name)
    text = [f for f, kind in platform.fields if kind == "text"] if platform else []
    return text, (f"{name}'s: {', '.join(text)}" if text else f"none on a {name} line")


def _cleared(name: str, item: dict[str, Any]) -> tuple[str, ...]:
    """A line's "cleared": the text fields of its profile's platform its
    observation holds as '' (ValueError when it is not that)."""
    cleared = item.get("cleared")
    if cleared is None:
        return ()
    text, where = _text_fields(name)
    if (
        not isinstance(cleared, list)
        or not cleared
        or any(f not in text for f in cleared)
        or len(set(cleared)) < len(cleared)
    ):
        raise ValueError(
            f"cleared: {cleared!r}; a list of the text fields the observation holds"
            f" as '', each once ({where})"
        )
    return tuple(cleared)


def _fields(
    name: str, item: dict[str, Any], cleared: tuple[str, ...]
) -> tuple[tuple[str, str | None], ...]:
    """A line's "fields": text fields of its profile's platform (not cleared ones)
    with the value its observation holds, a non-empty string or null, where the
    loader's arguments would record another (ValueError when it is not that;
    InvalidInput, naming the field and the value, for a value a loader refuses)."""

    fields = item.get("fields")
    if fields is None:
        return ()
    text, where = _text_fields(name)
    if not isinstance(fields, dict) or not fields or any(f not in text for f in fields):
        raise ValueError(
            f"fields: {fields!r}; an object of the text fields the observation holds"
            f" otherwise than its arguments say, with their values ({where})"
        )
    for field, value in fields.items():
        if field in cleared:
            raise ValueError(f"fields: {field!r} is in cleared too")
        if value == "":
            raise InvalidInput(name, f"fields.{field}", value, "'' goes in cleared")
        limit = v.URL_MAX if field == "avatar_url" else v.NAME_MAX
        v.text(name, f"fields.{field}", value, limit)
    return tuple(fields.items())


def import_jsonl(
    conn: psycopg.Connection[Any],
    lines: Iterable[str | BadLine],
    strict: bool = False,
    source: str = "import",
    tick: Callable[[], None] = lambda: None,
    bulk: bool = True,
) -> ImportReport:
    """Each line: {"loader": "<function>", "args": {...}, "ref": "<name>"} (ref
    optional; see loaders.ops.calls). Bad lines are reported by number and skipped
    (strict: the whole file is rolled back at the first one). `bulk=False` writes
    line by line even into an empty database (what the bulk path is checked against)."""
    from . import bulk_import

    state = JsonlImport(conn, source)
    one_by_one = write_each(conn, strict, state.call)
    write = bulk_import.writer(state, one_by_one) if bulk and state.fresh else one_by_one
    return run_import(conn, lines, strict, tick, parse_call, write)


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


@functools.cache
def parameters(single: str) -> dict[str, Any]:
    """A loader's arguments (not conn, source) with their defaults."""
    function = getattr(loaders, single)
    return {
        name: p.default
        for name, p in inspect.signature(function).parameters.items()
        if p.kind is not inspect.Parameter.KEYWORD_ONLY
    }


def as_logged(
    conn: psycopg.Connection[Any],
    name: str,
    args: dict[str, Any],
    source: str,
    cleared: tuple[str, ...] = (),
    fields: dict[str, str | None] | None = None,
    key: str | None = None,
) -> tuple[Any, bool]:
    """A profile line whose observation names an identity (`args["identity"]`,
    resolved) or holds fields as '' (`cleared`), written as the raw log held it:
    the profile loader `name`'s observation (its module validates the arguments),
    always written, with that identity, whether the profile is new or not (a
    Django user may point a profile at an identity any time) and whether the
    identity is a declared one or a profile (the Django drop-in's Identity rows a
    run wrote back have their oldest profile's id), and with '' in each cleared
    field, and the value `fields` gives each of its fields (one the arguments
    cannot say: a list poster's or WG21 author's name is the key's). The loader
    itself keeps a call's identity only when it creates the profile, and only a
    declared one, reads '' as "not given", and records the key's name: the line
    would be refused, its identity dropped, a cleared field brought back, or a
    renamed field named as before. `key`: the profile's stored key, where the
    arguments would name another profile (the Django drop-in's 'django:<id>');
    the platform's id the arguments give is the observation's still. A commit
    author's line (no GitHub user) records its observation of the author its
    name is the key of."""
    from .._profiles import record

    named = parameters(name)
    given = {k: val for k, val in args.items() if k != "identity"}
    unknown = sorted(set(given) - set(named))
    missing = sorted(p for p, d in named.items() if p not in given and d is inspect.Parameter.empty)
    if unknown:
        raise TypeError(f"{name}: {unknown} are not its arguments")
    if missing:
        raise TypeError(f"{name}: missing arguments {missing}")
    identity_id = v.optional_node_id(name, "identity", args.get("identity"))
    if name == UNKNOWN_AUTHOR:
        from ..github_accounts import unknown_observed, upsert_unknown

        values = unknown_observed(given.get("name"), name)
        values.update(dict.fromkeys(cleared, ""))
        values.update(fields or {})
        address = v.text(name, "email", given.get("email"), v.EMAIL_MAX)
        return upsert_unknown(name, values, conn, source, identity_id, address, as_logged=True)
    platform = BY_SINGLE[name]
    module = importlib.import_module(platform.module)
    prepared = dict(module.observed(named | given | {"identity": None}))
    prepared["identity_id"] = identity_id
    prepared.update(dict.fromkeys(cleared, ""))
    prepared.update(fields or {})
    if key is not None:
        if platform.key_column:
            prepared["key_value"] = prepared["natural_key"]
        prepared["natural_key"] = key
    return record(module.SPEC, name, prepared, conn, source, as_logged=True)


def observed(name: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """What the profile loader `name` records for these (resolved) arguments, as
    its own module computes it (natural key, fields, identity, address); None
    when it would refuse them (it then says why itself)."""
    module = importlib.import_module(BY_SINGLE[name].module)
    try:
        return dict(module.observed(parameters(name) | args))
    except (CppaIdentityError, TypeError, ValueError, KeyError, AttributeError):
        return None


def _observed_already(
    conn: psycopg.Connection[Any],
    name: str,
    args: dict[str, Any],
    seen: dict[Any, int],
    cleared: tuple[str, ...] = (),
    fields: dict[str, str | None] | None = None,
    stored_key: str | None = None,
) -> int | None:
    """The profile this observation line is about, when the database already
    holds that very observation at the same place in the profile's history (the
    k-th line about a profile against its k-th observation): a dump's history
    replayed a second time. `seen` counts this import's lines per profile;
    `cleared`: the fields the line says the observation holds as ''; `fields`:
    those it holds otherwise than the arguments say; `stored_key`: the profile's
    key, where the arguments say another."""
    platform = _platform(name)
    assert platform is not None
    prepared = _observed_by(conn, name, {k: v for k, v in args.items() if k != "identity"})
    if prepared is None:
        return None
    prepared["identity_id"] = args.get("identity")  # every platform's raw rows hold one
    prepared.update(dict.fromkeys(cleared, ""))
    prepared.update(fields or {})
    key = prepared["natural_key"] if stored_key is None else stored_key
    typed = dict(platform.fields) | {"identity_id": "bigint"}
    columns = [*platform.field_names, "identity_id"]
    values = {column: prepared.get(column) for column in columns}
    place = (platform.name, key)
    position = seen.get(place, 0)
    seen[place] = position + 1
    match = sql.SQL(" and ").join(
        sql.SQL("o.{} is not distinct from {}").format(
            sql.Identifier(column),
            sql.SQL("nullif({}::text, '')").format(sql.Placeholder(column))
            if typed[column] == "text" and column not in cleared
            else sql.SQL("{}::" + typed[column]).format(sql.Placeholder(column)),
        )
        for column in columns
    )
    statement = sql.SQL(
        "select p.base_profile_id from {} as p"
        " where p.platform = %(platform)s and p.natural_key = %(key)s"
        " and exists (select from (select * from {} as h"
        " where h.base_profile_id = p.base_profile_id order by h.observation_id"
        " offset %(position)s limit 1) as o where {})"
    ).format(sql.Identifier(RAW, "profiles"), sql.Identifier(RAW, platform.table), match)
    try:
        with conn.transaction():
            row = conn.execute(
                statement,
                {"platform": platform.name, "key": key, "position": position, **values},
            ).fetchone()
    except psycopg.Error:
        return None  # values the loader will refuse with a message of its own
    return int(row[0]) if row else None


def _observed_by(
    conn: psycopg.Connection[Any], name: str, args: dict[str, Any]
) -> dict[str, Any] | None:
    """What profile line `name` records (see observed); a commit author's, with
    the synthetic key this database gave that author (None: it has none yet)."""
    if name != UNKNOWN_AUTHOR:
        return observed(name, args)
    from ..github_accounts import unknown_observed

    try:
        prepared = unknown_observed(args.get("name"), name)
    except CppaIdentityError:
        return None
    row = conn.execute(
        f"select github_account_id::text from {RAW}.unknown_github_authors where author_name = %s",
        (prepared["author"],),
    ).fetchone()
    return None if row is None else {**prepared, "natural_key": row[0]}


def _already_there(
    conn: psycopg.Connection[Any],
    line: Call,
    args: dict[str, Any],
    claimed: dict[str, list[int]],
    seen: dict[Any, int],
) -> int | None:
    """The id of what this call would write when the database holds it already
    (and no earlier line of this import took it): importing a dump into a
    database that holds it adds nothing. get_or_create calls need no help."""
    name = line.name
    if name == "update_email":
        row = conn.execute(calls.SQL["current_email"], {"id": args.get("email_obj")}).fetchone()
        given = {k: args[k] for k in ("email", "is_primary", "is_active") if k in args}
        current = dict(zip(("email", "is_primary", "is_active"), row, strict=True)) if row else {}
        same = row is not None and all(current[k] == value for k, value in given.items())
        return int(args["email_obj"]) if same else None
    if _platform(name) is not None:
        return _observed_already(conn, name, args, seen, line.cleared, dict(line.fields), line.key)
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
            "removed": line.removed,
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

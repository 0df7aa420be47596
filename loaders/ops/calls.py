"""The JSON Lines dump: the loader calls that rebuild a database's state, and the
references that tie them together.

A line is {"loader": <function>, "args": {...}, "ref": <name>}. "ref" names the
line's result (a profile, identity, tmp identity or decision); a later argument
{"ref": <name>} stands for that result's id, {"ref": <name>, "email": <address>}
for the id of that profile's current email with this address, {"batch": <name>}
for one new decision batch per name. "removed": true on the line that names a
node (a profile, identity or tmp identity) says the Django drop-in deleted it:
the import deletes it again, as the drop-in did. An observation keeps the
identity it names (a declared identity, or a profile: a Django user may point a
profile at an Identity a run wrote back, whose id is its oldest profile's), in
the loader's arguments when the loader takes one, else as "identity" on the
line; "cleared": [<field>, ...] on an observation's line names the fields the log
holds as '' (a Django user cleared them; in a loader's arguments '' means "not
given", as NULL does in the log); "fields": {<field>: <value>, ...} holds the
text fields the log holds otherwise than the loader's arguments would record
them (a list poster's or WG21 author's name, which their loaders take from the
key, renamed through the drop-in); "key": <natural key> is the profile's stored
key where the arguments would say another (the drop-in keys a list poster or
WG21 author it creates, and a profile whose platform id another profile holds,
'django:<id>'; the arguments keep the id the observation holds). A commit author
without a GitHub user is one get_or_create_unknown_github_account line per
observation (by name: the synthetic id is the importing database's). The import
writes a line with any of these as the log held it (jsonl_import.as_logged).
Ids are never
written, so a dump imports into any database; nodes are written in id order, so
the smallest node of each identity stays the smallest and identities keep their
shape.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from ..platforms import BY_NAME, PLATFORMS, Platform
from ..queries import named_statements
from .schemas import RAW

SQL = named_statements(Path(__file__).parent / "sql" / "calls.sql")

UNKNOWN_AUTHOR = "get_or_create_unknown_github_account"


def _dump_nodes() -> sql.Composed:
    """dump_nodes with each platform's observations (the registry's raw tables)."""
    observations = sql.SQL("\n").join(
        sql.SQL(
            "when {} then (select json_agg(o order by o.observation_id)"
            " from {} as o where o.base_profile_id = p.base_profile_id)"
        ).format(sql.Literal(p.name), sql.Identifier(RAW, p.table))
        for p in PLATFORMS
    )
    before, after = SQL["dump_nodes"].split("{observations}")
    return sql.Composed([sql.SQL(before), observations, sql.SQL(after)])


def node_ref(node_id: int) -> str:
    return f"n{node_id}"


def decision_ref(decision_id: int) -> str:
    return f"d{decision_id}"


def _ref(node_id: int | None) -> dict[str, str] | None:
    return None if node_id is None else {"ref": node_ref(node_id)}


def _observation_line(kind: str, key: str, o: dict[str, Any]) -> dict[str, Any]:
    """The line that records observation `o` of a profile of platform `kind` with
    natural key `key` (the platform's loader module says how), with the identity
    it names: in the arguments of a loader that takes one, else on the line (the
    Django drop-in logs one on every platform); and the fields it holds as ''
    (cleared through the Django drop-in), which a loader's argument cannot say:
    there '' means "not given", as NULL does in the log."""
    from .jsonl_import import observed

    platform = BY_NAME[kind]
    args = importlib.import_module(platform.module).arguments(key, o)
    line: dict[str, Any] = {"loader": platform.single, "args": args}
    identity = _ref(o.get("identity_id"))
    if platform.has_identity:
        args["identity"] = identity
    elif identity is not None:
        line["identity"] = identity
    said = observed(platform.single, {k: v for k, v in args.items() if k != "identity"})
    _beside(line, platform, o, said)
    if said is not None and said["natural_key"] != key:
        # a key of the profile's own (the Django drop-in's 'django:<id>'): the
        # arguments would name another profile, or none
        line["key"] = key
    return line


def _beside(
    line: dict[str, Any], platform: Platform, o: dict[str, Any], said: dict[str, Any] | None
) -> None:
    """Add to `line` what observation `o` holds beside what the loader records from
    its arguments (`said`, None when the loader would refuse them: the import then
    says why): "cleared", the text fields it holds as ''; "fields", those it holds
    otherwise, with the values the log holds (a list poster's or a WG21 author's
    name, which their loaders take from the key, renamed through the Django
    drop-in). Neither when the arguments say it all (a collector's observation)."""
    cleared = [name for name in platform.field_names if o.get(name) == ""]
    if cleared:
        line["cleared"] = cleared
    if said is None:
        return
    fields = {
        name: o.get(name)
        for name, kind in platform.fields
        if kind == "text" and name not in cleared and o.get(name) != said.get(name)
    }
    if fields:
        line["fields"] = fields


def _author_line(author: str, o: dict[str, Any]) -> dict[str, Any]:
    """The line that records observation `o` of commit author `author` (no GitHub
    user): its loader's call, with what the observation holds beside what that
    call records (a name, an avatar, an identity given through the Django
    drop-in), written as logged by the import; the synthetic account id is the
    one the importing database hands out."""
    from ..github_accounts import unknown_observed

    line: dict[str, Any] = {"loader": UNKNOWN_AUTHOR, "args": {"name": author}}
    identity = _ref(o.get("identity_id"))
    if identity is not None:
        line["identity"] = identity
    _beside(line, BY_NAME["github"], o, unknown_observed(author))
    return line


def _names(row: dict[str, Any]) -> dict[str, Any]:
    """The keys of the line that names node `row`: its ref, and whether the Django
    drop-in deleted it."""
    return {"ref": node_ref(row["id"]), **({"removed": True} if row["is_removed"] else {})}


def _profile_calls(row: dict[str, Any], later: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """A profile's observations, in order, as loader calls, then the calls that
    leave its emails as they are now. From the first later observation naming a
    node the dump writes after this one (a Django user pointed the profile at a
    newer identity), the rest goes to `later`, written once every node is."""
    ref, kind = node_ref(row["id"]), row["type"]
    out: list[dict[str, Any]] = []
    if row["author_name"] is not None:  # a commit author without a GitHub user
        observations = [
            (o.get("identity_id"), _author_line(row["author_name"], o)) for o in row["observations"]
        ]
    else:
        observations = [
            (o.get("identity_id"), _observation_line(kind, row["natural_key"], o))
            for o in row["observations"]
        ]
    # the email the creating call adds as primary: a mailing-list or WG21 key's
    added = observations[0][1]["args"].get("email") or None if observations else None
    previous = None
    for identity_id, line in observations:
        if line == previous:  # a repeated observation adds nothing
            continue
        if previous is not None and out is not later and (identity_id or 0) > row["id"]:
            yield from out
            out = later
        out.append(line if previous else {**line, **_names(row)})
        previous = line
    out.extend(_email_calls(ref, row["emails"], added))
    if out is not later:
        yield from out


def _email_calls(
    ref: str, emails: list[dict[str, Any]], added: str | None
) -> Iterator[dict[str, Any]]:
    """The calls that turn the emails a profile was created with into `emails`."""
    profile = {"ref": ref}
    kept = next((e for e in emails if added is not None and e["email"] == added), None)
    if added is not None and kept is None:
        yield {"loader": "remove_email", "args": {"email_obj": {**profile, "email": added}}}
    elif kept is not None and (kept["is_primary"], kept["is_active"]) != (True, True):
        yield {
            "loader": "update_email",
            "args": {
                "email_obj": {**profile, "email": added},
                "is_primary": kept["is_primary"],
                "is_active": kept["is_active"],
            },
        }
    for e in emails:
        if e is kept:
            continue
        yield {
            "loader": "add_email",
            "args": {
                "base_profile": profile,
                "email": e["email"],
                "is_primary": e["is_primary"],
                "is_active": e["is_active"],
            },
        }


IDENTITY_LOADERS = {"identity": "create_identity", "tmp_identity": "create_tmp_identity"}


def dump(conn: psycopg.Connection[Any]) -> Iterator[dict[str, Any]]:
    """Every loader call needed to rebuild the raw state (profiles with their
    history and current emails, declared and tmp identities, relations in force)
    and every decision, in order."""
    later: list[dict[str, Any]] = []  # observations naming a node written after them
    with conn.cursor(name="cppa_dump_nodes", row_factory=dict_row) as cur:
        cur.itersize = 2000
        for row in cur.execute(_dump_nodes()):
            if row["node"] == "profile":
                yield from _profile_calls(row, later)
                continue
            args = {"display_name": row["display_name"], "description": row["description"]}
            yield {"loader": IDENTITY_LOADERS[row["node"]], "args": args, **_names(row)}
    yield from later
    for profile, target in conn.execute(SQL["dump_relations"]).fetchall():
        yield {
            "loader": "add_temp_profile_identity_relation",
            "args": {
                "base_profile": {"ref": node_ref(profile)},
                "target_identity": {"ref": node_ref(target)},
            },
        }
    with conn.cursor(name="cppa_dump_decisions", row_factory=dict_row) as cur:
        for d in cur.execute(SQL["dump_decisions"]):
            args = {
                "action": d["action"],
                "node_a": _ref(d["node_a"]),
                "node_b": _ref(d["node_b"]),
                "reason": d["reason"],
                "decided_by": d["decided_by"],
            }
            if d["revokes_decision_id"] is not None:
                args["revokes"] = {"ref": decision_ref(d["revokes_decision_id"])}
            if d["batch_id"] is not None:
                args["batch"] = {"batch": f"b{d['batch_id']}"}
            if d["members"] is not None:
                args["members"] = [{"ref": node_ref(m)} for m in d["members"]]
            yield {"loader": "record_decision", "args": args, "ref": decision_ref(d["decision_id"])}


class References:
    """What the lines of one import named: ref -> id."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self.ids: dict[str, int] = {}
        self.batches: dict[str, int] = {}

    def resolve(self, value: Any) -> Any:
        """`value` with every {"ref": ...} replaced by the id it names and every
        {"batch": ...} by a batch of this import."""
        if isinstance(value, list):
            return [self.resolve(v) if isinstance(v, dict | list) else v for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"batch"}:  # decisions recorded together stay together
            from ..decisions import new_batch

            name = str(value["batch"])
            if name not in self.batches:
                self.batches[name] = new_batch(self.conn)
            return self.batches[name]
        if "ref" not in value:
            return {
                k: self.resolve(v) if isinstance(v, dict | list) else v for k, v in value.items()
            }
        name = value["ref"]
        if not isinstance(name, str) or name not in self.ids or set(value) - {"ref", "email"}:
            raise ValueError(
                f"{value!r} names no earlier line (a ref must be defined before it is used)"
            )
        if "email" not in value:
            return self.ids[name]
        row = self.conn.execute(
            SQL["email_of_profile"], (self.ids[name], value["email"])
        ).fetchone()
        if row is None:
            raise ValueError(f"profile {name} has no current email {value['email']!r}")
        return int(row[0])

    def remember(self, name: Any, result: Any) -> None:
        if name is None:
            return
        if not isinstance(name, str):
            raise ValueError(f"ref must be a string, not {name!r}")
        value = result[0] if isinstance(result, tuple) else result
        self.ids[name] = int(value.id)

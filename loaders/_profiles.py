"""The engine behind every platform loader: get-or-create a profile key and append
an observation, in one statement (single call) or one COPY plus set-based
statements (bulk).

Update rule, the same as dbt's: a non-empty field replaces the stored one, an
empty one keeps it. An observation that would change nothing is not stored, so
re-sending identical data does not grow the raw tables.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from . import _validate as v
from .db import statement, transaction
from .errors import NotFound, wrap_db_errors
from .platforms import Platform
from .values import Profile, email_key_sql, emails_from_json


@dataclass(frozen=True)
class Spec:
    platform: str
    table: str
    value_class: type[Profile]
    key_column: str | None  # observation column holding the natural key, if any
    key_type: str  # its SQL type
    fields: tuple[tuple[str, str], ...]  # (column, SQL type) replaced when non-empty
    has_identity: bool = False
    defaults: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, platform: Platform, value_class: type[Profile]) -> Spec:
        """The spec of a platform as the registry (loaders.platforms) declares it."""
        return cls(
            platform=platform.name,
            table=platform.table,
            value_class=value_class,
            key_column=platform.key_column,
            key_type=platform.key_type,
            fields=platform.fields,
            has_identity=platform.has_identity,
            defaults=dict(platform.defaults),
        )

    @property
    def field_names(self) -> list[str]:
        return [name for name, _ in self.fields]

    def _agg(self, column: str, order: str = "desc") -> sql.Composable:
        return sql.SQL(
            "(array_agg(o.{c} order by o.observation_id " + order + ") "
            "filter (where o.{c} is not null))[1] as {c}"
        ).format(c=sql.Identifier(column))

    def current_columns(self) -> sql.Composable:
        parts = [self._agg(name) for name in self.field_names]
        if self.key_column:
            parts.append(self._agg(self.key_column))
        if self.has_identity:
            parts.append(self._agg("identity_id", "asc"))
        return sql.SQL(", ").join(parts)

    def unchanged(self, new: str, cur: str) -> sql.Composable:
        """True when every given field of `new` already equals `cur`."""
        return sql.SQL(" and ").join(
            sql.SQL("({n}.{c} is null or {n}.{c} is not distinct from {k}.{c})").format(
                n=sql.Identifier(new), k=sql.Identifier(cur), c=sql.Identifier(name)
            )
            for name in self.field_names
        )

    def insert_columns(self, identity: bool = False) -> list[str]:
        """The columns an observation is written with; `identity`: identity_id
        whether or not a call of this platform may declare one (every raw
        platform table has the column: the Django drop-in logs one for each)."""
        return (
            ["base_profile_id"]
            + ([self.key_column] if self.key_column else [])
            + self.field_names
            + (["identity_id"] if self.has_identity or identity else [])
            + ["source"]
        )

    def single_sql(self, key_expr: str) -> sql.Composed:
        """The one-statement get-or-create; `key_expr` is SQL giving the natural key."""
        typed = sql.SQL(", ").join(
            sql.SQL("{p}::{t} as {c}").format(
                p=sql.Placeholder(name), t=sql.SQL(kind), c=sql.Identifier(name)
            )
            for name, kind in self.fields
        )
        values: list[sql.Composable] = [sql.SQL("pk.base_profile_id")]
        if self.key_column:
            # the platform's id is the key, but on an import's line that gives a
            # key of the profile's own (the Django drop-in's 'django:<id>')
            values.append(
                sql.SQL("coalesce(%(key_value)s::text, k0.natural_key)::" + self.key_type)
            )
        values += [sql.SQL("new.{}").format(sql.Identifier(n)) for n in self.field_names]
        # a call's identity counts when it creates the profile; an import's line
        # as the log holds it (as_logged) keeps its identity whenever it was said
        values.append(
            sql.SQL(
                "case when pk.created or %(as_logged)s::boolean then %(identity_id)s::bigint end"
            )
        )
        values.append(sql.SQL("%(source)s::text"))
        result: list[sql.Composable] = [
            sql.SQL("coalesce(new.{c}, cur.{c}) as {c}").format(c=sql.Identifier(n))
            for n in self.field_names
        ]
        if self.key_column:  # the platform's id, where it is not the key
            result.append(
                sql.SQL("coalesce(%(key_value)s::text, cur.{c}::text) as {c}").format(
                    c=sql.Identifier(self.key_column)
                )
            )
        if self.has_identity:
            result.append(
                sql.SQL(
                    "coalesce(cur.identity_id, case when pk.created then %(identity_id)s::bigint end)"
                    " as identity_id"
                )
            )
        return sql.SQL("""
with
k0 as materialized (select ({key_expr})::text as natural_key),
pk as materialized (
    select g.base_profile_id, g.created
    from k0, cppa_raw.get_or_create_profile(%(platform)s, k0.natural_key, %(source)s::text) as g
),
new as materialized (select {typed}),
cur as materialized (
    select count(*) as n, {current}
    from cppa_raw.{table} as o
    where o.base_profile_id = (select base_profile_id from pk)
),
ins as (
    insert into cppa_raw.{table} ({columns})
    select {values}
    from pk, k0, new, cur
    where cur.n = 0 or %(as_logged)s::boolean or not ({unchanged})
    returning observation_id
),
old_emails as materialized (
    -- lateral, so the SQL function is inlined (a sub-select argument would make
    -- PostgreSQL plan its body again on every call)
    select o.* from pk cross join lateral cppa_raw.profile_emails(pk.base_profile_id) as o
),
new_email as (
    insert into cppa_raw.emails
        (email_id, base_profile_id, action, email, is_primary, is_active, source)
    select nextval('cppa_raw.email_id_seq'), pk.base_profile_id, 'add', %(email)s::text,
        not exists (select from old_emails where old_emails.is_active), true, %(source)s::text
    from pk
    where %(email)s::text is not null
      and not exists (
          select from old_emails
          where {old_key} = {new_key})
    returning email_id, base_profile_id, email, is_primary, is_active
)
select pk.base_profile_id, pk.created, k0.natural_key, {result},
    (select coalesce(json_agg(e), '[]') from (
        select o.email_id, pk.base_profile_id, o.email, o.is_primary, o.is_active
        from old_emails as o
        union all
        select * from new_email) as e) as emails,
    (select count(*) from ins) as observed
from pk, k0, new, cur
""").format(
            key_expr=sql.SQL(key_expr),
            old_key=sql.SQL(email_key_sql("old_emails.email")),
            new_key=sql.SQL(email_key_sql("%(email)s::text")),
            typed=typed,
            current=self.current_columns(),
            table=sql.Identifier(self.table),
            columns=sql.SQL(", ").join(map(sql.Identifier, self.insert_columns(identity=True))),
            values=sql.SQL(", ").join(values),
            unchanged=self.unchanged("new", "cur"),
            result=sql.SQL(", ").join(result),
        )

    def to_value(self, row: dict[str, Any]) -> Profile:
        kwargs: dict[str, Any] = {
            "id": int(row["base_profile_id"]),
            "identity_id": row.get("identity_id"),
            "emails": emails_from_json(row.get("emails")),
        }
        for name in self.field_names:
            value = row.get(name)
            kwargs[name] = self.defaults.get(name, "") if value is None else value
        if self.key_column:
            key = row.get(self.key_column)
            key = row["natural_key"] if key is None else key
            kwargs[self.key_column] = int(key) if self.key_type == "bigint" else key
        return self.value_class(**kwargs)


# a bulk call's new addresses: one per profile and address (one rule for "the
# same address": values.email_key_sql), none a profile already holds
BULK_EMAILS = """
insert into cppa_raw.emails (email_id, base_profile_id, action, email, is_primary, is_active, source)
select nextval('cppa_raw.email_id_seq'), d.base_profile_id, 'add', d.email,
    d.rn = 1 and (d.profile_is_new or not exists (
        select from cppa_raw.profile_emails(d.base_profile_id) as pe where pe.is_active)),
    true, %(source)s::text
from (
    select u.*, row_number() over (partition by u.base_profile_id order by u.ord) as rn
    from (
        select distinct on (base_profile_id, {batch_key})
            base_profile_id, email, ord, profile_is_new
        from cppa_batch_keyed
        where email is not null
        order by base_profile_id, {batch_key}, ord
    ) as u
) as d
where d.profile_is_new or not exists (
    select from cppa_raw.profile_emails(d.base_profile_id) as pe
    where {held_key} = {new_key})
order by d.ord""".format(
    batch_key=email_key_sql("email"),
    held_key=email_key_sql("pe.email"),
    new_key=email_key_sql("d.email"),
)


def upsert(
    spec: Spec,
    function: str,
    natural_key: str | None,
    values: dict[str, Any],
    conn: psycopg.Connection[Any] | None,
    source: str | None,
    identity_id: int | None = None,
    email: str | None = None,
    key_expr: str = "%(natural_key)s",
    as_logged: bool = False,
    key_value: str | None = None,
) -> tuple[Profile, bool]:
    """Get-or-create one profile and record what was said about it: one round trip.
    `as_logged` (an import replaying the raw log): the observation is written
    even when it changes no field, with its identity whether or not the profile
    is new, and that identity may be a profile (what the Django drop-in logs
    when a profile is pointed at an identity a run wrote back). `key_value`: the
    platform id the observation holds when it is not the natural key (a profile
    the Django drop-in keyed 'django:<id>')."""
    params = {
        "platform": spec.platform,
        "natural_key": natural_key,
        "key_value": key_value,
        "source": source,
        "identity_id": identity_id,
        "email": email,
        "as_logged": as_logged,
        **values,
    }
    query = _single_sql(spec, key_expr)
    with wrap_db_errors(function), statement(conn) as c:
        if identity_id is not None:
            (check_node if as_logged else check_identity)(c, function, identity_id)
        with c.cursor(row_factory=dict_row) as cur:
            row = cur.execute(query, params).fetchone()
    assert row is not None
    return spec.to_value(row), bool(row["created"])


def record(
    spec: Spec,
    function: str,
    prepared: dict[str, Any],
    conn: psycopg.Connection[Any] | None,
    source: str | None,
    as_logged: bool = False,
) -> tuple[Profile, bool]:
    """A single call's get-or-create, from what its module's `observed` says the
    call records (natural key, fields, declared identity, address, and the key
    column's value when it is not the key); `as_logged`: see upsert."""
    values = dict(prepared)
    key = values.pop("natural_key")
    identity_id = values.pop("identity_id", None)
    email = values.pop("email", None)
    key_value = values.pop("key_value", None)
    return upsert(
        spec,
        function,
        key,
        values,
        conn,
        source,
        identity_id,
        email=email,
        as_logged=as_logged,
        key_value=key_value,
    )


_statements: dict[tuple[str, str], bytes] = {}


def _single_sql(spec: Spec, key_expr: str) -> bytes:
    """Each platform's statement, composed and rendered once per key expression
    (rendering a Composed on every call cost more than the round trip)."""
    key = (spec.table, key_expr)
    if key not in _statements:
        _statements[key] = spec.single_sql(key_expr).as_string().encode()
    return _statements[key]


def check_identity(conn: psycopg.Connection[Any], function: str, identity_id: int) -> None:
    row = conn.execute(
        "select 1 from cppa_raw.identities where identity_id = %s limit 1", (identity_id,)
    ).fetchone()
    if row is None:
        raise NotFound(f"{function}: identity={identity_id} does not exist")


def check_node(conn: psycopg.Connection[Any], function: str, identity_id: int) -> None:
    """What an observation in the raw log may name as its identity: a declared
    identity, or a profile (an identity a run wrote back has its oldest
    profile's id; the merge reads only declared ones as evidence)."""
    row = conn.execute(
        "select exists (select from cppa_raw.identities where identity_id = %(id)s)"
        " or exists (select from cppa_raw.profiles where base_profile_id = %(id)s)",
        {"id": identity_id},
    ).fetchone()
    if row is None or not row[0]:
        raise NotFound(
            f"{function}: identity={identity_id} is neither a declared identity nor a profile"
        )


def fetch(spec: Spec, conn: psycopg.Connection[Any], base_profile_id: int) -> Profile | None:
    """The current state of one profile, or None."""
    query = sql.SQL("""
select o.base_profile_id, {current},
    (select coalesce(json_agg(e), '[]') from (
        select e.*, %(id)s as base_profile_id from cppa_raw.profile_emails(%(id)s) as e) as e
    ) as emails
from cppa_raw.{table} as o
where o.base_profile_id = %(id)s
group by o.base_profile_id
""").format(current=spec.current_columns(), table=sql.Identifier(spec.table))
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(query, {"id": base_profile_id}).fetchone()
    return spec.to_value(row) if row else None


# a platform module's `observed(args, function, row)`: what a call with these
# arguments records, checked (InvalidInput names the function, field, value, row)
Observed = Callable[[Mapping[str, Any], str, int | None], dict[str, Any]]


@functools.cache
def _arguments(single: Callable[..., Any]) -> dict[str, Any]:
    """A single call's arguments (not conn, source) and their defaults; a missing
    one, or an empty text, reads as None (what the checks read "" as too)."""
    return {
        name: None if p.default is inspect.Parameter.empty or p.default == "" else p.default
        for name, p in inspect.signature(single).parameters.items()
        if p.kind is not inspect.Parameter.KEYWORD_ONLY
    }


def load(
    spec: Spec,
    function: str,
    rows: Any,
    single: Callable[..., Any],
    observed: Observed,
    conn: psycopg.Connection[Any] | None,
    source: str | None,
    row_is: str | None = None,
) -> list[int]:
    """A bulk loader: every row checked and read by the platform's `observed`, as
    the single call's arguments are (one validation path; an error names the row),
    then one COPY (bulk). A row holds the single call's arguments by name, plus an
    optional `email` added when the profile is new; with `row_is`, the row is that
    one argument (Slack's API user dict)."""
    arguments = _arguments(single)
    keys = None if row_is else frozenset((*arguments, "email"))
    prepared = []
    for number, row in v.rows(function, rows, keys):
        args = {row_is: row} if row_is else arguments | dict(row)
        values = observed(args, function, number)
        if "email" not in values:
            values["email"] = v.text(function, "email", row.get("email"), v.EMAIL_MAX, row=number)
        prepared.append(values)
    return bulk(spec, function, prepared, conn, source)


def bulk(
    spec: Spec,
    function: str,
    rows: Sequence[dict[str, Any]],
    conn: psycopg.Connection[Any] | None,
    source: str | None,
) -> list[int]:
    """COPY validated rows into a temp table, then a few set-based statements.

    `rows` are dicts with natural_key, the spec's fields, identity_id and email.
    Returns base_profile ids in input order. One transaction: all or nothing.
    """
    if not rows:
        return []
    names = spec.field_names
    types = dict(spec.fields)
    temp_cols = sql.SQL(", ").join(
        [sql.SQL("ord bigint"), sql.SQL('natural_key text collate "C"')]
        + [sql.SQL("{} {}").format(sql.Identifier(n), sql.SQL(types[n])) for n in names]
        + [sql.SQL("identity_id bigint"), sql.SQL("email text")]
    )
    copy_cols = ["ord", "natural_key", *names, "identity_id", "email"]
    obs_values: list[sql.Composable] = [sql.SQL("b.base_profile_id")]
    if spec.key_column:
        obs_values.append(sql.SQL("b.natural_key::" + spec.key_type))
    obs_values += [sql.SQL("b.{}").format(sql.Identifier(n)) for n in names]
    if spec.has_identity:
        obs_values.append(sql.SQL("case when b.created then b.identity_id end"))
    obs_values.append(sql.Placeholder("source"))
    params = {"platform": spec.platform, "source": source}
    with wrap_db_errors(function), transaction(conn) as c:
        identities = {r["identity_id"] for r in rows if r.get("identity_id") is not None}
        for identity_id in sorted(identities):
            check_identity(c, function, identity_id)
        c.execute(
            "drop table if exists pg_temp.cppa_batch, pg_temp.cppa_batch_new,"
            " pg_temp.cppa_batch_keyed"
        )
        # sorts stay in memory; the caller's setting is restored below (and by
        # any rollback), so a collector's own transaction is left as it was
        row = c.execute(
            "select current_setting('work_mem'), set_config('work_mem', '64MB', true)"
        ).fetchone()
        work_mem = row[0] if row else "4MB"
        c.execute(sql.SQL("create temp table cppa_batch ({}) on commit drop").format(temp_cols))
        with c.cursor().copy(
            sql.SQL("copy cppa_batch ({}) from stdin").format(
                sql.SQL(", ").join(map(sql.Identifier, copy_cols))
            )
        ) as copy:
            for ord_, r in enumerate(rows):
                copy.write_row(
                    [
                        ord_,
                        r["natural_key"],
                        *(r.get(n) for n in names),
                        r.get("identity_id"),
                        r.get("email"),
                    ]
                )
        # the keys no profile has yet, numbered in input order (as one call after
        # another would number them: a dump imported keeps its nodes' order)
        c.execute(
            """
create temp table cppa_batch_new on commit drop as
select d.natural_key, nextval('cppa_raw.node_id_seq') as base_profile_id
from (select natural_key, min(ord) as first from cppa_batch group by natural_key) as d
where not exists (
    select from cppa_raw.profiles as p
    where p.platform = %(platform)s and p.natural_key = d.natural_key)
order by d.first""",
            params,
        )
        # inserted in key order (the order concurrent batches lock the key index in)
        c.execute(
            """
insert into cppa_raw.profiles (base_profile_id, platform, natural_key, source)
select n.base_profile_id, %(platform)s, n.natural_key, %(source)s::text
from cppa_batch_new as n
order by n.natural_key
on conflict (platform, natural_key) do nothing""",
            params,
        )
        # new: this call created the profile (not an earlier call in the same
        # transaction, not a concurrent one that won the key)
        c.execute(
            """
create temp table cppa_batch_keyed on commit drop as
select b.*, p.base_profile_id,
    n.base_profile_id is not null as profile_is_new,
    b.ord = min(b.ord) over (partition by b.natural_key) as first_of_key,
    n.base_profile_id is not null
        and b.ord = min(b.ord) over (partition by b.natural_key) as created
from cppa_batch as b
inner join cppa_raw.profiles as p
    on p.platform = %(platform)s and b.natural_key = p.natural_key
left join cppa_batch_new as n
    on n.natural_key = b.natural_key and n.base_profile_id = p.base_profile_id""",
            params,
        )
        c.execute(
            sql.SQL("""
insert into cppa_raw.{table} ({columns})
select {values}
from cppa_batch_keyed as b
left join (
    select o.base_profile_id, {current}
    from cppa_raw.{table} as o
    where o.base_profile_id in (
        select base_profile_id from cppa_batch_keyed where not profile_is_new)
    group by o.base_profile_id
) as cur on b.base_profile_id = cur.base_profile_id
where b.created or not b.first_of_key or cur.base_profile_id is null or not ({unchanged})
order by b.ord""").format(
                table=sql.Identifier(spec.table),
                columns=sql.SQL(", ").join(map(sql.Identifier, spec.insert_columns())),
                values=sql.SQL(", ").join(obs_values),
                current=spec.current_columns(),
                unchanged=spec.unchanged("b", "cur"),
            ),
            params,
        )
        c.execute(BULK_EMAILS, params)
        ids = [
            int(r[0])
            for r in c.execute(
                "select base_profile_id from cppa_batch_keyed order by ord"
            ).fetchall()
        ]
        c.execute("select set_config('work_mem', %s, true)", (work_mem,))
    return ids

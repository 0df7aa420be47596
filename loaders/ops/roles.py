"""The least-privilege roles: one set per database (loader, transformer,
reviewer, reader), named in cppa_ops.roles, created and granted by `grants`
(loaders/ops/sql/grants.sql)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from .. import locks
from ..errors import ConfigError, InvalidInput, PermissionDenied
from . import schemas

GRANTS_FILE = Path(__file__).parent / "sql" / "grants.sql"
JOBS = ("loader", "transformer", "reviewer", "reader")
LOADER, TRANSFORMER, REVIEWER, READER = JOBS
PREFIX_RE = re.compile(r"^[a-z_][a-z0-9_]{0,50}$")
# what each job's role is also made a member of
MEMBER_OF = {REVIEWER: READER}


def default_prefix(dbname: str) -> str:
    """`cppa_<database>_`; a database name that is not a plain lower-case
    identifier, or is long, gets a short hash so that two databases never share
    a prefix (role names are at most 63 bytes)."""
    clean = re.sub(r"[^a-z0-9_]", "_", dbname.lower())
    if clean == dbname and len(clean) <= 40:
        return f"cppa_{clean}_"
    digest = hashlib.sha256(dbname.encode()).hexdigest()[:8]
    return f"cppa_{clean[:30]}_{digest}_"


def role_names(conn: psycopg.Connection[Any]) -> dict[str, str] | None:
    """The roles `grants` named for this database, by job (None before `grants`)."""
    row = conn.execute("select to_regclass(%s) is not null", (f"{schemas.OPS}.roles",)).fetchone()
    if not (row and row[0]):
        return None
    names = dict(conn.execute(f"select job, role_name from {schemas.OPS}.roles").fetchall())
    return {job: str(names[job]) for job in JOBS} if set(names) == set(JOBS) else None


def grants_applied(conn: psycopg.Connection[Any]) -> bool:
    """Whether `grants` set this database's roles up (they exist, and so do the
    owner's functions runs publish through)."""
    names = role_names(conn)
    if names is None:
        return False
    row = conn.execute(
        "select count(*) = %s and to_regprocedure(%s) is not null"
        " from pg_roles where rolname = any(%s)",
        (len(names), f"{schemas.OPS}.publish_marts(bigint)", list(names.values())),
    ).fetchone()
    return bool(row and row[0])


def role_for(conn: psycopg.Connection[Any], job: str) -> str | None:
    """This database's role for `job` when `grants` set the roles up and this
    login may take it (its members, the owner); None otherwise."""
    if not grants_applied(conn):
        return None
    names = role_names(conn) or {}
    role = names[job]
    row = conn.execute("select pg_has_role(current_user, %s, 'MEMBER')", (role,)).fetchone()
    return role if row and row[0] else None


# What a login holds beyond the transformer role that a run must not lend to the
# code it executes (SET ROLE and SET SESSION AUTHORIZATION are no boundary: code
# running in a session can take back whatever the session's login holds).
OUTRANKS_SQL = """
select why from (
    select 'the owner of this database' as why from pg_database
    where datname = current_database() and pg_has_role(%(login)s::name, datdba, 'MEMBER')
    union all
    select 'allowed to create roles' from pg_roles where rolname = %(login)s and rolcreaterole
    union all
    select format(case when n.nspowner = %(login)s::regrole then 'the owner of %%2$s'
            else 'able to act as %%1$I, the owner of %%2$s' end,
        n.nspowner::regrole, string_agg(quote_ident(n.nspname), ', ' order by n.nspname))
    from pg_namespace as n
    where n.nspowner not in (%(transformer)s::regrole, 'pg_database_owner'::regrole)
        and n.nspname not like 'pg\\_%%' and n.nspname <> 'information_schema'
        and pg_has_role(%(login)s::name, n.nspowner, 'MEMBER')
    group by n.nspowner
    union all
    select format('a member of %%I', r.rolname) from pg_roles as r
    where (r.rolname = any(%(others)s) or r.rolname in (
            'pg_read_all_data', 'pg_write_all_data', 'pg_execute_server_program',
            'pg_read_server_files', 'pg_write_server_files'))
        and pg_has_role(%(login)s::name, r.oid, 'MEMBER')
) as reasons
"""


def outranks_transformer(conn: psycopg.Connection[Any], login: str | None = None) -> list[str]:
    """What `login` (this session's by default) may do beyond the transformer role
    once `grants` ran (a superuser, the owner of a schema here, a loader or
    reviewer too, ...), in words; empty when it holds nothing more (or before
    `grants`)."""
    names = role_names(conn)
    if names is None:
        return []
    if login is None:
        row = conn.execute("select session_user").fetchone()
        login = str(row[0]) if row else ""
    params = {
        "login": login,
        "transformer": names[TRANSFORMER],
        "others": [names[LOADER], names[REVIEWER]],
    }
    row = conn.execute("select rolsuper from pg_roles where rolname = %s", (login,)).fetchone()
    if row and row[0]:
        return ["a superuser"]  # which holds every other right too
    rows = conn.execute(OUTRANKS_SQL, params).fetchall()
    return list(dict.fromkeys(str(r[0]) for r in rows))


def transformer_logins(conn: psycopg.Connection[Any]) -> list[str]:
    """Logins that hold the transformer role and nothing a run must not lend: the
    ones `run` may be started as."""
    names = role_names(conn)
    if names is None:
        return []
    rows = conn.execute(
        "select rolname from pg_roles where rolcanlogin and pg_has_role(oid, %s, 'MEMBER')"
        " order by rolname",
        (names[TRANSFORMER],),
    ).fetchall()
    return [str(r[0]) for r in rows if not outranks_transformer(conn, str(r[0]))]


def refuse_privileged_run(conn: psycopg.Connection[Any]) -> None:
    """Once `grants` ran, a run works only with the transformer's rights: a login
    that holds more (the owner, a superuser, a reviewer too) is refused
    (PermissionDenied) with the logins to run as, because a run executes what
    transformer logins can create (its work tables, their policies, triggers
    and defaults), and code running in a session can take back any right its
    login holds. A login that holds no transformer role is refused too."""
    names = role_names(conn)
    if names is None or not grants_applied(conn):
        return
    row = conn.execute("select session_user").fetchone()
    login = str(row[0]) if row else "this login"
    transformer = names[TRANSFORMER]
    if role_for(conn, TRANSFORMER) is None:
        raise PermissionDenied(
            f"{login} may not run the merge here: it is not a member of {transformer};"
            " nothing was run",
            f"ask the owner: grant {transformer} to {login}",
        )
    reasons = outranks_transformer(conn, login)
    if not reasons:
        return
    usable = transformer_logins(conn)
    use = (
        f"run it as {' or '.join(usable)}"
        if usable
        else f"ask the owner for a login that holds {transformer} and nothing more:"
        f" create role scheduler login in role {transformer}"
    )
    raise PermissionDenied(
        f"{login} may not run the merge here: it is {' and '.join(reasons)}, and a run"
        f" executes what logins of {transformer} can create, so it runs only as a login"
        " that holds that role and nothing more; nothing was run",
        use,
    )


# What a job's refusal says the login may not do.
REFUSED = {
    REVIEWER: "record or revoke decisions",
    READER: "read the marts or the run log",
    TRANSFORMER: "run the merge or set its policy",
}
DONE = {REVIEWER: "written", READER: "read", TRANSFORMER: "run"}


def take_role(conn: psycopg.Connection[Any], job: str, required: bool = True) -> str | None:
    """Work as the role of `job` (SET ROLE) where this login may: a session of the
    owner that only reads does so as the reader, a transformer login reads as
    the transformer. Once `grants` ran, a login that holds no such role is
    refused (PermissionDenied, naming the role to ask for) before anything is
    looked at, unless not `required` (an export of raw rows, which a loader may
    read). Returns the role taken."""
    role = role_for(conn, job)
    if role is None and job == READER:
        role = role_for(conn, TRANSFORMER)  # it reads what runs publish
    if role is None:
        names = role_names(conn) or {}
        if required and job in REFUSED and grants_applied(conn):
            row = conn.execute("select session_user").fetchone()
            login = str(row[0]) if row else "this login"
            raise PermissionDenied(
                f"{login} may not {REFUSED[job]} here: it is not a member of"
                f" {names[job]}; nothing was {DONE[job]}",
                f"ask the owner: grant {names[job]} to {login}",
            )
        return None
    conn.execute(sql.SQL("set role {}").format(sql.Identifier(role)))
    # every name the commands use is qualified: nothing is looked up in a schema
    # another role could create objects in (public, on servers older than 15)
    conn.execute("set search_path = pg_catalog, pg_temp")
    if not conn.autocommit:
        conn.commit()  # a later rollback must not give the session its rights back
    return role


def _names_for(conn: psycopg.Connection[Any], prefix: str | None) -> dict[str, str]:
    current = role_names(conn)
    if prefix is None:
        if current:
            return current
        row = conn.execute("select current_database()").fetchone()
        prefix = default_prefix(str(row[0]) if row else "")
    elif not PREFIX_RE.match(prefix):
        raise InvalidInput(
            "grants",
            "prefix",
            prefix,
            "must be 1 to 51 characters a-z, 0-9 or _, not starting with a digit",
        )
    wanted = {job: f"{prefix}{job}" for job in JOBS}
    if current and current != wanted:
        raise ConfigError(
            f"this database's roles are already named {', '.join(current.values())}",
            "run `cppa-identity grants` without --prefix (roles keep their names)",
        )
    return wanted


def role_statements(conn: psycopg.Connection[Any], names: dict[str, str]) -> list[str]:
    """What creating the roles still takes (CREATEROLE): the missing roles, the
    reviewer's membership in the reader, and, for an owner that is no
    superuser, its membership in the transformer (to hand run schemas over) and
    the reader (to read as it)."""
    existing = {
        str(r[0])
        for r in conn.execute(
            "select rolname from pg_roles where rolname = any(%s)", (list(names.values()),)
        ).fetchall()
    }
    statements = [
        sql.SQL("create role {} nologin").format(sql.Identifier(name)).as_string(conn)
        for job, name in names.items()
        if name not in existing
    ]
    row = conn.execute(
        "select rolsuper, current_user from pg_roles where rolname = current_user"
    ).fetchone()
    superuser, me = (bool(row[0]), str(row[1])) if row else (False, "")
    pairs = [(names[a], names[b]) for a, b in MEMBER_OF.items()]
    if not superuser:
        pairs += [(me, names[TRANSFORMER]), (me, names[READER])]
    for member, role in pairs:
        if member in existing | {me} and role in existing:
            row = conn.execute("select pg_has_role(%s, %s, 'MEMBER')", (member, role)).fetchone()
            if row and row[0]:
                continue
        statements.append(
            sql.SQL("grant {} to {}")
            .format(sql.Identifier(role), sql.Identifier(member))
            .as_string(conn)
        )
    return statements


def refuse_a_job_login(conn: psycopg.Connection[Any]) -> None:
    """Once `grants` ran, only the owner (of cppa_raw, who ran `init`) or a
    superuser re-applies it: under a job's login (a reader's, a scheduler's)
    it asked a superuser to grant that login the transformer and reader roles,
    the memberships meant for the owner."""
    if not grants_applied(conn):
        return
    row = conn.execute(
        "select session_user, pg_get_userbyid(n.nspowner),"
        " pg_has_role(current_user, n.nspowner, 'MEMBER')"
        " or (select rolsuper from pg_roles where rolname = current_user)"
        " from pg_namespace as n where n.nspname = %s",
        (schemas.RAW,),
    ).fetchone()
    if row and not row[2]:
        raise PermissionDenied(
            f"{row[0]} may not apply this database's grants: that is the job of {row[1]},"
            " the owner of its schema, and a login doing another job asks for no role"
            " this way; nothing was changed",
            f"run `cppa-identity grants` as {row[1]}",
        )


def apply_grants(conn: psycopg.Connection[Any], prefix: str | None = None) -> dict[str, str]:
    """Create this database's roles and their grants (idempotent); returns the
    role names by job. Without CREATEROLE, raises PermissionDenied with the
    statements to ask a superuser for, and changes nothing."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (locks.GRANTS,))
        names = _names_for(conn, prefix)
        refuse_a_job_login(conn)
        statements = role_statements(conn, names)
        row = conn.execute(
            "select rolsuper or rolcreaterole from pg_roles where rolname = current_user"
        ).fetchone()
        if statements and not (row and row[0]):
            raise PermissionDenied(
                "creating this database's roles needs CREATEROLE, which this login lacks;"
                " nothing was changed. Ask a superuser to run:\n  "
                + ";\n  ".join(statements)
                + ";\n",
                "then run the same `cppa-identity grants` again",
            )
        for statement in statements:
            conn.execute(statement.encode())
        for job, name in names.items():
            conn.execute(
                f"insert into {schemas.OPS}.roles (job, role_name) values (%s, %s)"
                " on conflict (job) do update set role_name = excluded.role_name",
                (job, name),
            )
        conn.execute(_grants_sql(conn, names).encode())
    return names


def _grants_sql(conn: psycopg.Connection[Any], names: dict[str, str]) -> str:
    """grants.sql with this database's role names and the schema names filled in."""
    values = {job: sql.Identifier(name).as_string(conn) for job, name in names.items()}
    values |= {f"{job}_name": sql.Literal(name).as_string(conn) for job, name in names.items()}
    named = {
        "marts": schemas.MARTS,
        "next": schemas.NEXT,
        "old": schemas.OLD,
        "history": schemas.HISTORY,
        "history_next": schemas.HISTORY_NEXT,
        "history_old": schemas.HISTORY_OLD,
    }
    values |= {f"{key}_name": sql.Literal(value).as_string(conn) for key, value in named.items()}

    def array(items: tuple[str, ...]) -> str:
        return "array[{}]::text[]".format(", ".join(sql.Literal(s).as_string(conn) for s in items))

    values |= {
        "run_schemas": array(schemas.RUN_SCHEMAS),
        "published_schemas": array(schemas.PUBLISHED),
        "retired_schemas": array(schemas.RETIRED),
    }
    text = GRANTS_FILE.read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    unfilled = sorted(set(re.findall(r"\{[a-z_]+\}", text)))
    if unfilled:
        raise RuntimeError(f"{GRANTS_FILE.name} names {', '.join(unfilled)}, which nothing fills")
    return text

"""GitHub accounts (platform `github`), including commit authors with no GitHub user."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import psycopg

from . import _validate as v
from ._profiles import Spec, fetch, load, record, upsert
from .db import statement
from .errors import InvalidInput, wrap_db_errors
from .platforms import BY_NAME
from .queries import query
from .values import GithubAccount

ACCOUNT_TYPES = ("user", "organization", "enterprise")
API_TYPES = {"User": "user", "Organization": "organization", "Enterprise": "enterprise"}

SPEC = Spec.of(BY_NAME["github"], GithubAccount)


class RestClient(Protocol):
    def rest_request(self, path: str) -> dict[str, Any]: ...


SYNTHETIC = "must be positive: ids ≤ 0 belong to commit authors without a GitHub user (get_or_create_unknown_github_account hands them out)"


def _account_id(function: str, field: str, value: Any, row: int | None = None) -> int:
    """A real GitHub account id: a positive bigint."""
    gid = v.bigint(function, field, value, row)
    if gid <= 0:
        raise InvalidInput(function, field, value, SYNTHETIC, row)
    return gid


def _fields(
    function: str,
    username: Any,
    display_name: Any,
    avatar_url: Any,
    account_type: Any,
    row: int | None = None,
) -> dict[str, Any]:
    return {
        "username": v.text(function, "username", username, row=row),
        "display_name": v.text(function, "display_name", display_name, row=row),
        "avatar_url": v.text(function, "avatar_url", avatar_url, v.URL_MAX, row=row),
        "account_type": v.choice(function, "account_type", account_type, ACCOUNT_TYPES, row),
    }


def get_or_create_github_account(
    github_account_id: int | str,
    username: str | None = "",
    display_name: str | None = "",
    avatar_url: str | None = "",
    account_type: str = "user",
    identity: Any = None,
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> tuple[GithubAccount, bool]:
    """Get or create the account keyed by `github_account_id`.

    On an existing account, non-empty username / display_name / avatar_url replace
    the stored ones (empty or None keeps them) and account_type is replaced.
    `identity` (an Identity or its id) only applies when the account is created.
    Unlike the reference, an update keeps the old values as history, and ids ≤ 0
    are refused (InvalidInput): they are the synthetic ids of commit authors.
    """
    args = {
        "github_account_id": github_account_id,
        "username": username,
        "display_name": display_name,
        "avatar_url": avatar_url,
        "account_type": account_type,
        "identity": identity,
    }
    value, created = record(SPEC, "get_or_create_github_account", observed(args), conn, source)
    assert isinstance(value, GithubAccount)
    return value, created


def observed(
    args: Mapping[str, Any], fn: str = "get_or_create_github_account", row: int | None = None
) -> dict[str, Any]:
    """What get_or_create_github_account(**args) records (`args` with its defaults
    filled in): the natural key, the observation's fields, the declared identity;
    the bulk loader's row `row` is checked here too."""
    return {
        "natural_key": str(_account_id(fn, "github_account_id", args["github_account_id"], row)),
        **_fields(
            fn,
            args["username"],
            args["display_name"],
            args["avatar_url"],
            args["account_type"],
            row,
        ),
        "identity_id": v.optional_node_id(fn, "identity", args["identity"], row),
    }


def arguments(key: str, observation: Mapping[str, Any]) -> dict[str, Any]:
    """get_or_create_github_account's arguments that record `observation` (a raw
    row) again, but the identity."""
    return {f: observation[f] for f in ("github_account_id", *SPEC.field_names)}


def get_or_create_unknown_github_account(
    name: str | None = None,
    email: str | None = "",
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> tuple[GithubAccount, bool]:
    """A commit author with no GitHub user, keyed by display name ("unknown" when empty).

    New authors get synthetic ids -1, -2, … from a sequence (race-free, unlike the
    reference's max-minus-one). The email is added when the account lacks it,
    primary when the account has no active email.
    """
    fn = "get_or_create_unknown_github_account"
    values = unknown_observed(name, fn)
    address = v.text(fn, "email", email, v.EMAIL_MAX)
    value, created = upsert_unknown(fn, values, conn, source, email=address)
    assert isinstance(value, GithubAccount)
    return value, created


def unknown_observed(name: Any, fn: str = "get_or_create_unknown_github_account") -> dict[str, Any]:
    """What get_or_create_unknown_github_account(name) records: the author's name
    (its key: the synthetic account id is the database's) and the fields."""
    author = v.text(fn, "name", name) or "unknown"
    return {
        "username": None,
        "display_name": author,
        "avatar_url": None,
        "account_type": "user",
        "author": author,
    }


def upsert_unknown(
    fn: str,
    values: dict[str, Any],
    conn: psycopg.Connection[Any] | None,
    source: str | None,
    identity_id: int | None = None,
    email: str | None = None,
    as_logged: bool = False,
) -> tuple[Any, bool]:
    """Get-or-create the commit author `values["author"]` and record `values`
    (see _profiles.upsert; `as_logged`: an import's line as the log held it)."""
    return upsert(
        SPEC,
        fn,
        None,
        values,
        conn,
        source,
        identity_id,
        email=email,
        key_expr="select cppa_raw.get_or_create_unknown_github_author("
        "%(author)s::text, %(source)s::text)",
        as_logged=as_logged,
    )


def get_github_account_by_username(
    username: str,
    *,
    conn: psycopg.Connection[Any] | None = None,
) -> GithubAccount | None:
    """The account whose current username is `username` (case-insensitive), or None."""
    fn = "get_github_account_by_username"
    login = v.text(fn, "username", username, required=True)
    with wrap_db_errors(fn), statement(conn) as c:
        row = c.execute(query("github_account_by_username"), (login, login)).fetchone()
        found = fetch(SPEC, c, int(row[0])) if row else None
    assert found is None or isinstance(found, GithubAccount)
    return found


def get_or_create_owner_account(
    client: RestClient,
    owner: str,
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> GithubAccount:
    """The account of a repository owner login.

    Looks the login up among stored accounts first, without calling the client;
    otherwise GETs /users/{owner}, maps its type (User / Organization / Enterprise,
    default user), creates the account and adds the API email (primary when the
    account has no active email).
    """
    fn = "get_or_create_owner_account"
    login = v.text(fn, "owner", owner, required=True)
    assert login is not None
    existing = get_github_account_by_username(login, conn=conn)
    if existing is not None:
        return existing
    data = client.rest_request(f"/users/{login}")
    if not isinstance(data, Mapping) or "id" not in data:
        raise InvalidInput(fn, "owner", owner, "the GitHub API returned no user id")
    gid = _account_id(fn, "id", data["id"])
    values = _fields(
        fn,
        data.get("login") or login,
        data.get("name"),
        data.get("avatar_url"),
        API_TYPES.get(str(data.get("type")), "user"),
    )
    address = v.text(fn, "email", data.get("email"), v.EMAIL_MAX)
    value, _ = upsert(SPEC, fn, str(gid), values, conn, source, email=address)
    assert isinstance(value, GithubAccount)
    return value


def load_github_accounts(
    rows: Iterable[Mapping[str, Any]],
    *,
    conn: psycopg.Connection[Any] | None = None,
    source: str | None = None,
) -> list[int]:
    """Bulk get_or_create_github_account: rows are dicts of its arguments, plus an
    optional `email` added when new. Returns base_profile ids in input order; the
    whole batch is rejected (nothing written) if any row is invalid."""
    fn = "load_github_accounts"
    return load(SPEC, fn, rows, get_or_create_github_account, observed, conn, source)

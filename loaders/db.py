"""Where the database is, how to connect, the shared pool and transactions, and
the schema version the loaders need.

One function, `resolve()`, answers "which server?" for loaders, CLI, dbt and
tests: `CPPA_IDENTITY_DSN` when set; `CPPA_IDENTITY_DSN=embedded`, or the CLI
with nothing set, is an embedded PostgreSQL whose data directory lives under
`CPPA_IDENTITY_HOME`. This module never starts that server: the operations side
(the CLI, tests, benchmarks) registers how with `register_embedded`, so the
collectors' API imports no operations code, not even at call time. A collector
that set nothing gets ConfigError: loaders never pick a database.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import PoolTimeout

from .errors import ConfigError, DatabaseUnavailable, SchemaOutdated

DSN_ENV = "CPPA_IDENTITY_DSN"
HOME_ENV = "CPPA_IDENTITY_HOME"
DATABASE_NAME = "cppa_identity"
EMBEDDED = "embedded"  # CPPA_IDENTITY_DSN=embedded: the embedded server, chosen
_default_embedded = {"on": False}  # the CLI's default when nothing is set
# how the embedded server starts: (state directory, start) -> Database; set by the
# operations side (loaders.ops.embedded.register), never imported from here
EmbeddedResolver = Callable[[Path, bool], "Database"]
_embedded_resolver: dict[str, EmbeddedResolver] = {}


def register_embedded(resolver: EmbeddedResolver) -> None:
    """Say how `CPPA_IDENTITY_DSN=embedded` starts the server (the operations side
    calls this: loaders.ops.embedded.register)."""
    _embedded_resolver["embedded"] = resolver


def default_to_embedded() -> None:
    """Let an unset CPPA_IDENTITY_DSN mean the embedded server (the CLI calls this:
    its first command works with nothing set; a collector's import does not)."""
    _default_embedded["on"] = True


def home() -> Path:
    """The state directory: embedded data, dbt target/ and logs/."""
    configured = os.environ.get(HOME_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("cppa-identity", appauthor=False))


@dataclass(frozen=True)
class Database:
    """A resolved database location. `conninfo` holds secrets; print `display`."""

    kind: str  # "dsn" or "embedded"
    conninfo: str = field(repr=False)
    data_dir: Path | None = None

    @property
    def params(self) -> dict[str, Any]:
        return conninfo_to_dict(self.conninfo)

    @property
    def effective_params(self) -> dict[str, Any]:
        """The parameters libpq will use: the connection string, then the PG*
        environment and libpq's defaults (dbt connects with these, so that it
        builds in the database the CLI reads)."""
        params = {k: v for k, v in self.params.items() if v not in (None, "")}
        for option in psycopg.pq.Conninfo.get_defaults():
            key = option.keyword.decode()
            if key not in params and option.val:
                params[key] = option.val.decode()
        return params

    @property
    def display(self) -> str:
        """The location with any password masked."""
        params = self.params
        if "password" in params:
            params["password"] = "****"
        if self.kind == "embedded":
            return f"embedded PostgreSQL in {self.data_dir} (database {params.get('dbname')})"
        return make_conninfo(**params)


def mask(text: str, database: Database) -> str:
    """Remove the password of `database` from any text before it is shown: as
    given, percent-encoded or decoded, quoted or not."""
    for secret in _secrets(database.conninfo):
        text = text.replace(secret, "****")
    return text


_URL_PASSWORDS = (  # up to the first @, and up to the last one before the path
    re.compile(r"^[a-z]+://[^:/@]*:([^@]*)@", re.IGNORECASE),
    re.compile(r"^[a-z]+://[^:/@]*:([^/]*)@", re.IGNORECASE),
)
_KV_PASSWORD = re.compile(r"password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def mask_configured(text: str) -> str:
    """`mask` for the database the environment names (tracebacks, --debug)."""
    for secret in _secrets(os.environ.get(DSN_ENV, "")):
        text = text.replace(secret, "****")
    return text


def _secrets(conninfo: str) -> list[str]:
    """Every spelling of the password a message could carry, longest first."""
    found: set[str] = set()
    for pattern in (*_URL_PASSWORDS, _KV_PASSWORD):
        for m in pattern.finditer(conninfo):
            raw = m.group(1)
            found |= {raw, raw.strip("'"), urllib.parse.unquote(raw)}
    with contextlib.suppress(psycopg.ProgrammingError):
        password = conninfo_to_dict(conninfo).get("password")
        if password:
            found |= {str(password), urllib.parse.quote(str(password), safe="")}
    return sorted((s for s in found if len(s) >= 2), key=len, reverse=True)


_lock = threading.Lock()
_resolved: Database | None = None


def resolve(start: bool = True) -> Database:
    """The database to use: the DSN from the environment, else the embedded server."""
    global _resolved
    dsn = os.environ.get(DSN_ENV, "").strip()
    if dsn and dsn != EMBEDDED:
        try:
            conninfo_to_dict(dsn)
        except psycopg.ProgrammingError:
            # the parser's message can quote the password: never show it
            raise ConfigError(
                f"{DSN_ENV} is not a valid connection string (key=value pairs or a"
                " postgresql:// URL; percent signs in a URL must be written %25)"
            ) from None
        return Database("dsn", dsn)
    if not dsn and not _default_embedded["on"]:
        raise ConfigError(
            f"{DSN_ENV} is not set, and loaders never choose a database themselves",
            f"set {DSN_ENV} to the server's connection string, or {DSN_ENV}={EMBEDDED}"
            f" for the private embedded server under {HOME_ENV}",
        )
    resolver = _embedded_resolver.get("embedded")
    if resolver is None:
        raise ConfigError(
            f"{DSN_ENV}={EMBEDDED}, and nothing in this process can start the embedded server",
            "the server belongs to the operations side: call loaders.ops.embedded.register()"
            f" first (the `cli` extra), or set {DSN_ENV} to a server's connection string",
        )
    with _lock:
        if _resolved is None or _resolved.data_dir != home() / "pgdata":
            _resolved = resolver(home(), start)
        return _resolved


def connect(database: Database | None = None, autocommit: bool = False) -> psycopg.Connection[Any]:
    """A new connection to the resolved database, errors wrapped."""
    database = database or resolve()
    try:
        return psycopg.connect(
            database.conninfo,
            autocommit=autocommit,
            connect_timeout=10,
            application_name="cppa-identity",
        )
    except psycopg.OperationalError as exc:
        text = mask(str(exc).strip(), database)
        if REFUSED_LOGIN_RE.search(text):
            raise ConfigError(
                f"cannot connect to {database.display}: {text}",
                "check the database and login in CPPA_IDENTITY_DSN; retrying will not help",
            ) from exc
        raise DatabaseUnavailable(f"cannot connect to {database.display}: {text}") from exc


# What a server says when the database or the login is wrong: no retry mends it.
REFUSED_LOGIN_RE = re.compile(
    r'(database|role) "[^"]*" does not exist|password authentication failed'
    r"|no pg_hba\.conf entry|is not permitted to log in|permission denied for database"
)


# --- shared pool for loaders called without conn= ---------------------------------
#
# Pooled connections are in autocommit: a loader that is one statement costs one
# round trip (no BEGIN/COMMIT), and checking a connection out costs none (see
# _check_idle). Loaders of several statements open a transaction explicitly.

_pool: Any = None
_pool_key: tuple[str, str] | None = None


def _check_idle(conn: psycopg.Connection[Any]) -> None:
    """The pool's check on checkout, without a round trip: an idle connection has
    nothing to read, so a readable socket means the server closed it or sent an
    error (a restart, a terminated backend). Only then ask the server; raising
    makes the pool discard the connection and hand out another."""
    if conn.closed or conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        raise psycopg.OperationalError("connection is not idle")
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    if readable:
        from psycopg_pool import ConnectionPool

        ConnectionPool.check_connection(conn)


def _get_pool() -> Any:
    global _pool, _pool_key
    key = (os.environ.get(DSN_ENV, "").strip(), os.environ.get(HOME_ENV, ""))
    pool = _pool
    if pool is not None and _pool_key == key:
        return pool  # the hot path: no parsing, no lock
    database = resolve()
    with _lock:
        if _pool is None or _pool_key != key:
            from psycopg_pool import ConnectionPool

            # one direct connection first: a database or login that does not
            # exist is a ConfigError at once, not a pool timeout that says retry
            with connect(database, autocommit=True) as first:
                check_schema(first)
            if _pool is not None:
                _pool.close()
            _pool = ConnectionPool(
                database.conninfo,
                min_size=1,
                max_size=8,
                open=True,
                timeout=15,
                kwargs={
                    "application_name": "cppa-identity-loader",
                    "connect_timeout": 10,
                    "autocommit": True,
                },
                check=_check_idle,
            )
            _pool_key = key
        return _pool


def close_pool() -> None:
    """Close the shared pool (tests and long-running collectors at shutdown)."""
    global _pool, _pool_key
    with _lock:
        if _pool is not None:
            _pool.close()
        _pool, _pool_key = None, None


@contextlib.contextmanager
def _pooled() -> Iterator[psycopg.Connection[Any]]:
    """A pooled autocommit connection; a lost server becomes DatabaseUnavailable."""
    try:
        with _get_pool().connection() as pooled:
            yield pooled
    except psycopg.errors.TransactionRollback:
        raise  # a serialization failure or deadlock: wrap_db_errors makes it retryable
    except (psycopg.OperationalError, PoolTimeout) as exc:
        database = resolve(start=False)
        raise DatabaseUnavailable(
            f"lost or could not open a connection to {database.display}"
        ) from exc


@contextlib.contextmanager
def statement(conn: psycopg.Connection[Any] | None) -> Iterator[psycopg.Connection[Any]]:
    """Where a one-statement loader runs: the caller's connection as it is (one
    statement is atomic, so it needs no savepoint: it either wrote everything or,
    failing, nothing, and then the caller's transaction is aborted as with any
    failed statement), or a pooled connection in autocommit: one round trip."""
    if conn is not None:
        yield conn
        return
    with _pooled() as pooled:
        yield pooled


@contextlib.contextmanager
def transaction(conn: psycopg.Connection[Any] | None) -> Iterator[psycopg.Connection[Any]]:
    """Where a loader of several statements runs: inside a savepoint of the caller's
    transaction (which the caller commits), or in a transaction of its own on a
    pooled connection, committed at the end. All or nothing either way."""
    if conn is not None:
        if (
            not conn.autocommit
            and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        ):
            conn.execute("select 1")  # open the caller's transaction; we only add a savepoint
        with conn.transaction():
            yield conn
        return
    with _pooled() as pooled, pooled.transaction():
        yield pooled


# --- schema version -------------------------------------------------------------

MIGRATIONS_DIR = Path(__file__).parent / "sql" / "migrations"


def migrations() -> list[tuple[int, str, Path]]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        found.append((int(path.name[:4]), path.stem, path))
    return found


def latest_version() -> int:
    return max(version for version, _, _ in migrations())


def schema_version(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("select to_regclass('cppa_raw.schema_version') is not null").fetchone()
    if not row or not row[0]:
        return 0
    row = conn.execute("select coalesce(max(version), 0) from cppa_raw.schema_version").fetchone()
    return int(row[0]) if row else 0


def check_schema(conn: psycopg.Connection[Any]) -> None:
    """Raise SchemaOutdated unless the raw schema is at this code's version."""
    version = schema_version(conn)
    if version < latest_version():
        raise SchemaOutdated(
            f"the cppa_raw schema is at version {version}, this code needs {latest_version()}"
        )
    if conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
        conn.commit()

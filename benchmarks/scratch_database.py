"""A throwaway, migrated database for one benchmark (on CPPA_IDENTITY_DSN's server
or the embedded one); loaders in this process point at it while it exists."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from loaders import db as dbmod
from loaders.ops import embedded, migrations


@contextmanager
def scratch_database(name: str, keep: bool = False) -> Iterator[str]:
    embedded.register(default=True)  # a benchmark, like the CLI, may use its own server
    base = dbmod.resolve()
    admin = make_conninfo(base.conninfo, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    conninfo = make_conninfo(base.conninfo, dbname=name)
    previous = os.environ.get(dbmod.DSN_ENV)
    os.environ[dbmod.DSN_ENV] = conninfo
    dbmod.close_pool()
    with psycopg.connect(conninfo) as conn:
        migrations.migrate(conn)
    try:
        yield conninfo
    finally:
        dbmod.close_pool()
        if previous is None:
            os.environ.pop(dbmod.DSN_ENV, None)
        else:
            os.environ[dbmod.DSN_ENV] = previous
        if not keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))

from __future__ import annotations

import multiprocessing

import psycopg
import pytest

from loaders import db as dbmod
from loaders.errors import ConfigError, SchemaOutdated
from loaders.ops import migrations


def test_migrate_applies_every_migration_once(empty_database: dbmod.Database) -> None:
    with psycopg.connect(empty_database.conninfo) as conn:
        first = migrations.migrate(conn)
        second = migrations.migrate(conn)
        assert first == [name for _, name, _ in dbmod.migrations()]
        assert second == []
        assert dbmod.schema_version(conn) == dbmod.latest_version()


def _migrate(conninfo: str) -> list[str]:
    with psycopg.connect(conninfo) as conn:
        return migrations.migrate(conn)


def test_concurrent_migrations_migrate_once(empty_database: dbmod.Database) -> None:
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_migrate, [empty_database.conninfo] * 4)
    applied = [name for result in results for name in result]
    assert sorted(applied) == sorted(name for _, name, _ in dbmod.migrations())
    with psycopg.connect(empty_database.conninfo) as conn:
        rows = conn.execute("select count(*) from cppa_raw.schema_version").fetchone()
        assert rows is not None and rows[0] == dbmod.latest_version()


def test_check_schema_refuses_an_unmigrated_database(empty_database: dbmod.Database) -> None:
    with (
        psycopg.connect(empty_database.conninfo) as conn,
        pytest.raises(SchemaOutdated, match="cppa-identity init"),
    ):
        dbmod.check_schema(conn)


def test_dsn_password_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(dbmod.DSN_ENV, "postgresql://bob:s3cret-pw@db.example:5432/ids")
    database = dbmod.resolve()
    assert "s3cret-pw" not in database.display
    assert "s3cret-pw" not in repr(database.display)
    assert "****" in database.display
    assert dbmod.mask("failed for s3cret-pw", database) == "failed for ****"


def test_invalid_dsn_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(dbmod.DSN_ENV, "host=x port")
    with pytest.raises(ConfigError, match="CPPA_IDENTITY_DSN"):
        dbmod.resolve()

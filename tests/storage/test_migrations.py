"""Migrations from an empty database, the schema check, and what the database enforces."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (the tables)
from storage.db import (
    SCHEMA_REVISION,
    check_schema,
    create_engine,
    current_revision,
    head_revision,
    upgrade,
)
from storage.errors import SchemaError
from tests.storage.factories import NOW, event, make_contract, record


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


async def test_upgrade_from_empty_creates_every_table_as_the_models_describe(
    empty_database_url: str,
) -> None:
    engine = create_engine(empty_database_url)
    try:
        assert await current_revision(engine) is None
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()
        async with engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
            assert await conn.run_sync(_diff) == []
        expected = {t.name for t in SQLModel.metadata.sorted_tables} | {"alembic_version"}
        assert tables == expected
    finally:
        await engine.dispose()


async def test_upgrade_twice_changes_nothing(engine: AsyncEngine) -> None:
    await upgrade(engine)
    assert await current_revision(engine) == head_revision()


async def test_an_unmigrated_database_is_refused_with_the_command_to_run(
    empty_database_url: str,
) -> None:
    engine = create_engine(empty_database_url)
    try:
        with pytest.raises(SchemaError, match="run `floorbot db upgrade`"):
            await check_schema(engine)
        await upgrade(engine)
        await check_schema(engine)
    finally:
        await engine.dispose()


async def test_a_database_migrated_by_a_newer_floorbot_is_refused(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    with pytest.raises(SchemaError, match="newer version"):
        await check_schema(engine)


async def test_foreign_keys_are_enforced(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        with pytest.raises(DBAPIError):
            await conn.execute(
                text(
                    "INSERT INTO roster (contract_id, staff_no, name, updated_at) "
                    "VALUES ('nope', 'A1', 'Nobody', :now)"
                ),
                {"now": NOW},
            )


@pytest.mark.parametrize("statement", ["UPDATE entries SET quantity = 99", "DELETE FROM entries"])
async def test_the_database_refuses_to_alter_an_entry(engine: AsyncEngine, statement: str) -> None:
    from storage.db import session_factory

    async with session_factory(engine)() as session:
        await make_contract(session)
        await record(session, "c1", event("dress_code", "2026-07-03 09:00"))
        await session.commit()
    async with engine.connect() as conn:
        with pytest.raises(DBAPIError, match="append-only"):
            await conn.execute(text(statement))


async def test_sqlite_runs_in_wal_mode_with_foreign_keys_on_and_a_full_sync(
    engine: AsyncEngine,
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    async with engine.connect() as conn:
        assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
        assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
        assert (await conn.exec_driver_sql("PRAGMA synchronous")).scalar() == 2  # FULL


def test_the_revision_the_schema_check_expects_is_alembic_s_head() -> None:
    assert head_revision() == SCHEMA_REVISION  # raise SCHEMA_REVISION with each new migration

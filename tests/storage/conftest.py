"""A fresh database per test, on SQLite and (when FLOORBOT_TEST_POSTGRES_URL is set) PostgreSQL.

Every test that uses ``database_url`` (migrated) or ``empty_database_url`` runs once per
backend. The migrated schema is built once per session — a SQLite file that each test
copies, a PostgreSQL template database that each test clones — so tests stay fast.
PostgreSQL tests are skipped when the variable is absent: ``eval "$(bash .ci/postgres.sh)"``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import SessionFactory, create_engine, session_factory, upgrade

POSTGRES_URL = os.environ.get("FLOORBOT_TEST_POSTGRES_URL")
NO_POSTGRES = 'FLOORBOT_TEST_POSTGRES_URL is not set (eval "$(bash .ci/postgres.sh)")'
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[pytest.mark.postgres, pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)],
    ),
]


def _sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _pg_url(database: str) -> str:
    assert POSTGRES_URL is not None
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


def _pg_admin_dsn() -> str:
    assert POSTGRES_URL is not None
    url = make_url(POSTGRES_URL).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def _pg_execute(*statements: str) -> None:
    conn = await asyncpg.connect(_pg_admin_dsn())
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "floorbot.db"
    asyncio.run(_migrate(_sqlite_url(path)))
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    name = f"floorbot_tmpl_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_execute(f"CREATE DATABASE {name}"))
    asyncio.run(_migrate(_pg_url(name)))
    yield name
    asyncio.run(_pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _fresh_pg(template: str) -> Iterator[str]:
    name = f"floorbot_t_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_execute(f"CREATE DATABASE {name} TEMPLATE {template}"))
    yield _pg_url(name)
    asyncio.run(_pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh database at the latest schema."""
    if backend == "sqlite":
        path = tmp_path / "floorbot.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield _sqlite_url(path)
    else:
        yield from _fresh_pg(request.getfixturevalue("postgres_template"))


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database with no tables at all."""
    if backend == "sqlite":
        yield _sqlite_url(tmp_path / "empty.db")
    else:
        yield from _fresh_pg("template0")


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    made = create_engine(database_url)
    yield made
    await made.dispose()


@pytest.fixture
def factory(engine: AsyncEngine) -> SessionFactory:
    return session_factory(engine)


@pytest.fixture
async def session(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    async with factory() as opened:
        yield opened

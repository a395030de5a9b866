"""Alembic environment: runs migrations on a given connection or on the configured URL.

``storage.db.upgrade`` passes an open connection (``config.attributes["connection"]``);
the ``alembic`` command line instead connects to ``sqlalchemy.url`` or, when that is
unset, to ``FLOORBOT_DATABASE_URL``. Both SQLite (aiosqlite) and PostgreSQL (asyncpg)
URLs are async; the migration itself runs in ``run_sync``.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from bot.app.settings import Settings
from storage.db import create_engine

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or Settings().database_url


def _run(connection: Connection) -> None:
    """Run the migrations on a sync connection, DDL inside the transaction."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_on_url(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def run_offline() -> None:
    """Emit the SQL instead of running it (``alembic upgrade head --sql``)."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        asyncio.run(_run_on_url(_url()))
    else:
        _run(connection)


if context.is_offline_mode():
    run_offline()
else:
    run_online()

"""Storage functions take the session (or connection) and everything else by keyword.

Every public function of the storage modules (``storage/*.py`` but the models) that takes a
session or a connection takes all its parameters keyword-only, as in
``person_by_telegram_id(*, session, telegram_user_id)``: a call names what it passes, and the
caller, who owns the transaction, is seen handing it over.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import storage

DATABASE_PARAMETERS = frozenset({"session", "conn", "connection"})
NOT_QUERIES = frozenset({"models"})


def storage_modules() -> Iterator[ModuleType]:
    """The storage modules that hold functions (not the models, not the migrations)."""
    for info in pkgutil.iter_modules(storage.__path__):
        if info.ispkg or info.name in NOT_QUERIES:
            continue
        yield importlib.import_module(f"storage.{info.name}")


def public_functions(module: ModuleType) -> Iterator[Callable[..., Any]]:
    """The public functions defined in ``module`` (not those it imports)."""
    for name, value in vars(module).items():
        if name.startswith("_") or not inspect.isfunction(value):
            continue
        if value.__module__ == module.__name__:
            yield value


def positional(function: Callable[..., Any]) -> list[str]:
    """The parameters a caller may pass by position, when ``function`` takes a session."""
    parameters = inspect.signature(function).parameters.values()
    if not DATABASE_PARAMETERS & {p.name for p in parameters}:
        return []
    return [p.name for p in parameters if p.kind is not inspect.Parameter.KEYWORD_ONLY]


def offenders() -> list[str]:
    return [
        f"{function.__module__}.{function.__qualname__}: {', '.join(names)}"
        for module in storage_modules()
        for function in public_functions(module)
        if (names := positional(function))
    ]


def test_storage_functions_take_the_session_by_keyword() -> None:
    assert offenders() == []


def test_the_check_sees_storage_functions() -> None:
    names = {f.__name__ for module in storage_modules() for f in public_functions(module)}
    assert {"person_by_telegram_id", "record_entry", "open_disputes", "load"} <= names


async def _by_position(session: object, contract_id: str, *, now: object) -> None: ...


async def _by_keyword(*, session: object, contract_id: str) -> None: ...


def _no_session(url: str) -> None: ...


def test_the_check_flags_a_session_passed_by_position() -> None:
    assert positional(_by_position) == ["session", "contract_id"]
    assert positional(_by_keyword) == []
    assert positional(_no_session) == []

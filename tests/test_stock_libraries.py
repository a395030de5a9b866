"""floorbot stands on its libraries' public API: no private name of a dependency, no own dialect.

Every module of the packages is parsed (``ast``) and these are refused:

- ``import a._b``, ``from a._b import x``, ``from a import _x`` for any module that is not
  floorbot's own (a private module or name of a dependency);
- ``x._y``, the attribute of an underscore name (not a dunder) of anything but ``self`` or
  ``cls``, in floorbot's own code too: one object does not reach into another's insides;
  ``getattr(x, "_y")`` and its kin likewise;
- in a subclass of a dependency's class, ``self._y`` that the subclass does not define itself
  (an inherited private attribute, like ``HTTPXRequest._client``);
- ``registry.register(...)``: registering a SQLAlchemy dialect of one's own.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OWN = frozenset({"bot", "handlers", "scoring", "storage"})
OWNERS = frozenset({"self", "cls"})
ATTRIBUTE_CALLS = frozenset({"getattr", "setattr", "hasattr", "delattr"})


@dataclass(frozen=True, order=True)
class Finding:
    """One use of a private name (or an own dialect), where it is."""

    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def private(name: str) -> bool:
    """A leading underscore, but not a dunder (``__future__``, ``__name__`` are public)."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def foreign(module: str) -> bool:
    return module.split(".")[0] not in OWN


def findings(source: str, path: str) -> list[Finding]:
    """What the module at ``path`` (its text: ``source``) does that this test refuses."""
    found: list[Finding] = []

    def flag(node: ast.AST, what: str) -> None:
        found.append(Finding(path, getattr(node, "lineno", 0), what))

    tree = ast.parse(source, path)
    imported = foreign_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(root(base) in imported for base in node.bases):
            inherited_privates(node, flag)
        if isinstance(node, ast.Import):
            for alias in node.names:
                if foreign(alias.name) and any(map(private, alias.name.split("."))):
                    flag(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if not foreign(node.module):
                continue
            if any(map(private, node.module.split("."))):
                flag(node, f"from {node.module} import ...")
            for alias in node.names:
                if private(alias.name):
                    flag(node, f"from {node.module} import {alias.name}")
        elif isinstance(node, ast.Attribute) and private(node.attr):
            if not (isinstance(node.value, ast.Name) and node.value.id in OWNERS):
                flag(node, f"{ast.unparse(node)}: a private attribute")
        elif isinstance(node, ast.Call):
            flag_call(node, flag)
    return sorted(found)


def foreign_names(tree: ast.Module) -> frozenset[str]:
    """The names a module binds to a dependency's modules and objects by importing them."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(
                alias.asname or alias.name.split(".")[0]
                for alias in node.names
                if foreign(alias.name)
            )
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and foreign(node.module or ""):
            names.update(alias.asname or alias.name for alias in node.names)
    return frozenset(names)


def root(node: ast.expr) -> str | None:
    """``a`` of ``a``, ``a.b.C`` or ``a.B[int]``."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def inherited_privates(cls: ast.ClassDef, flag: Callable[[ast.AST, str], None]) -> None:
    """``self._y`` in a subclass of a dependency's class, where ``_y`` is not the subclass's."""
    own: set[str] = set()
    for node in ast.walk(cls):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            own.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            own.add(node.id)  # (class attributes; a method's locals are never read as self._y)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            own.add(node.attr)
    for node in ast.walk(cls):
        if (
            isinstance(node, ast.Attribute)
            and private(node.attr)
            and node.attr not in own
            and isinstance(node.value, ast.Name)
            and node.value.id in OWNERS
        ):
            flag(node, f"{ast.unparse(node)}: a private attribute inherited by {cls.name}")


def flag_call(node: ast.Call, flag: Callable[[ast.AST, str], None]) -> None:
    func = node.func
    if isinstance(func, ast.Name) and func.id in ATTRIBUTE_CALLS and len(node.args) >= 2:
        name, owner = node.args[1], node.args[0]
        if (
            isinstance(name, ast.Constant)
            and isinstance(name.value, str)
            and private(name.value)
            and not (isinstance(owner, ast.Name) and owner.id in OWNERS)
        ):
            flag(node, f"{func.id}(..., {name.value!r}): a private attribute")
    if isinstance(func, ast.Attribute) and func.attr == "register":
        registry = func.value
        if (isinstance(registry, ast.Name) and registry.id == "registry") or (
            isinstance(registry, ast.Attribute) and registry.attr == "registry"
        ):
            flag(node, f"{ast.unparse(func)}(...): a SQLAlchemy dialect of its own")


def modules() -> list[Path]:
    return sorted(path for package in OWN for path in (ROOT / package).rglob("*.py"))


def test_the_packages_use_no_private_name_of_a_dependency() -> None:
    found = [
        finding
        for path in modules()
        for finding in findings(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    ]
    assert not found, "private names used:\n" + "\n".join(map(str, found))


def test_every_package_is_checked() -> None:
    checked = {path.relative_to(ROOT).parts[0] for path in modules()}
    assert checked == OWN


PLANTED = {
    "import telegram._utils.types": "import telegram._utils.types",
    "from telegram._utils.types import ODVInput": "from telegram._utils.types import ...",
    "from sqlalchemy.util import _py_collections": "from sqlalchemy.util import _py_collections",
    "timeout = request._client.timeout": "request._client: a private attribute",
    "session._new.values()": "session._new: a private attribute",
    "super()._run_request()": "super()._run_request: a private attribute",
    "other._hint = {}": "other._hint: a private attribute",
    "getattr(exc, '_retry_after')": "getattr(..., '_retry_after'): a private attribute",
    "from telegram.request import HTTPXRequest\n"
    "class JsonRequest(HTTPXRequest):\n"
    "    def timeout(self):\n"
    "        return self._client.timeout\n": (
        "self._client: a private attribute inherited by JsonRequest"
    ),
    "import sqlalchemy.dialects.sqlite.aiosqlite as aio\n"
    "class Connection(aio.AsyncAdapt_aiosqlite_connection):\n"
    "    def raw(self):\n"
    "        return self._connection\n": (
        "self._connection: a private attribute inherited by Connection"
    ),
    "from sqlalchemy.dialects import registry\nregistry.register('sqlite.inline', 'm', 'D')": (
        "registry.register(...): a SQLAlchemy dialect of its own"
    ),
    "import sqlalchemy\nsqlalchemy.dialects.registry.register('x', 'm', 'D')": (
        "sqlalchemy.dialects.registry.register(...): a SQLAlchemy dialect of its own"
    ),
}


@pytest.mark.parametrize("source", sorted(PLANTED))
def test_a_planted_private_use_is_found(source: str) -> None:
    [finding] = findings(source, "bot/planted.py")
    assert finding.what == PLANTED[source]
    assert finding.path == "bot/planted.py"


CLEAN = [
    "from __future__ import annotations",
    "from telegram.ext import AIORateLimiter",
    "import sqlalchemy.ext.asyncio",
    "from bot.services.delivery import _helper",  # floorbot's own module: its own business
    "self._sent.append(1)",
    "cls._cache = {}",
    "name = type(self).__name__",
    "getattr(self, '_seen')",
    "handlers.register(app)",
    "from telegram.ext import AIORateLimiter\n"
    "class Limiter(AIORateLimiter):\n"
    "    def __init__(self):\n"
    "        self._retries = 2\n"
    "    def retries(self):\n"
    "        return self._retries\n",
    "class Own:\n    def get(self):\n        return self._elsewhere\n",  # floorbot's own base
]


@pytest.mark.parametrize("source", CLEAN)
def test_public_and_own_names_pass(source: str) -> None:
    assert findings(source, "bot/clean.py") == []

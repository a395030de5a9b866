"""Loading rulebook files: all or nothing, with the file, the field and the reason."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import ValidationError

from scoring.rulebook import Rulebook

BUILTIN_DIR = Path(__file__).with_name("rulebooks")


class RulebookError(Exception):
    """A rulebook file that cannot be used; the message is safe to show a user."""

    def __init__(self, path: Path | str, problems: list[tuple[str, str]]) -> None:
        self.path = str(path)
        self.problems = problems
        lines = [f"{self.path}: {field}: {reason}" for field, reason in problems]
        super().__init__("\n".join(lines))


# libyaml's safe loader when PyYAML was built with it (several times faster), else PyYAML's.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _field(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def load_rulebook(path: Path | str) -> Rulebook:
    """Read and validate one rulebook file; raise RulebookError naming what is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulebookError(path, [("(file)", f"cannot be read: {exc}")]) from exc
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        raise RulebookError(path, [(where, f"not valid YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        raise RulebookError(path, [("(file)", "must be a YAML mapping at the top level")])
    try:
        return Rulebook.model_validate(data)
    except ValidationError as exc:
        problems = [(_field(err["loc"]), err["msg"]) for err in exc.errors()]
        raise RulebookError(path, problems) from exc


def rulebook_files(extra_dirs: Iterable[Path | str] = ()) -> list[Path]:
    files = sorted(BUILTIN_DIR.glob("*.yaml"))
    for folder in extra_dirs:
        files.extend(sorted(Path(folder).glob("*.yaml")) + sorted(Path(folder).glob("*.yml")))
    return files


def load_rulebooks(extra_dirs: Iterable[Path | str] = ()) -> dict[str, Rulebook]:
    """Every shipped rulebook plus those in ``extra_dirs``; any bad file refuses the lot."""
    books: dict[str, Rulebook] = {}
    origin: dict[str, Path] = {}
    for path in rulebook_files(extra_dirs):
        book = load_rulebook(path)
        if book.id in books:
            raise RulebookError(
                path, [("id", f"{book.id!r} is already defined in {origin[book.id]}")]
            )
        books[book.id] = book
        origin[book.id] = path
    return books

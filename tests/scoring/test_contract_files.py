"""Rulebooks name their contract by its file name, never by a path of one machine."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scoring.loader import BUILTIN_DIR, RulebookError, load_rulebook, load_rulebooks

ROOT = Path(__file__).resolve().parents[2]
TEXT = {".py", ".md", ".yaml", ".yml", ".toml", ".txt", ".cfg", ".ini", ".sh"}
SKIP = {
    ".venv",
    ".venv-floors",
    ".git",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
}
# An absolute path to the contracts, as seven files of the project once wrote it.
ABSOLUTE = "/" + "work" + "/"


def test_every_shipped_rulebook_names_a_contract_file() -> None:
    files = {book.contract.file for book in load_rulebooks().values()}
    assert files == {
        "000_57eacf0ff4525362.txt",
        "001_55e0b5755a2a5f32.txt",
        "002_54244d9214a10fd7.txt",
        "003_d0657a95ba9046a9.txt",
        "004_44012ad193d527c1.txt",
    }


def test_a_path_as_the_contract_file_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load((BUILTIN_DIR / "qingyundian-2023.yaml").read_text(encoding="utf-8"))
    data["contract"]["file"] = "/srv/contracts/003.txt"
    target = tmp_path / "bad.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RulebookError) as caught:
        load_rulebook(target)
    assert [field for field, _ in caught.value.problems] == ["contract.file"]


def test_no_file_of_the_project_names_a_machine_path_to_the_contracts() -> None:
    found = []
    for path in ROOT.rglob("*"):
        if SKIP & set(path.relative_to(ROOT).parts) or path.suffix not in TEXT:
            continue
        if path.is_file() and ABSOLUTE in path.read_text(encoding="utf-8", errors="replace"):
            found.append(str(path.relative_to(ROOT)))
    assert found == []

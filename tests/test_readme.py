"""The README's set-up command works as written: its token example passes the token check."""

from __future__ import annotations

import re
from pathlib import Path

from bot.app.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_token_example_is_one_the_bot_accepts() -> None:
    found = re.search(r"FLOORBOT_BOT_TOKEN=(\S+) make run", README.read_text("utf-8"))
    assert found is not None, "the README's set-up command is gone"
    settings = Settings(_env_file=None, bot_token=found[1])  # type: ignore[call-arg]
    assert settings.telegram_token() == found[1]

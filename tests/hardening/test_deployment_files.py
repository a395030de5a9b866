"""The Dockerfile and compose.yaml (no Docker engine here to build them): what can be checked
without one — every setting they name exists, the entrypoint migrates then runs, the image
does not run as root, the database has a volume and a health check the bot waits for."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from bot.app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SETTING = re.compile(r"\bFLOORBOT_([A-Z_]+)\b")


def _settings_named(text: str) -> set[str]:
    return {name.lower() for name in SETTING.findall(text)}


def test_every_setting_the_deployment_names_exists() -> None:
    named = _settings_named((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    named |= _settings_named((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert named, "the pattern found no settings"
    assert named <= set(Settings.model_fields), named - set(Settings.model_fields)


def test_the_image_migrates_then_runs_as_a_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert re.search(r"^USER floorbot$", dockerfile, re.M)
    assert "RUN pip install ." in dockerfile
    entrypoint = ROOT / "docker" / "entrypoint.sh"
    assert entrypoint.stat().st_mode & 0o111
    subprocess.run(["sh", "-n", str(entrypoint)], check=True)
    lines = [ln for ln in entrypoint.read_text(encoding="utf-8").splitlines() if ln[:1] not in "#"]
    assert lines == ["set -e", "floorbot db upgrade", 'exec floorbot run "$@"']


def test_compose_runs_the_bot_on_a_healthy_postgresql_with_a_volume() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    db, bot = compose["services"]["db"], compose["services"]["bot"]
    assert db["image"].startswith("postgres:15")  # pg_dump in the image is version 15
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"] and "pgdata" in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["env_file"] == ".env"
    assert bot["environment"]["FLOORBOT_DATABASE_URL"].startswith("postgresql://floorbot:")

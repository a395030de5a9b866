"""CLI start-up: how long a ``floorbot`` command takes, from the shell's point of view.

Targets: ``floorbot --help`` ≤ 0.5 s; ``floorbot invite``, ``contract list`` and ``rulebooks
list`` ≤ 1 s; ``floorbot report`` of a month's CSV ≤ 1.5 s. Each command runs as a new
process (as a user types it), ``--repeat`` times; the median is reported.

Run: .venv/bin/python -m benchmarks.bench_cli [--repeat R] [--events N]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONTRACT = "haidian-dispatch-2026"
ITEMS = (("late_arrival", "25"), ("dress_code", ""), ("missed_handover", ""), ("absence", ""))


def write_month(path: Path, events: int) -> None:
    rng = random.Random(3)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["occurred_at", "item", "quantity", "value", "staff"])
        for _ in range(events):
            item, value = rng.choice(ITEMS)
            day = dt.date(2026, 7, rng.randint(1, 31))
            at = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)))
            writer.writerow([at.isoformat(timespec="minutes"), item, 1, value, "张三"])


def timed(floorbot: str, args: list[str], env: dict[str, str], repeat: int) -> float:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run([floorbot, *args], env=env, capture_output=True, text=True)
        seconds.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"floorbot {' '.join(args)} failed: {done.stderr}")
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--events", type=int, default=2000)
    options = parser.parse_args()
    floorbot = str(Path(sys.executable).with_name("floorbot"))
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        env = {**os.environ, "FLOORBOT_DATABASE_URL": f"sqlite:///{db}"}
        env.pop("FLOORBOT_BOT_TOKEN", None)
        subprocess.run([floorbot, "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run(
            [floorbot, "contract", "add", "bench", "--rulebook", CONTRACT],
            env=env,
            check=True,
            capture_output=True,
        )
        month = Path(folder) / "july.csv"
        write_month(month, options.events)
        report = ["report", "--contract", CONTRACT, "--period", "2026-07", "--events", str(month)]
        runs = [
            ("floorbot --help", ["--help"], 0.5),
            ("floorbot rulebooks list", ["rulebooks", "list"], 1.0),
            ("floorbot contract list", ["contract", "list"], 1.0),
            ("floorbot invite", ["invite", "--contract", "bench", "--role", "inspector"], 1.0),
            (f"floorbot report ({options.events} events)", report, 1.5),
        ]
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}"
        )
        print(f"median of {options.repeat} runs each:")
        for name, args, target in runs:
            median = timed(floorbot, args, env, options.repeat)
            verdict = "met" if median <= target else "MISSED"
            print(f"  {name:<34} {median:6.2f} s   target ≤ {target} s: {verdict}")


if __name__ == "__main__":
    main()

"""What the crash scripts share: a ``floorbot run`` process SIGKILLed and started again.

benchmarks.crash_reports kills it while inspectors report, benchmarks.crash_digests while it
sends a digest; each decides when a kill may come and checks the outcome its own way.
"""

from __future__ import annotations

import asyncio
import random
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from tests.hardening import procs

RUN_ARGS = ("run", "--log-level", "WARNING")


class BotProcess:
    """The bot process: started, killed (SIGKILL), started again, stopped (SIGINT) at the end."""

    def __init__(self, folder: Path, env: dict[str, str], args: Sequence[str] = RUN_ARGS) -> None:
        self.folder, self.env, self.args = folder, env, list(args)
        self.process: asyncio.subprocess.Process | None = None
        self.started = 0.0
        self.kills = 0

    async def start(self) -> None:
        """Start the process, its output appended to ``bot.log`` in the folder."""
        self.started = time.monotonic()
        log = self.folder / "bot.log"
        self.process = await procs.start(self.folder, self.env, *self.args, log=log)

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when the machine loses power."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.kills += 1

    async def stop(self) -> None:
        """SIGINT, and wait for the process to shut down."""
        if self.process is not None and self.process.returncode is None:
            await procs.interrupt(self.process)


async def kill_and_restart(
    bot: BotProcess,
    *,
    kills: int,
    rng: random.Random,
    pause: tuple[float, float],
    wait: Callable[[], Awaitable[bool]],
) -> None:
    """Up to ``kills`` times: ``wait`` (False ends the loop), a random pause, SIGKILL, restart."""
    for _ in range(kills):
        if not await wait():
            return
        await asyncio.sleep(rng.uniform(*pause))
        await bot.kill()
        await bot.start()

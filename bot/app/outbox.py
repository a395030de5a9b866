"""The outbox's job on the JobQueue: on every bot process, every ``FLOORBOT_OUTBOX_POLL_SECONDS``
(and once at start-up), a round of bot.services.outbox — this process's outcomes written, then
whatever is owed and due sent, oldest first in each chat, each message claimed once whichever
process sends it. Not leader-only: any process may send what another could not, so a
confirmation waits for no election. At shut-down this process's outcomes are written.
"""

from __future__ import annotations

import logging

from bot.app.context import FloorApp, FloorContext
from handlers.undo import expire_buttons

logger = logging.getLogger("floorbot.outbox")
OUTBOX_JOB = "outbox:round"
# A one-off job runs however late the scheduler gets to it (as the digests' catch-up).
RUN_LATE = {"misfire_grace_time": None}


def start_outbox(app: FloorApp) -> None:
    """Schedule the rounds: one now, then every poll interval."""
    queue = app.job_queue
    if queue is None:
        logger.warning("no job queue (install python-telegram-bot[job-queue]): nothing resent")
        return
    every = app.bot_data.services.settings.outbox_poll_seconds
    queue.run_once(_round, when=0, name=OUTBOX_JOB, job_kwargs=RUN_LATE)
    # A round may outlast the interval (sends waiting out the transport's retries): the next
    # one starts and finds it busy instead of being skipped with a warning by the scheduler.
    overlap = {"max_instances": 2}
    queue.run_repeating(_round, every, first=every, name=OUTBOX_JOB, job_kwargs=overlap)


async def _round(context: FloorContext) -> None:
    """Send what is owed; each confirmation that arrived loses its Undo button in time."""
    outbox = context.services.outbox
    if outbox.busy:  # a long round (after an outage): this process's sends are written anyway
        await outbox.write_outcomes()
        return
    delivered = await outbox.deliver(context.bot)
    if delivered:
        logger.info("outbox round: %d message(s) sent", len(delivered))
    if context.jobs is not None:
        expire_buttons(context.jobs, delivered)


async def stop_outbox(app: FloorApp) -> None:
    """Write how this process's last sends went (the rest is another process's to send)."""
    try:
        await app.bot_data.services.outbox.write_outcomes()
    except Exception:  # the claims go stale and are sent again: a duplicate, not a loss
        logger.exception("the outbox's last outcomes could not be written")

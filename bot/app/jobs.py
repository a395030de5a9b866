"""The digest jobs on the JobQueue: one per contract and kind at its next due time, a sweep,
and the reload of who has blocked the bot.

Jobs are not persisted: they are rebuilt from the contracts' schedules at start-up (post_init)
and after every change (``/schedule``, a contract added while the bot runs: the sweep sees it).
The DigestRunner says when each contract's digests are next due (computed in the contract's
own time zone from the services' clock), and the job waits for it; when it fires it runs a tick
of the runner, which decides from the database what is due and undelivered — so a job that
fires twice, late, or on two processes sends nothing twice. The sweep (every
``FLOORBOT_DIGEST_POLL_SECONDS``, and once at start-up) sends what was missed while the bot
was down, late requests, and retries.

With several processes every one schedules the same jobs, but only the leader (bot.app.leader)
does their work. A process that takes the lead runs a sweep at once: a contract job that
fired on it a moment before, while the old leader was dying, was skipped, and its digest is
sent by that sweep. A job skipped on a leader whose lock was briefly unconfirmed is caught
up by the next regular sweep. The reload of the marks of people who blocked the bot runs on
every process (each keeps its own view of them: bot.services.delivery.BlockedChats).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, Job, JobQueue

from bot.app.context import BotData, FloorApp, FloorContext
from bot.app.leader import on_leader
from bot.services.digests.runner import DigestRunner
from bot.services.digests.send import Tally

logger = logging.getLogger("floorbot.jobs")
SWEEP_JOB = "digest:sweep"
START_JOB = "digest:sweep:start"
ELECTED_JOB = "digest:sweep:elected"
BLOCKED_JOB = "digest:blocked"
# A one-off job runs however late the scheduler gets to it (APScheduler would skip it as
# missed after one second: a busy event loop must not cost a digest its due tick).
RUN_LATE = {"misfire_grace_time": None}
# A contract's job fires this long after the due time, so the tick sees it as due.
FIRE_AFTER_SECONDS = 0.05
# Any Application with our bot_data (job callbacks see it with loose type parameters).
AnyApp = Application[Any, Any, Any, Any, BotData, Any]


@dataclass(frozen=True, slots=True)
class Wake:
    """A contract job's data: whose digest, and when it is due."""

    runner: DigestRunner
    contract_id: str
    kind: str
    due: dt.datetime


def job_name(contract_id: str, kind: str) -> str:
    return f"digest:{contract_id}:{kind}"


def runner_of(app: AnyApp) -> DigestRunner | None:
    runner = app.bot_data.digests
    return runner if isinstance(runner, DigestRunner) else None


async def start_digests(app: FloorApp) -> DigestRunner:
    """Make the runner; schedule the catch-up sweep (at once, on election, then repeatedly),
    the contract jobs and the reload of the marks."""
    services = app.bot_data.services
    runner = DigestRunner(
        services.core, app.bot, blocked=services.digests.blocked, running=lambda: app.running
    )
    app.bot_data.digests = runner
    await runner.load_blocked()
    queue = app.job_queue
    if queue is None:
        logger.warning("no job queue (install python-telegram-bot[job-queue]): no digests")
        return runner
    every = services.settings.digest_poll_seconds
    # Not ``run_repeating(first=0)``: APScheduler moves a first run already past by the time
    # the scheduler starts to one interval later, and the start-up catch-up would wait for it.
    catch_up(queue, runner, START_JOB)
    queue.run_repeating(_sweep, interval=every, first=every, name=SWEEP_JOB, data=runner)
    # Not leader-only work: every process reloads its own view of the marks.
    queue.run_repeating(_reload_blocked, every, first=every, name=BLOCKED_JOB, data=runner)
    app.bot_data.leader.when_elected(lambda: catch_up(queue, runner, ELECTED_JOB))
    await schedule_jobs(app)
    return runner


def catch_up(queue: JobQueue[FloorContext], runner: DigestRunner, name: str) -> None:
    """A sweep now, however late the scheduler gets to it."""
    queue.run_once(_sweep, when=0, name=name, data=runner, job_kwargs=RUN_LATE)


async def schedule_jobs(app: AnyApp) -> None:
    """Every contract's job of each kind set to its next due time (changed ones replaced)."""
    runner = runner_of(app)
    if runner is None or app.job_queue is None:
        return
    for run in await runner.next_runs():
        wake = Wake(runner, run.contract_id, run.kind, run.due) if run.due else None
        _set(app, wake, run.contract_id, run.kind)


def _set(app: AnyApp, wake: Wake | None, contract_id: str, kind: str) -> None:
    """Schedule (or drop) one contract job; an unchanged one is left alone."""
    queue = app.job_queue
    assert queue is not None
    name = job_name(contract_id, kind)
    current: tuple[Job[FloorContext], ...] = queue.get_jobs_by_name(name)
    if wake is not None and any(j.data == wake for j in current):
        return
    for job in current:
        job.schedule_removal()
    if wake is None:
        return
    delay = (wake.due - wake.runner.core.clock.now()).total_seconds()
    when = max(0.0, delay) + FIRE_AFTER_SECONDS
    queue.run_once(_wake, when=when, name=name, data=wake, job_kwargs=RUN_LATE)


@on_leader
async def _wake(context: FloorContext) -> None:
    """A contract's digest is due: run a tick, then set its next time."""
    assert context.job is not None
    wake = context.job.data
    assert isinstance(wake, Wake)
    logger.info("digest %s of %s due at %s", wake.kind, wake.contract_id, wake.due.isoformat())
    _log_tick("wake", await wake.runner.tick())
    await schedule_jobs(context.application)


@on_leader
async def _sweep(context: FloorContext) -> None:
    """Catch up (start-up, election, missed times, late requests, retries) unless a tick runs."""
    assert context.job is not None
    runner = context.job.data
    assert isinstance(runner, DigestRunner)
    if runner.busy:
        return
    _log_tick("sweep", await runner.tick())
    await schedule_jobs(context.application)


async def _reload_blocked(context: FloorContext) -> None:
    """On every process: reload the marks, unmarking whoever wrote here since the last time."""
    assert context.job is not None
    runner = context.job.data
    assert isinstance(runner, DigestRunner)
    await runner.load_blocked()


def _log_tick(source: str, tally: Tally) -> None:
    """A tick that made or sent something at INFO, every other one at DEBUG."""
    level = logging.INFO if tally.made or tally.sent else logging.DEBUG
    logger.log(level, "digest tick (%s): %d made, %d sent", source, tally.made, tally.sent)

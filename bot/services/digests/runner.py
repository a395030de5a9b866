"""Digests on schedule: each due digest made once, each delivery sent once, both recorded.

A tick — run by a contract's own job at the due time, by the sweep every few seconds, and at
start-up — does three things, each safe to repeat and safe with several processes sharing
the database:

1. make: the digests due by now (bot.services.digests.schedule) that have no run yet get one,
   with a pending delivery per recipient; a period assessment also closes its period, with the
   figures it is sent with — all in one transaction, holding the contract's lock
   (storage.locks), so that a report recorded at the same moment is either counted in the
   figures or held for a manager as late, never slipped in after them;
2. tidy: a delivery whose claim was not renewed for ``FLOORBOT_DIGEST_STALE_SECONDS`` was
   cut off by a process that died mid-send: it is pending again and goes out in this tick —
   a manager may get it twice (if the message had left before the process died), which is
   better than never; after ``FLOORBOT_DIGEST_MAX_ATTEMPTS`` claims it is given up (unknown);
3. send: pending deliveries, combined per person, through the limiter: each is claimed just
   before its message goes out and recorded right after (sent, blocked, failed, or back to
   pending for a later attempt). A digest due while the bot was down goes out late, once,
   and says so.

Every tick also reloads who has blocked the bot (bot.services.delivery.BlockedChats). The
runner also says when each contract's digests are next due (:meth:`DigestRunner.next_runs`),
for the jobs that wake it then (bot.app.jobs).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot

from bot.services.core import Core
from bot.services.delivery import BlockedChats
from bot.services.digests.content import assess_after, history_of
from bot.services.digests.schedule import (
    DAILY,
    DEFAULTS,
    KINDS,
    PERIOD,
    REMINDER,
    Occurrence,
    Schedule,
    ScheduleError,
    due_now,
    next_due,
    parse_schedule,
)
from bot.services.digests.send import Sender, Tally
from scoring.render import to_data
from scoring.rulebook import Rulebook
from storage import delivery_queries as dlq
from storage import digest_queries as dq
from storage.db import write_session
from storage.directory import list_contracts
from storage.dispute_queries import open_disputes
from storage.locks import lock_contract
from storage.models import Contract, DeliveryState
from storage.queries import events_for_period

logger = logging.getLogger("floorbot.digests")


@dataclass(frozen=True, slots=True)
class NextRun:
    """When a contract's digest of one kind is next due (None: off, or past the term)."""

    contract_id: str
    kind: str
    due: dt.datetime | None


class DigestRunner:
    """Makes and sends digests; one per process, shared by the jobs (bot.app.jobs)."""

    def __init__(
        self,
        core: Core,
        bot: Bot,
        *,
        blocked: BlockedChats | None = None,
        running: Callable[[], bool] = lambda: True,
    ) -> None:
        self.core = core
        self.sender = Sender(core, bot, running, blocked or BlockedChats())
        self.lock = asyncio.Lock()
        self._warned: set[str] = set()

    @property
    def blocked(self) -> BlockedChats:
        """The people marked as having blocked the bot, as this process knows them."""
        return self.sender.blocked

    @property
    def busy(self) -> bool:
        """A tick is under way in this process."""
        return self.lock.locked()

    async def tick(self) -> Tally:
        """Make what is due, tidy, send what is pending (one tick at a time per process)."""
        async with self.lock:
            tally = Tally()
            now = self.core.clock.now()
            tally.made = await self.make_due(now)
            await self.tidy(now, tally)
            await self.sender.send_pending(tally)
            await self.load_blocked()
            return tally

    async def load_blocked(self) -> None:
        """Reload who has blocked the bot; unmark the ones who wrote to this process since."""
        seen = self.blocked.take_seen()
        try:
            async with self.core.sessions() as session:
                marked = await dq.blocked_people(session=session)
            back = {user: person for user, person in marked.items() if user in seen}
            if back:
                async with write_session(self.core.sessions) as session:
                    for person in back.values():
                        await dq.unblock(session=session, person_id=person)
        except Exception:
            self.blocked.seen_again(seen)
            raise
        for person in back.values():
            logger.info("person %s wrote to the bot again: their digests resume", person)
        self.blocked.reload({u: p for u, p in marked.items() if u not in back})

    # -- 1. make ----------------------------------------------------------------------------

    def plan(self, contract: Contract) -> tuple[Rulebook, ZoneInfo] | None:
        """The contract's rulebook and zone (None when its rulebook is not loaded)."""
        book = self.core.rulebooks.get(contract.rulebook_id)
        if book is None:
            self._warn(contract.id, f"rulebook {contract.rulebook_id} is not loaded: no digests")
            return None
        return book, ZoneInfo(contract.timezone)

    async def next_runs(self) -> list[NextRun]:
        """Every contract's next due time of each kind (contracts without a rulebook left out)."""
        now = self.core.clock.now()
        async with self.core.sessions() as session:
            contracts = list(await list_contracts(session=session))
        runs = []
        for contract in contracts:
            plan = self.plan(contract)
            if plan is None:
                continue
            book, zone = plan
            schedule = self.schedule_of(contract)
            for kind in KINDS:
                found = next_due(schedule, book, kind, zone, now)
                runs.append(NextRun(contract.id, kind, found.due if found else None))
        return runs

    def schedule_of(self, contract: Contract) -> Schedule:
        try:
            return parse_schedule(contract.schedule)
        except ScheduleError as exc:
            self._warn(contract.id, f"bad schedule ({exc}): the defaults apply")
            return parse_schedule(DEFAULTS)

    def _warn(self, contract_id: str, reason: str) -> None:
        """Log a contract's problem once per process (ticks come every few seconds)."""
        if contract_id not in self._warned:
            self._warned.add(contract_id)
            logger.warning("contract %s: %s", contract_id, reason)

    async def make_due(self, now: dt.datetime) -> int:
        """Give every due digest without a run its run and its deliveries."""
        async with self.core.sessions() as session:
            contracts = list(await list_contracts(session=session))
            due: list[tuple[Contract, Rulebook, Occurrence]] = []
            for contract in contracts:
                plan = self.plan(contract)
                if plan is None:
                    continue
                book, zone = plan
                found = due_now(
                    self.schedule_of(contract), book, zone, now, since=contract.created_at
                )
                due += [(contract, book, o) for o in found]
            if not due:
                return 0
            made = await dlq.runs_since(session=session, since=min(o.due for _, _, o in due))
        made_now = 0
        for contract, book, occurrence in due:
            if (contract.id, occurrence.kind, occurrence.label) not in made:
                made_now += await self.make(contract, book, occurrence, now)
        return made_now

    async def make(
        self, contract: Contract, book: Rulebook, occurrence: Occurrence, now: dt.datetime
    ) -> int:
        """One digest's run (and, for an assessment, the closing of its period), once."""
        async with write_session(self.core.sessions) as session:
            fresh = await dlq.make_run(
                session=session,
                contract_id=contract.id,
                kind=occurrence.kind,
                period=occurrence.label,
                due_at=occurrence.due,
                now=now,
            )
            if not fresh:
                return 0
            if occurrence.kind == PERIOD:
                await self.close(session, contract, book, occurrence, now)
            people = await self.recipients(session, contract, occurrence)
            await dlq.add_deliveries(
                session=session,
                rows=[
                    dlq.NewDelivery(
                        contract.id, occurrence.kind, occurrence.label, occurrence.due, p
                    )
                    for p in people
                ],
            )
        logger.info(
            "digest %s %s of %s made for %d people (due %s)",
            occurrence.kind,
            occurrence.label,
            contract.id,
            len(people),
            occurrence.due.isoformat(),
        )
        return 1

    async def recipients(
        self, session: AsyncSession, contract: Contract, occurrence: Occurrence
    ) -> list[dq.Recipient]:
        if occurrence.kind == REMINDER:
            zone = ZoneInfo(contract.timezone)
            midnight = dt.datetime.combine(occurrence.due.astimezone(zone).date(), dt.time(0), zone)
            return await dq.silent_inspectors(
                session=session, contract_id=contract.id, since=midnight
            )
        kind = dq.KIND_DAILY if occurrence.kind == DAILY else dq.KIND_PERIOD
        return await dq.recipients(session=session, contract_id=contract.id, kind=kind)

    async def close(
        self,
        session: AsyncSession,
        contract: Contract,
        book: Rulebook,
        occurrence: Occurrence,
        now: dt.datetime,
    ) -> None:
        """Close the period with the figures its assessment is sent with, in this transaction."""
        # A report arriving meanwhile waits for the lock, then finds the period closed and goes
        # to a manager instead; one that took the lock first is counted in the figures.
        await lock_contract(session=session, contract_id=contract.id)
        period = occurrence.period
        events = await events_for_period(
            session=session, contract_id=contract.id, book=book, period=period
        )
        history = await history_of(
            session, contract_id=contract.id, book=book, period=period, now=now
        )
        result = assess_after(book, events, period, history, now)
        disputes = [
            d.dispute.id
            for d in await open_disputes(session=session, contract_id=contract.id, period=period)
        ]
        summary = {
            **to_data(result),
            "open_disputes": disputes,
            "provisional": bool(disputes),
            "due": occurrence.due.isoformat(),
        }
        await dq.close_period(
            session=session,
            contract_id=contract.id,
            period=period.label,
            rulebook_version=book.version,
            score=result.score,
            summary=summary,
            now=now,
        )

    # -- 2. tidy -------------------------------------------------------------------------------

    async def tidy(self, now: dt.datetime, tally: Tally) -> None:
        """Deliveries left mid-send by a process that died: pending again (or given up)."""
        settings = self.core.settings
        stale = dt.timedelta(seconds=settings.digest_stale_seconds)
        async with write_session(self.core.sessions) as session:
            found = await dlq.reclaim_stale(
                session=session,
                claimed_before=now - stale,
                max_attempts=settings.digest_max_attempts,
            )
        for row in found:
            again = row.state == DeliveryState.PENDING.value
            logger.warning(
                "delivery %s (%s %s of %s to person %s) was cut off mid-send (claimed %s): %s",
                row.id,
                row.kind,
                row.period,
                row.contract_id,
                row.person_id,
                row.claimed_at.isoformat(),
                "sending it again, it may arrive twice" if again else "claimed too often, given up",
            )
            if again:
                tally.reclaimed += 1
            else:
                tally.unknown += 1

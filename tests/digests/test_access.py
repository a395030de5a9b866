"""Every digest command and button × every role × own or other contract, by what happens.

Each user holds one role on contract A (the stranger none); "other" aims at contract B,
which none of them may touch. Allowed means a visible effect: a row, or the data on screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal

from sqlmodel import col, select

from bot.app.clock import OffsetClock
from bot.services.permissions import ALLOWED, Action
from bot.services.registry import Services
from storage.db import write_session
from storage.models import Contract, DigestSubscription, LateReport, Person, Role
from tests.bot.conftest import Running
from tests.bot.world import STRANGER
from tests.digests.conftest import Launch
from tests.digests.world import ADMIN, INSPECTOR, MANAGER, VENDOR, A, B, local, sent_before
from tests.fakebot import FakeUser

DIGEST_ACTIONS = {Action.DIGEST, Action.SCHEDULE, Action.APPROVE_LATE}
USERS = {
    "inspector": INSPECTOR,
    "manager": MANAGER,
    "vendor_lead": VENDOR,
    "admin": ADMIN,
    "stranger": STRANGER,
}
Check = Callable[[Running, FakeUser, str, int], Awaitable[bool]]


async def digest(bot: Running, user: FakeUser, target: str, n: int) -> bool:
    reply = await _say(bot, user, f"/digest {target} 2026-07")
    allowed = reply["text"].startswith(f"📋 {target}")
    if allowed:
        await bot.next(user)  # the table
        await bot.next(user)  # the chart
    return allowed


async def unsubscribe(bot: Running, user: FakeUser, target: str, n: int) -> bool:
    await _say(bot, user, f"/unsubscribe {target} daily")
    found = await _subscription(bot, user, target)
    return found is not None and not found.daily


async def _say(bot: Running, user: FakeUser, text: str) -> dict[str, object]:
    """Send ``text`` and return the answer to it (not something left from before)."""
    bot.fake.skip_to_end(user.chat_id)
    return await bot.say(user, text)


async def _settle(bot: Running) -> None:
    """The bot handles updates in order: once a probe is answered, the press was handled."""
    await bot.say(FakeUser(9999, "Probe", "zh"), "/help")


async def _subscription(bot: Running, user: FakeUser, contract: str) -> DigestSubscription | None:
    async with bot.services.sessions() as session:
        statement = (
            select(DigestSubscription)
            .join(Person, col(Person.id) == col(DigestSubscription.person_id))
            .where(
                col(Person.telegram_user_id) == user.id,
                col(DigestSubscription.contract_id) == contract,
            )
        )
        return (await session.exec(statement.execution_options(populate_existing=True))).first()


async def schedule(bot: Running, user: FakeUser, target: str, n: int) -> bool:
    time = f"19:{n:02d}"
    await _say(bot, user, f"/schedule {target} daily {time}")
    async with bot.services.sessions() as session:
        contract = await session.get(Contract, target, populate_existing=True)
        return contract is not None and contract.schedule.get("daily_digest") == time


async def toggle(bot: Running, user: FakeUser, target: str, n: int) -> bool:
    """A crafted switch: position 1 would be a second contract, which none of them has."""
    carrier = await _say(bot, user, "/help")
    await bot.fake.press(user, carrier, f"sub:{0 if target == A else 1}:p:0")
    await _settle(bot)
    found = await _subscription(bot, user, target)
    return found is not None and not found.period


async def approve(bot: Running, user: FakeUser, target: str, n: int) -> bool:
    async with write_session(bot.services.sessions) as session:
        late = LateReport(
            contract_id=target,
            period="2026-06",
            item="dress_code",
            occurred_at=local(2026, 6, 30, 9, 0),
            quantity=Decimal(1),
            staff="张三",
            status="pending",
            created_at=bot.clock.now(),
        )
        session.add(late)
        await session.flush()
        late_id = late.id
    carrier = await _say(bot, user, "/help")
    await bot.fake.press(user, carrier, f"late:ok:{late_id}")
    await _settle(bot)
    async with bot.services.sessions() as session:
        found = await session.get(LateReport, late_id, populate_existing=True)
        return found is not None and found.status == "approved"


CHECKS: dict[str, tuple[Check, Action]] = {
    "digest": (digest, Action.DIGEST),
    "unsubscribe": (unsubscribe, Action.DIGEST),
    "sub button": (toggle, Action.DIGEST),
    "schedule": (schedule, Action.SCHEDULE),
    "late button": (approve, Action.APPROVE_LATE),
}


def _expected(ask: Action, role: str, target: str) -> bool:
    return target == A and role != "stranger" and Role(role) in ALLOWED[ask]


async def test_every_digest_request_checks_the_role_on_its_contract(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 7, 15, 10, 0))
    clock.set(local(2026, 7, 15, 10, 0))
    bot = await launch()
    outcomes = {}
    for n, (name, (check, ask)) in enumerate(CHECKS.items()):
        for role, user in USERS.items():
            for target in (A, B):
                allowed = await check(bot, user, target, n * 10 + len(outcomes) % 10)
                outcomes[(name, role, target)] = (allowed, _expected(ask, role, target))
    wrong = {case: got for case, got in outcomes.items() if got[0] is not got[1]}
    assert wrong == {}
    assert {ask for _, ask in CHECKS.values()} == DIGEST_ACTIONS  # each needs its check

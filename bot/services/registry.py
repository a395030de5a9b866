"""The services a handler reaches through its context: one object per feature, one shared core.

Built once at start-up (bot.app.builder.build_services) and passed in, never imported: a
handler calls ``context.services.<feature>.<request>(asking, ...)``.
"""

from __future__ import annotations

from bot.services.bookkeeping import Bookkeeping
from bot.services.conversations import Conversations
from bot.services.core import Core
from bot.services.corrections import Corrections
from bot.services.digests.requests import Digests
from bot.services.disputes import Disputes
from bot.services.guided import GuidedReports
from bot.services.outbox import Outbox
from bot.services.people import People
from bot.services.reporting import Reporting
from bot.services.scores import Scores


class Services:
    """Every feature's service, and the core they share (settings, database, rulebooks, clock)."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.settings = core.settings
        self.engine = core.engine
        self.sessions = core.sessions
        self.rulebooks = core.rulebooks
        self.clock = core.clock
        self.bookkeeping = Bookkeeping(core)
        self.conversations = Conversations(core)
        self.people = People(core)
        self.digests = Digests(core)
        self.scores = Scores(core)
        self.outbox = Outbox(core)  # messages kept until they arrive
        self.disputes = Disputes(core, self.outbox)
        self.reporting = Reporting(core, self.outbox)  # one-line reports, albums, undo, /myreports
        self.guided = GuidedReports(core, self.outbox)  # the guided report (/report) and its card
        self.corrections = Corrections(core)  # an edited report message corrects the report

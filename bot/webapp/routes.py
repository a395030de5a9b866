"""The Mini App's HTTP side: its pages under ``/app/`` and the JSON API they call.

Every ``/app/api/`` request carries Telegram's signed launch data (``Authorization: tma
<initData>``), validated before anything else (bot.services.webapp_auth): a forged, altered or
expired one gets 401 and nothing more. The user it names is then looked up by the same
services as the chat handlers, with the same permission table (bot.services.permissions): a
vendor lead sees only their own contract, evidence photos are fetched from Telegram only after
the finding's own check. A write (a dispute, a decision) also carries ``X-Request-Id``: it is
claimed like a Telegram update's id, in the request's own transaction, so a replayed request
does nothing twice. Like a chat handler, each route parses, calls one service, renders
(bot.webapp.views); refusals are ``{"error": key, "message": text}`` in the user's language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from importlib.resources import files
from typing import Any

from aiohttp import web
from telegram import Bot
from telegram.error import TelegramError

from bot.app.settings import MINI_APP_PATH
from bot.services.core import Asking, Receipt
from bot.services.drafts import Photo
from bot.services.errors import AlreadyHandled, BotError
from bot.services.findings import Outcome
from bot.services.parsing import row_id
from bot.services.registry import Services
from bot.services.scores import Asked, FindingFilter
from bot.services.vendor_views import Choosing
from bot.services.webapp_auth import InitDataError, WebAppLaunch, validate_init_data
from bot.texts.i18n import CATALOGUES, t
from bot.texts.reports import render_error
from bot.texts.vendor import decision_text, dispute_opened_text
from bot.webapp import views
from handlers.decisions import both_sides
from handlers.disputes import CARD, managers_told

logger = logging.getLogger("floorbot.webapp")

PREFIX = MINI_APP_PATH.rstrip("/")  # where bot.app.serving mounts it
API = "/api"
STATIC = files("bot.webapp").joinpath("static")
MAX_PHOTO_MB = 10  # Telegram's own limit for a photo
MAX_REQUEST_ID = 64
OUTCOMES = {"uphold": Outcome.UPHOLD, "withdraw": Outcome.WITHDRAW, "reduce": Outcome.REDUCE}
# A refusal's HTTP status by its message key (anything else is 400: the request was wrong).
STATUS_OF_KEY = {
    "not_registered": 403,
    "dispute_unknown": 404,
    "entry_unknown": 404,
    "unknown_contract": 404,
    "already_disputed": 409,
    "already_decided": 409,
    "request_repeated": 409,
}
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


@dataclass(frozen=True, slots=True)
class Visitor:
    """A request whose launch data checked out: who, in which language, what it asks."""

    launch: WebAppLaunch
    lang: str | None  # ?lang= (the page's zh/en switch); None: the user's own
    init_hash: str

    def asking(self, request_id: str | None = None) -> Asking:
        """The request for the services; a write's id is claimed like an update's."""
        user = self.launch.user
        return Asking(_claim_id(self.init_hash, request_id), user, user.id, Receipt())


def _claim_id(init_hash: str, request_id: str | None) -> int:
    """A negative id (Telegram's update ids are positive) unique to one launch and request."""
    if request_id is None:
        return 0
    digest = hashlib.sha256(f"{init_hash}:{request_id}".encode()).digest()
    return -(int.from_bytes(digest[:7], "big") + 1)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Route = Callable[[web.Request, "Visitor"], Awaitable[web.StreamResponse]]


class MiniApp:
    """The routes, over the services the chat handlers use and the bot that sends."""

    def __init__(self, services: Services, bot: Bot) -> None:
        self.services = services
        self.bot = bot
        self.token = services.settings.telegram_token()

    def app(self) -> web.Application:
        app = web.Application(client_max_size=(MAX_PHOTO_MB + 1) << 20)
        app.router.add_get("/", self.page)
        app.router.add_get("/static/{name}", self.static)
        api = self.launched
        app.router.add_get(f"{API}/me", api(self.me))
        contract = f"{API}/contracts/{{contract}}"
        app.router.add_get(f"{contract}/assessment", api(self.assessment))
        app.router.add_get(f"{contract}/trend", api(self.trend))
        app.router.add_get(f"{contract}/trend.png", api(self.trend_chart))
        app.router.add_get(f"{contract}/deductions", api(self.deductions))
        finding = f"{API}/findings/{{entry}}"
        app.router.add_get(finding, api(self.finding))
        app.router.add_get(f"{finding}/evidence/{{n}}", api(self.evidence))
        app.router.add_get(f"{finding}/dispute-photos/{{n}}", api(self.dispute_photo))
        app.router.add_post(f"{finding}/dispute", api(self.dispute))
        app.router.add_post(f"{API}/disputes/{{dispute}}/decision", api(self.decision))
        return app

    # -- checks around every API request --------------------------------------------------

    def launched(self, route: Route) -> Handler:
        """``route`` behind the checks of every API request: the launch data validated first
        (401 and nothing more when it fails), then a service's refusal answered as JSON in the
        user's language, and a replayed write as 409."""

        async def handle(request: web.Request) -> web.StreamResponse:
            lang = request.query.get("lang")
            lang = lang if lang in CATALOGUES else None
            default = lang or self.services.settings.default_language
            scheme, _, init_data = request.headers.get("Authorization", "").partition(" ")
            try:
                if scheme.lower() != "tma":
                    raise InitDataError("launch_missing")
                launch = validate_init_data(
                    init_data.strip(),
                    self.token,
                    now=self.services.clock.now(),
                    max_age=dt.timedelta(seconds=self.services.settings.webapp_max_age_seconds),
                )
            except InitDataError as refused:
                logger.info("Mini App request refused: %s", refused.key)  # never the data
                return _refusal(401, refused.key, t(default, refused.key))
            started = time.perf_counter()
            try:
                answer = await route(request, Visitor(launch, lang, _hash_of(init_data)))
                spent = (time.perf_counter() - started) * 1000
                answer.headers["Server-Timing"] = f"app;dur={spent:.1f}"  # the browser shows it
                return answer
            except BotError as error:
                said = lang or error.lang or default
                status = 403 if error.key.startswith("forbidden") else STATUS_OF_KEY.get(error.key)
                return _refusal(status or 400, error.key, render_error(said, error))
            except AlreadyHandled:
                return _refusal(409, "request_repeated", t(default, "request_repeated"))

        return handle

    # -- the page ------------------------------------------------------------------------

    async def page(self, _request: web.Request) -> web.Response:
        html = STATIC.joinpath("index.html").read_text("utf-8")
        return web.Response(text=html, content_type="text/html", headers=_NO_STORE)

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        kinds = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
        kind = next((k for suffix, k in kinds.items() if name.endswith(suffix)), None)
        resource = STATIC.joinpath(name)
        if kind is None or "/" in name or not resource.is_file():
            raise web.HTTPNotFound(text="no such file")
        return web.Response(text=resource.read_text("utf-8"), content_type=kind)

    # -- reading -----------------------------------------------------------------------

    async def me(self, request: web.Request, visitor: Visitor) -> web.Response:
        view = await self.services.scores.overview(visitor.asking())
        lang = visitor.lang or view.lang
        texts = {k: v for k, v in CATALOGUES[lang].items() if k.startswith("app_")}
        return _json(views.overview(view, lang, texts))

    async def assessment(self, request: web.Request, visitor: Visitor) -> web.Response:
        asked = Asked(ref=request.match_info["contract"], period=_given(request, "period"))
        view = await self.services.scores.score(visitor.asking(), asked=asked)
        assert not isinstance(view, Choosing)  # a contract is named
        return _json(views.assessment(view))

    async def trend(self, request: web.Request, visitor: Visitor) -> web.Response:
        contract = request.match_info["contract"]
        view = await self.services.scores.trend(visitor.asking(), asked=Asked(ref=contract))
        assert not isinstance(view, Choosing)
        chart = f"{PREFIX}{API}/contracts/{contract}/trend.png"
        return _json(views.trend(view, chart))

    async def trend_chart(self, request: web.Request, visitor: Visitor) -> web.Response:
        asked = Asked(ref=request.match_info["contract"])
        view = await self.services.scores.history(visitor.asking(), asked=asked)
        assert not isinstance(view, Choosing)
        return web.Response(body=view.chart, content_type="image/png", headers=_PRIVATE)

    async def deductions(self, request: web.Request, visitor: Visitor) -> web.Response:
        asked = Asked(ref=request.match_info["contract"], period=_given(request, "period"))
        only = FindingFilter(
            item=_given(request, "item"),
            staff=_given(request, "staff"),
            inspector=_given(request, "inspector"),
            state=_given(request, "status"),
        )
        scores = self.services.scores
        everything = await scores.deductions(visitor.asking(), asked=asked)
        assert not isinstance(everything, Choosing)
        shown = replace(everything, findings=tuple(f for f in everything.findings if only.keeps(f)))
        return _json(views.ledger(shown, everything))

    async def finding(self, request: web.Request, visitor: Visitor) -> web.Response:
        view = await self.services.scores.finding(visitor.asking(), entry_id=_entry(request))
        base = f"{PREFIX}{API}"
        return _json(views.detail(view, visitor.lang or view.lang, base))

    async def evidence(self, request: web.Request, visitor: Visitor) -> web.Response:
        return await self._photo(request, visitor, dispute=False)

    async def dispute_photo(self, request: web.Request, visitor: Visitor) -> web.Response:
        return await self._photo(request, visitor, dispute=True)

    async def _photo(
        self, request: web.Request, visitor: Visitor, *, dispute: bool
    ) -> web.Response:
        """A photo of a finding the visitor may see (checked by the finding's own request),
        fetched from Telegram, which keeps every photo the bot was sent."""
        view = await self.services.scores.finding(visitor.asking(), entry_id=_entry(request))
        photos = view.dispute_photos if dispute else view.evidence
        n = _position(request.match_info["n"])
        if n is None or n >= len(photos):
            raise web.HTTPNotFound(text="no such photo")
        try:
            file = await self.bot.get_file(photos[n])
            content = bytes(await file.download_as_bytearray())
        except TelegramError as exc:
            logger.warning("photo %s of finding %s unavailable: %s", n, view.finding.id, exc)
            raise web.HTTPBadGateway(text="Telegram did not give the photo") from None
        kind = "image/png" if content.startswith(IMAGE_MAGIC[1]) else "image/jpeg"
        return web.Response(body=content, content_type=kind, headers=_PRIVATE)

    # -- writing -----------------------------------------------------------------------

    async def dispute(self, request: web.Request, visitor: Visitor) -> web.Response:
        """A vendor lead's dispute: the reason and an optional photo, in one request."""
        asking = visitor.asking(_request_id(request))
        entry_id = _entry(request)
        form = await request.post()
        reason = str(form.get("reason") or "")
        upload = form.get("photo")
        photos: tuple[Photo, ...] = ()
        if isinstance(upload, web.FileField):
            content = upload.file.read()
            if content:
                photos = (await self._kept_photo(visitor, asking, entry_id, reason, content),)
        disputes = self.services.disputes
        opened = await disputes.open_at_once(
            asking, entry_id=entry_id, reason=reason, photos=photos, tell=managers_told
        )
        delivered = await self.services.outbox.send(self.bot, opened.queued)
        reached = len({d.chat_id for d in delivered if d.kind == CARD})
        lang = visitor.lang or opened.lang
        message = dispute_opened_text(replace(opened, lang=lang), reached, in_app=True)
        timezone = opened.finding.timezone
        names = {opened.dispute.opened_by_id: opened.opener}
        return _json(
            {"dispute": views.dispute(opened.dispute, timezone, names), "message": message}
        )

    async def _kept_photo(
        self, visitor: Visitor, asking: Asking, entry_id: int, reason: str, content: bytes
    ) -> Photo:
        """The uploaded photo, sent to the vendor lead's own chat so that Telegram keeps it
        like every other photo (the dispute refers to its file id); first the checks that
        would refuse the dispute, so that a refused one sends nothing."""
        if len(content) > MAX_PHOTO_MB << 20:
            raise BotError("photo_too_large", limit=MAX_PHOTO_MB)
        if not content.startswith(IMAGE_MAGIC):
            raise BotError("not_a_photo")
        disputes = self.services.disputes
        lang = await disputes.check_dispute(asking, entry_id=entry_id, reason=reason)
        caption = t(visitor.lang or lang, "app_photo_caption", entry=entry_id)
        sent = await self.bot.send_photo(asking.chat_id, content, caption=caption)
        size = sent.photo[-1]
        return Photo(size.file_id, size.file_unique_id, hashlib.sha256(content).hexdigest())

    async def decision(self, request: web.Request, visitor: Visitor) -> web.Response:
        """A manager's decision: uphold, withdraw or reduce (with the new figure), and why."""
        asking = visitor.asking(_request_id(request))
        dispute_id = row_id(request.match_info["dispute"])
        if dispute_id is None:
            raise BotError("dispute_unknown", dispute=request.match_info["dispute"])
        body = await _json_body(request)
        outcome = OUTCOMES.get(str(body.get("outcome", "")))
        if outcome is None:
            raise BotError("bad_outcome")
        reason = str(body.get("reason") or "").strip()
        figure = str(body.get("figure") or "").strip()
        text = f"{figure} {reason}" if outcome is Outcome.REDUCE else reason
        made = await self.services.disputes.decide_at_once(
            asking, dispute_id=dispute_id, outcome=outcome, text=text, tell=both_sides
        )
        await self.services.outbox.send(self.bot, made.queued)
        lang = visitor.lang or made.lang
        return _json(views.decision(made, decision_text(lang, "decided_manager", made)))


def mini_app(services: Services, bot: Bot) -> web.Application:
    """The Mini App's aiohttp application, to mount at bot.app.settings.MINI_APP_PATH."""
    return MiniApp(services, bot).app()


# -- small helpers ---------------------------------------------------------------------------

_NO_STORE = {"Cache-Control": "no-store"}
_PRIVATE = {"Cache-Control": "private, max-age=300"}


def _json(data: dict[str, Any]) -> web.Response:
    return web.json_response(data, headers=_NO_STORE)


def _refusal(status: int, key: str, message: str) -> web.Response:
    return web.json_response({"error": key, "message": message}, status=status, headers=_NO_STORE)


def _hash_of(init_data: str) -> str:
    return hashlib.sha256(init_data.strip().encode()).hexdigest()


def _given(request: web.Request, name: str) -> str | None:
    value = request.query.get(name, "").strip()
    return value or None


def _entry(request: web.Request) -> int:
    entry_id = row_id(request.match_info["entry"])
    if entry_id is None:
        raise BotError("entry_unknown", entry=request.match_info["entry"])
    return entry_id


def _position(text: str) -> int | None:
    """A photo's place in its list (0, 1, ...)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else None


def _request_id(request: web.Request) -> str:
    request_id = request.headers.get("X-Request-Id", "").strip()
    if not request_id or len(request_id) > MAX_REQUEST_ID:
        raise BotError("request_id_needed")
    return request_id


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}

"""Serving updates, with each one acknowledged to Telegram only after it has been handled.

- Webhook (several processes behind one reverse proxy): a small HTTP server answers Telegram's
  POST only once the update went through every handler. A process killed half-way never
  answers, so Telegram delivers the update again (to this process or another one), and the
  update-id claim in the request's own transaction makes the redelivery do nothing twice.
- Long polling: a batch of updates is handled before the next ``getUpdates`` call confirms it
  (python-telegram-bot's Updater confirms a batch as soon as it has fetched it, so a crash
  would lose the updates still queued in memory).

Updates of one chat are handled one at a time and in order (several chats at once, up to
``FLOORBOT_MAX_CONCURRENT_UPDATES``). SIGINT and SIGTERM stop the bot after the updates in
hand are finished.

One aiohttp server per process serves every HTTP path: the webhook, ``GET /health``, the Mini
App under ``/app/`` (bot.webapp, when ``FLOORBOT_WEBAPP_URL`` is set) and, in the demo, the
chat page. It listens on the webhook's port, and (in polling mode, or on a second port) on
``FLOORBOT_HEALTH_PORT`` when that is set. aiohttp rather than PTB's own webhook server
(tornado, answering each update at once) because the webhook must answer only once an update
is handled, the local Bot API and the demo page are aiohttp already, and one server keeps one
set of ports and one shutdown. Its access log is off: request headers carry the Mini App's
signed launch data.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.app import health
from bot.app.context import FloorApp
from bot.app.settings import MINI_APP_PATH
from bot.app.transport import retry_seconds
from bot.webapp.routes import mini_app

logger = logging.getLogger("floorbot.serve")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/health"
# Waiting after a failed getUpdates grows from the first to the last figure.
POLL_BACKOFF_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)
# How long a stopping bot waits for the updates it is handling.
DRAIN_SECONDS = 30.0
# Open HTTP connections are closed this long after the server stops taking new ones.
SHUTDOWN_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Webhook:
    """Serve Telegram's webhook calls at ``url`` (its path), listening on ``listen:port``."""

    url: str
    path: str
    listen: str
    port: int
    secret_token: str | None


@dataclass(frozen=True, slots=True)
class Polling:
    """Long-poll ``getUpdates`` with this timeout (seconds)."""

    timeout: int


@dataclass(frozen=True, slots=True)
class HttpListener:
    """Where else the HTTP server (``/health``, the Mini App) listens: in polling mode, or on a
    second port beside the webhook; ``sock``, a socket already bound there (the demo's)."""

    listen: str
    port: int
    sock: socket.socket | None = None


class Dispatcher:
    """Hands updates to the Application: a bounded number at once, one at a time per chat."""

    def __init__(self, app: FloorApp, limit: int) -> None:
        self._app = app
        self._slots = asyncio.Semaphore(limit)
        self._chats: dict[int, tuple[asyncio.Lock, list[int]]] = {}
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def process(self, update: Update) -> None:
        """Handle one update through every handler group; returns when it is done."""
        self._in_flight += 1
        self._idle.clear()
        try:
            async with self._chat_turn(_chat_of(update)), self._slots:
                await self._app.process_update(update)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    @contextlib.asynccontextmanager
    async def _chat_turn(self, chat: int | None) -> Any:
        if chat is None:
            yield
            return
        lock, users = self._chats.setdefault(chat, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                self._chats.pop(chat, None)

    async def drain(self, timeout: float) -> None:  # noqa: ASYNC109
        """Wait until no update is being handled (at most ``timeout`` seconds)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)


def _chat_of(update: Update) -> int | None:
    chat = update.effective_chat
    if chat is not None:
        return chat.id
    user = update.effective_user
    return user.id if user is not None else None


# -- HTTP: the webhook and /health -------------------------------------------------------------


class Serving:
    """What the HTTP handlers and the poller share: the app, the dispatcher, the stop flag."""

    def __init__(self, app: FloorApp, dispatcher: Dispatcher, mode: str) -> None:
        self.app = app
        self.dispatcher = dispatcher
        self.mode = mode
        self.stopping = False
        self.started = time.monotonic()

    async def take(self, headers: Mapping[str, str], body: bytes, secret: str | None) -> int:
        """One webhook call: the HTTP status to answer, once the update has been handled."""
        if secret is not None and headers.get(SECRET_HEADER) != secret:
            return HTTPStatus.FORBIDDEN
        if self.stopping:
            return HTTPStatus.SERVICE_UNAVAILABLE  # Telegram retries; another process takes it
        try:
            update = Update.de_json(json.loads(body), self.app.bot)
        except (ValueError, TypeError, KeyError) as exc:
            logger.warning("webhook call with an unreadable update: %s", exc)
            return HTTPStatus.BAD_REQUEST
        self.app.bot.insert_callback_data(update)
        await self.dispatcher.process(update)
        return HTTPStatus.OK

    async def health(self) -> tuple[int, dict[str, Any]]:
        """The process's own view: database and schema, whether it leads the jobs."""
        engine = self.app.bot_data.services.engine
        checks = [await health.database(engine)]
        if checks[0].ok:
            checks.append(await health.schema(engine))
        ok = all(c.ok for c in checks) and not self.stopping
        body = {
            "status": "ok" if ok else "unavailable",
            "mode": self.mode,
            "pid": os.getpid(),
            "leader": self.app.bot_data.leader.is_leader,
            "updates_in_flight": self.dispatcher.in_flight,
            "uptime_seconds": round(time.monotonic() - self.started, 1),
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        }
        return (HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE), body


def _web_app(
    serving: Serving, webhook: Webhook | None, site: web.Application | None
) -> web.Application:
    """One aiohttp application for every listener: /health, the webhook, the Mini App (when
    FLOORBOT_WEBAPP_URL is set) and the caller's own pages (the demo's chat page)."""
    root = site if site is not None else web.Application()

    async def health_check(_request: web.Request) -> web.Response:
        status, body = await serving.health()
        return web.json_response(body, status=status)

    root.router.add_get(HEALTH_PATH, health_check)
    if webhook is not None:
        secret = webhook.secret_token

        async def take_update(request: web.Request) -> web.Response:
            status = await serving.take(request.headers, await request.read(), secret)
            return web.Response(status=status)

        root.router.add_post(f"/{webhook.path}", take_update)
    services = serving.app.bot_data.services
    if services.settings.webapp_url is not None:
        root.add_subapp(MINI_APP_PATH.rstrip("/"), mini_app(services, serving.app.bot))
    return root


# -- long polling -------------------------------------------------------------------------------


class Poller:
    """getUpdates in a loop; a batch is confirmed (by the next call's offset) once handled."""

    def __init__(self, serving: Serving, timeout: int) -> None:
        self._serving = serving
        self._timeout = timeout
        self._failures = 0

    async def run(self, stop: asyncio.Event) -> None:
        bot = self._serving.app.bot
        await bot.delete_webhook()
        offset: int | None = None
        while not stop.is_set():
            updates = await self._fetch(offset, stop)
            if not updates:
                continue
            await asyncio.gather(*(self._serving.dispatcher.process(u) for u in updates))
            offset = updates[-1].update_id + 1
        if offset is not None:
            with contextlib.suppress(TelegramError):
                await bot.get_updates(offset=offset, timeout=0, limit=1)  # confirm the last batch

    async def _fetch(self, offset: int | None, stop: asyncio.Event) -> tuple[Update, ...]:
        """The next batch; empty when stopped, timed out, or after a failure (and a pause)."""
        bot = self._serving.app.bot
        call = asyncio.ensure_future(bot.get_updates(offset=offset, timeout=self._timeout))
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({call, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not call.done():
            call.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await call
            return ()
        try:
            updates = call.result()
        except InvalidToken:
            raise
        except TimedOut:
            return ()
        except RetryAfter as exc:
            await _pause(stop, retry_seconds(exc))
            return ()
        except (Conflict, NetworkError, TelegramError) as exc:
            await self._back_off(stop, exc)
            return ()
        self._failures = 0
        return updates

    async def _back_off(self, stop: asyncio.Event, exc: TelegramError) -> None:
        wait = POLL_BACKOFF_SECONDS[min(self._failures, len(POLL_BACKOFF_SECONDS) - 1)]
        self._failures += 1
        logger.warning("getUpdates failed (%s); trying again in %.0f s", exc, wait)
        await _pause(stop, wait)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


# -- the whole run ----------------------------------------------------------------------------


async def serve(
    app: FloorApp,
    mode: Webhook | Polling,
    *,
    listener: HttpListener | None = None,
    site: web.Application | None = None,
    max_concurrent: int,
    stop: asyncio.Event | None = None,
) -> None:
    """Run the bot until SIGINT or SIGTERM (or ``stop`` is set, when given); every update in
    hand is finished before it stops. ``site``: the caller's own pages, served beside."""
    if stop is None:
        stop = asyncio.Event()
        _on_signals(stop)
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        serving = Serving(app, Dispatcher(app, max_concurrent), _mode_name(mode))
        runner = await _listen(serving, mode, listener, site)
        try:
            await _receive(serving, mode, stop)
        finally:
            serving.stopping = True
            await serving.dispatcher.drain(DRAIN_SECONDS)
            if runner is not None:
                await runner.cleanup()
        logger.info("stopped")
    finally:
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


def _mode_name(mode: Webhook | Polling) -> str:
    return "webhook" if isinstance(mode, Webhook) else "polling"


async def _listen(
    serving: Serving,
    mode: Webhook | Polling,
    listener: HttpListener | None,
    site: web.Application | None,
) -> web.AppRunner | None:
    """Start the HTTP server on the webhook's port and on ``listener`` (one application)."""
    webhook = mode if isinstance(mode, Webhook) else None
    if webhook is None and listener is None:
        return None
    runner = web.AppRunner(
        _web_app(serving, webhook, site), access_log=None, shutdown_timeout=SHUTDOWN_SECONDS
    )
    await runner.setup()
    if webhook is not None:
        await web.TCPSite(runner, webhook.listen, webhook.port).start()
        logger.info("webhook listening on %s:%s/%s", webhook.listen, webhook.port, webhook.path)
    if listener is not None and not (webhook is not None and listener.port == webhook.port):
        if listener.sock is not None:
            await web.SockSite(runner, listener.sock).start()
        else:
            await web.TCPSite(runner, listener.listen, listener.port).start()
        logger.info("HTTP (health, Mini App) on %s:%s", listener.listen, listener.port)
    return runner


async def _receive(serving: Serving, mode: Webhook | Polling, stop: asyncio.Event) -> None:
    if isinstance(mode, Polling):
        logger.info("polling for updates")
        await Poller(serving, mode.timeout).run(stop)
        return
    await serving.app.bot.set_webhook(mode.url, secret_token=mode.secret_token)
    await stop.wait()


def _on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

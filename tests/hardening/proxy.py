"""A round-robin reverse proxy on loopback, as in front of several webhook processes.

Each POST goes to the next backend in turn; a backend that does not answer (stopped, killed)
is skipped for the next one, as nginx's ``proxy_next_upstream error`` does. ``served`` records
which backend answered each request.
"""

from __future__ import annotations

import itertools
import socket

import aiohttp
from aiohttp import web

FORWARDED = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")


class RoundRobin:
    """Forward POSTs to ``backends`` (base URLs like ``http://127.0.0.1:8001``) in turn."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.served: list[int] = []
        self._turn = itertools.cycle(range(len(backends)))
        self._client: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> RoundRobin:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._client is not None
        body = await request.read()
        headers = {k: request.headers[k] for k in FORWARDED if k in request.headers}
        for _ in self.backends:
            index = next(self._turn)
            target = self.backends[index] + request.path
            try:
                async with self._client.post(target, data=body, headers=headers) as answer:
                    content = await answer.read()
            except (aiohttp.ClientError, OSError):
                continue
            self.served.append(index)
            return web.Response(status=answer.status, body=content)
        return web.Response(status=502, text="no backend answered")

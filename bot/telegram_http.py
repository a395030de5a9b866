"""Requests to the Bot API: python-telegram-bot's HTTPXRequest, sending JSON bodies.

PTB form-encodes a call's parameters, and urllib percent-encodes every byte of a non-ASCII
text one at a time, in Python: a report's confirmation in Chinese with its Undo button is some
265 bytes to quote, about a tenth of a millisecond on a bot that was idle between two
messages (measured: docs/benchmarks.md, "Bot"). The Bot API takes the same parameters as a
JSON body (``application/json``, for every call but uploads), which the json module writes in
C. A call that uploads a file (a spreadsheet, a chart) stays multipart, on PTB's own path.
"""

from __future__ import annotations

import json

import httpx
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

JSON_HEADERS = {"User-Agent": HTTPXRequest.USER_AGENT, "Content-Type": "application/json"}
POOL_TIMEOUT = (
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* "
    "sent to Telegram. Consider adjusting the connection pool size or the pool timeout."
)


class JsonRequest(HTTPXRequest):
    """HTTPXRequest with the parameters of a call without files sent as one JSON object."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        given = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        if request_data is None or request_data.contains_files:
            return await super().do_request(url, method, request_data, *given)
        body = json.dumps(request_data.parameters, ensure_ascii=False).encode()
        # The timeouts not given are the client's own, as HTTPXRequest does it.
        timeout = self._client.timeout
        if not all(isinstance(value, DefaultValue) for value in given):
            timeout = httpx.Timeout(
                connect=_given(connect_timeout, timeout.connect),
                read=_given(read_timeout, timeout.read),
                write=_given(write_timeout, timeout.write),
                pool=_given(pool_timeout, timeout.pool),
            )
        try:
            response = await self._client.request(
                method, url, headers=JSON_HEADERS, content=body, timeout=timeout
            )
        except httpx.PoolTimeout as error:  # (errors as HTTPXRequest raises them)
            raise TimedOut(message=POOL_TIMEOUT) from error
        except httpx.TimeoutException as error:
            raise TimedOut from error
        except httpx.HTTPError as error:
            raise NetworkError(f"httpx.{type(error).__name__}: {error}") from error
        return response.status_code, response.content


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value

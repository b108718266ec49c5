"""A transport that sends requests for named hosts to another address, like `curl --resolve`: the URL (and so
robots.txt, politeness per host, source keys) stays the portal's, only the connection goes elsewhere. Used to
crawl a staging mirror served on loopback, in fault-injection tests and in the crawl benchmark."""

from __future__ import annotations

from collections.abc import Mapping

import httpx


class ResolveTransport(httpx.AsyncBaseTransport):
    def __init__(self, targets: Mapping[str, str], inner: httpx.AsyncBaseTransport | None = None) -> None:
        """`targets` maps a host name to "http://127.0.0.1:PORT"."""
        self._targets = {host.lower(): httpx.URL(base) for host, base in targets.items()}
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        target = self._targets.get(request.url.host)
        if target is not None:
            request.headers["Host"] = request.url.netloc.decode("ascii")
            request.url = request.url.copy_with(scheme=target.scheme, host=target.host, port=target.port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()

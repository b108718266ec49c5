"""When to retry and how long to wait: exponential backoff with jitter, or what the server asked for."""

from __future__ import annotations

import random
import socket
import ssl
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import httpx

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
RETRY_ERRORS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,  # connect errors, resets, reads cut short
    httpx.RemoteProtocolError,  # server closed the connection mid-response
)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def backoff_delay_s(
    attempt: int,
    *,
    base_s: float,
    max_s: float,
    retry_after_s: float | None,
    retry_after_cap_s: float,
    rng: Callable[[], float] = random.random,
) -> float:
    """Wait before try number `attempt + 1`: Retry-After (capped) if given, else base * 2^(attempt-1) with full jitter
    in [0.5, 1.5) so that many clients do not come back in step."""
    if retry_after_s is not None:
        return min(retry_after_s, retry_after_cap_s)
    return min(max_s, base_s * (2 ** (attempt - 1)) * (0.5 + rng()))


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what it wraps (httpx -> httpcore -> anyio -> the OS error), outermost first."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def describe_error(exc: BaseException) -> str:
    """What went wrong with the network, in words a person can act on: DNS, refused or failed connection, TLS,
    which timeout, a response cut short. httpx wraps the OS error a few levels deep ("All connection attempts
    failed"), so the chain is read down to its cause."""
    chain = _chain(exc)
    root = chain[-1]
    detail = str(root) or type(root).__name__
    if any(isinstance(e, socket.gaierror) for e in chain):
        return f"DNS lookup failed: {detail}"
    if any(isinstance(e, ssl.SSLError) for e in chain):
        return f"TLS error: {detail}"
    if isinstance(exc, httpx.TimeoutException):
        kind = {httpx.ConnectTimeout: "connect timeout", httpx.ReadTimeout: "read timeout",
                httpx.WriteTimeout: "write timeout", httpx.PoolTimeout: "pool timeout"}.get(type(exc), "timeout")
        return f"{kind} ({type(exc).__name__}{': ' + str(exc) if str(exc) else ''})"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return f"connection refused: {detail}"
    if isinstance(exc, httpx.ConnectError):
        return f"connect failed: {detail}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"connection closed mid-response: {exc}"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return f"connection lost: {detail}"
    return f"{type(exc).__name__}: {exc}".rstrip(": ")

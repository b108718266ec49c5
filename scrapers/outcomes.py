"""The typed end of every fetch: a scraper never sees an exception from the network, only one of these."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"  # 304 to a conditional GET: the page is as we last read it (no body)
    NOT_FOUND = "not_found"  # 404 / 410
    BLOCKED = "blocked"  # challenge page or login wall: not the page we asked for
    ROBOTS_DISALLOWED = "robots_disallowed"
    FAILED = "failed"  # retries exhausted, cap exceeded, bad redirect... `error` says which


@dataclass(frozen=True, kw_only=True)
class FetchResult:
    url: str  # the URL asked for
    outcome: Outcome
    final_url: str = ""  # after same-site redirects
    status: int | None = None
    text: str = ""  # decoded body for OK, the evidence for BLOCKED
    content: bytes = b""
    content_type: str = ""
    attempts: int = 0
    error: str = ""  # why it is not OK, in words a person can act on
    fetched_at: str = ""  # ISO 8601 UTC
    history: tuple[str, ...] = field(default_factory=tuple)  # redirect hops
    etag: str | None = None  # the response's validators, for the next conditional GET
    last_modified: str | None = None

    @property
    def read(self) -> bool:
        """The page was read: a body (OK), or the server said it is unchanged (NOT_MODIFIED)."""
        return self.outcome in (Outcome.OK, Outcome.NOT_MODIFIED)

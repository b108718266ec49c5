"""Conditional-request cache: validators and body per URL in SQLite, so incremental runs ask
"has it changed?" (If-None-Match / If-Modified-Since) and reuse the body on 304.

Hand-written rather than hishel: hishel caches by HTTP freshness rules and serves fresh entries without asking,
while we always want to revalidate and to know a 304 happened (it becomes the `not_modified` outcome).
Policy (when to revalidate) lives in the fetcher; this module is only storage.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CachedPage:
    etag: str | None
    last_modified: str | None
    content: bytes
    content_type: str


class ConditionalCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT,"
            " content BLOB NOT NULL, content_type TEXT NOT NULL)"
        )

    def get(self, url: str) -> CachedPage | None:
        row = self._db.execute(
            "SELECT etag, last_modified, content, content_type FROM pages WHERE url = ?", (url,)
        ).fetchone()
        return CachedPage(*row) if row else None

    def put(self, url: str, page: CachedPage) -> None:
        if not (page.etag or page.last_modified):
            return  # nothing to revalidate with: storing the body would only cost disk
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)",
                (url, page.etag, page.last_modified, page.content, page.content_type),
            )

    def close(self) -> None:
        self._db.close()


def conditional_headers(page: CachedPage | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if page is not None and page.etag:
        headers["If-None-Match"] = page.etag
    if page is not None and page.last_modified:
        headers["If-Modified-Since"] = page.last_modified
    return headers

"""The crawl's memory between runs: every URL a portal has shown us, when it is due again, and the last good record
of every programme page, in one SQLite file in the data dir.

A run asks for due pages (`due`), fetches them and commits each outcome at once (`fetched_listing`,
`fetched_detail`, `failed`): a run killed at any moment resumes where it stopped and fetches nothing it already
has. Records live here, not in memory: the published dataset is always the whole known catalogue, and a page that
failed this run keeps its last good record, marked stale with the reason. A page leaves the catalogue only when it
is gone (404/410 on two runs) or no listing names it any more after every listing was read (`close_pass`).

Times are POSIX seconds from an injected clock, so tests move days ahead without sleeping.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from scrapers.records import RawRecord

LISTING, DETAIL = "listing", "detail"
RANK_LISTING, RANK_NEW, RANK_REVISIT = 0, 1, 2  # the order a run takes due pages: listings, new pages, revisits
GONE_RUNS = 2  # 404/410 on this many runs (in a row) and a page is gone
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,                 -- listing | detail
    rank INTEGER NOT NULL,              -- RANK_*: the order due pages are taken in
    source_key TEXT,                    -- detail pages: the programme's key on its portal
    discovered_at REAL NOT NULL,
    listed_at REAL,                     -- the last time a listing or sitemap named it
    marker TEXT,                        -- the portal's lastmod for it, as the listing printed it
    fetched_at REAL,                    -- the last fetch, whatever its outcome
    ok_at REAL,                         -- the last fetch that gave the page (a body or a 304)
    etag TEXT,
    last_modified TEXT,
    content_hash TEXT,
    outcome TEXT,
    error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,  -- failed fetches in a row
    gone INTEGER NOT NULL DEFAULT 0,      -- runs in a row that got 404/410
    due_at REAL NOT NULL,
    removed_at REAL,                      -- gone or no longer listed: out of the catalogue
    removed_why TEXT
);
CREATE INDEX IF NOT EXISTS pages_due ON pages (source, rank, due_at) WHERE removed_at IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS pages_key ON pages (source, source_key) WHERE source_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS links (      -- what each listing named, so a 304 on a listing still counts as naming them
    listing TEXT NOT NULL,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    marker TEXT,
    PRIMARY KEY (listing, url)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
    source TEXT NOT NULL,
    source_key TEXT NOT NULL,
    url TEXT NOT NULL,
    record TEXT NOT NULL,               -- RawRecord as JSON, as the page was last parsed
    fetched_at TEXT NOT NULL,           -- its last read (a 304 or an unchanged body moves it, not the JSON)
    stale TEXT NOT NULL DEFAULT '',     -- why the page could not be refreshed: these are its last good values
    PRIMARY KEY (source, source_key)
);
CREATE TABLE IF NOT EXISTS crawls (     -- one row per source per run, for the first-run budget and the run report
    source TEXT NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL,
    fetched INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source, started_at)
);
"""


@dataclass(frozen=True, slots=True)
class Ages:
    """When a fetched page is due again (seconds); from the settings (scrapers.crawl.CrawlPlan.of)."""

    detail_s: float
    listing_s: float
    failed_s: float  # a failed page is retried on a later run, not again in this one


@dataclass(frozen=True, slots=True)
class DuePage:
    url: str
    kind: str
    source_key: str | None
    etag: str | None
    last_modified: str | None
    content_hash: str | None


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    kind: str
    source_key: str | None = None
    marker: str | None = None


class FrontierDamaged(Exception):
    """The frontier file cannot be read; the message says where it is and how to start it afresh."""


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="seconds")


class Frontier:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            self._db = sqlite3.connect(path, isolation_level=None)  # transactions are explicit: one per page
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a killed process
            self._db.executescript(SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise FrontierDamaged(
                f"the crawl frontier {path} cannot be read ({exc}). Move it aside to start the crawl afresh: every "
                "page is then fetched again and the published data is rebuilt from it") from exc

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Frontier":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _tx(self) -> "_Transaction":
        return _Transaction(self._db)

    # ------------------------------------------------------------------ discovery
    def add(self, source: str, links: Iterable[Link], now: float, *, listing: str | None = None,
            detail_age_s: float = 0.0) -> int:
        """Record what a listing (or the configuration: `listing` None) names; returns how many URLs are new.

        A known page is marked listed now. A removed page named again comes back. A detail page whose marker (the
        portal's lastmod) changed is due now, not at its age. One programme under two addresses is kept once."""
        new = 0
        with self._tx():
            for link in links:
                row = self._db.execute("SELECT marker, removed_at, kind FROM pages WHERE url = ?", (link.url,)).fetchone()
                if row is None:
                    if link.source_key is not None and self._db.execute(
                            "SELECT 1 FROM pages WHERE source = ? AND source_key = ?",
                            (source, link.source_key)).fetchone():
                        continue  # the same programme under another address
                    rank = RANK_LISTING if link.kind == LISTING else RANK_NEW
                    self._db.execute(
                        "INSERT INTO pages (url, source, kind, rank, source_key, discovered_at, listed_at, marker,"
                        " due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (link.url, source, link.kind, rank, link.source_key, now, now, link.marker, now))
                    new += 1
                else:
                    marker, removed_at, kind = row
                    changed = link.marker is not None and marker is not None and link.marker != marker
                    self._db.execute(
                        "UPDATE pages SET listed_at = ?, marker = COALESCE(?, marker),"
                        " due_at = CASE WHEN ? OR removed_at IS NOT NULL THEN MIN(due_at, ?) ELSE due_at END,"
                        " removed_at = NULL, removed_why = NULL, gone = CASE WHEN removed_at IS NULL THEN gone ELSE 0 END"
                        " WHERE url = ?",
                        (now, link.marker, changed, now, link.url))
                if listing is not None:
                    self._db.execute("INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?)",
                                     (listing, link.url, link.kind, link.marker))
        return new

    def relist(self, listing: str, now: float) -> None:
        """A listing answered 304: everything it named last time it still names."""
        with self._tx():
            self._db.execute(
                "UPDATE pages SET listed_at = ? WHERE url IN (SELECT url FROM links WHERE listing = ?)", (now, listing))

    # ------------------------------------------------------------------ scheduling
    _DUE = "source = ? AND removed_at IS NULL AND due_at <= ? AND (fetched_at IS NULL OR fetched_at < ?)"

    def due(self, source: str, run_start: float, now: float, limit: int,
            exclude: Iterable[str] = (), kinds: tuple[str, ...] = (LISTING, DETAIL)) -> list[DuePage]:
        """Pages due now and not fetched since the run started: listings, then never-fetched pages, then the most
        overdue. `exclude`: pages in flight."""
        exclude = set(exclude)
        ranks = [RANK_LISTING] if LISTING in kinds else []
        ranks += [RANK_NEW, RANK_REVISIT] if DETAIL in kinds else []
        rows = self._db.execute(
            "SELECT url, kind, source_key, etag, last_modified, content_hash FROM pages WHERE " + self._DUE
            + f" AND rank IN ({','.join('?' * len(ranks))}) ORDER BY rank, due_at LIMIT ?",
            (source, now, run_start, *ranks, limit + len(exclude))).fetchall()
        return [DuePage(*row) for row in rows if row[0] not in exclude][:limit]

    def count_due(self, source: str, run_start: float, now: float) -> int:
        row = self._db.execute("SELECT COUNT(*) FROM pages WHERE " + self._DUE, (source, now, run_start)).fetchone()
        return int(row[0])

    # ------------------------------------------------------------------ outcomes
    def fetched_listing(self, url: str, now: float, ages: Ages, *, etag: str | None, last_modified: str | None,
                        content_hash: str, outcome: str, links: Iterable[Link] | None, source: str) -> None:
        """A listing read (`links` what it names) or unchanged (304, `links` None: it names what it named)."""
        with self._tx():  # one transaction: a kill leaves the listing unread, never half-recorded
            if links is None:
                self.relist(url, now)
            else:
                self._db.execute("DELETE FROM links WHERE listing = ?", (url,))
                self.add(source, links, now, listing=url)
            self._db.execute(
                "UPDATE pages SET fetched_at = ?, ok_at = ?, etag = COALESCE(?, etag),"
                " last_modified = COALESCE(?, last_modified), content_hash = ?, outcome = ?, error = NULL,"
                " failures = 0, gone = 0, due_at = ? WHERE url = ?",
                (now, now, etag, last_modified, content_hash, outcome, now + ages.listing_s, url))

    def fetched_detail(self, url: str, now: float, ages: Ages, *, etag: str | None, last_modified: str | None,
                       content_hash: str, outcome: str, record: RawRecord | None) -> None:
        """A programme page read: its record replaces the last one (`record` None: unchanged, the last one stays,
        with this fetch's time)."""
        with self._tx():
            self._db.execute(
                "UPDATE pages SET fetched_at = ?, ok_at = ?, etag = COALESCE(?, etag),"
                " last_modified = COALESCE(?, last_modified), content_hash = ?, outcome = ?, error = NULL,"
                " failures = 0, gone = 0, due_at = ?, rank = ? WHERE url = ?",
                (now, now, etag, last_modified, content_hash, outcome, now + ages.detail_s, RANK_REVISIT, url))
            if record is not None:
                self._db.execute(
                    "INSERT OR REPLACE INTO records (source, source_key, url, record, fetched_at, stale)"
                    " VALUES (?, ?, ?, ?, ?, '')", (record.source, record.source_key, url,
                                                    json.dumps(record.to_dict(), ensure_ascii=False), record.fetched_at))
            else:  # unchanged: the record stays, read again now
                self._db.execute("UPDATE records SET fetched_at = ?, stale = '' WHERE url = ?", (iso(now), url))

    def failed(self, url: str, now: float, ages: Ages, *, outcome: str, error: str, gone: bool = False) -> bool:
        """The page could not be read this run. Its record stays, marked stale with `error`; a page gone (404/410)
        on `GONE_RUNS` runs in a row leaves the catalogue. Returns True when it was removed."""
        with self._tx():
            self._db.execute(
                "UPDATE pages SET fetched_at = ?, outcome = ?, error = ?, failures = failures + 1,"
                " gone = CASE WHEN ? THEN gone + 1 ELSE 0 END, due_at = ? WHERE url = ?",
                (now, outcome, error, gone, now + ages.failed_s, url))
            row = self._db.execute("SELECT gone, source_key, source FROM pages WHERE url = ?", (url,)).fetchone()
            if row is not None and row[0] >= GONE_RUNS:
                self._remove(url, row[2], row[1], f"gone ({error}) on {row[0]} runs in a row", now)
                return True
            why = error if not gone else f"{error}: gone on {row[0] if row else 1} run; removed if still gone on the next"
            self._db.execute("UPDATE records SET stale = ? WHERE url = ?", (why, url))
        return False

    def _remove(self, url: str, source: str, source_key: str | None, why: str, now: float) -> None:
        self._db.execute("UPDATE pages SET removed_at = ?, removed_why = ? WHERE url = ?", (now, why, url))
        if source_key is not None:
            self._db.execute("DELETE FROM records WHERE source = ? AND source_key = ?", (source, source_key))

    # ------------------------------------------------------------------ the end of a pass
    def close_pass(self, source: str, run_start: float, now: float, max_share: float) -> tuple[int, str]:
        """Remove the programme pages no listing names any more, when that can be known: every listing of the
        source was read without failure and none is due. A page is unlisted when its last listing is older than
        the oldest listing read. More than `max_share` of the catalogue unlisted at once is taken for a listing
        that changed its markup, not for a portal that lost its programmes: nothing is removed, and the reason says
        so. Returns (pages removed, why not when none could be)."""
        listings = self._db.execute(
            "SELECT COUNT(*), SUM(ok_at IS NULL OR outcome NOT IN ('ok', 'not_modified')), MIN(ok_at),"
            " SUM(due_at <= ? AND (fetched_at IS NULL OR fetched_at < ?))"
            " FROM pages WHERE source = ? AND kind = 'listing' AND removed_at IS NULL",
            (now, run_start, source)).fetchone()
        count, unread, oldest, due = listings
        if not count or unread or due:
            return 0, "the listings were not all read: removal waits for a complete pass"
        unlisted = self._db.execute(
            "SELECT url, source_key FROM pages WHERE source = ? AND kind = 'detail' AND removed_at IS NULL"
            " AND listed_at < ?", (source, oldest)).fetchall()
        catalogue = self._db.execute(
            "SELECT COUNT(*) FROM pages WHERE source = ? AND kind = 'detail' AND removed_at IS NULL",
            (source,)).fetchone()[0]
        if not unlisted:
            return 0, ""
        if len(unlisted) > max_share * catalogue:
            return 0, (f"{len(unlisted)} of {catalogue} programme pages are no longer listed: more than "
                       f"{max_share:.0%}, so none is removed (a listing whose markup changed?)")
        with self._tx():
            for url, key in unlisted:
                self._remove(url, source, key, "no longer named by any listing or sitemap", run_start)
        return len(unlisted), ""

    # ------------------------------------------------------------------ runs and records
    def start_crawl(self, source: str, now: float) -> bool:
        """Note a source's crawl; True when it is the source's first (no earlier crawl of it finished)."""
        with self._tx():
            first = self._db.execute("SELECT 1 FROM crawls WHERE source = ? AND finished_at IS NOT NULL",
                                     (source,)).fetchone() is None
            self._db.execute("INSERT OR REPLACE INTO crawls (source, started_at) VALUES (?, ?)", (source, now))
        return first

    def finish_crawl(self, source: str, started: float, now: float, fetched: int) -> None:
        with self._tx():
            self._db.execute("UPDATE crawls SET finished_at = ?, fetched = ? WHERE source = ? AND started_at = ?",
                             (now, fetched, source, started))

    def is_empty(self) -> bool:
        return self._db.execute("SELECT 1 FROM pages LIMIT 1").fetchone() is None

    def sources(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT DISTINCT source FROM records ORDER BY source")]

    def records(self, source: str) -> Iterator[RawRecord]:
        """The source's catalogue, in key order, one record at a time."""
        for record, fetched_at, stale in self._db.execute(
                "SELECT record, fetched_at, stale FROM records WHERE source = ? ORDER BY source_key", (source,)):
            data = json.loads(record)
            data["fetched_at"], data["stale"] = fetched_at, stale
            yield RawRecord.from_dict(data)

    def import_records(self, records: Iterable[RawRecord], now: float) -> int:
        """Adopt records published before the frontier existed (an older data dir): their pages are due now."""
        n = 0
        with self._tx():
            for record in records:
                self._db.execute(
                    "INSERT OR IGNORE INTO pages (url, source, kind, rank, source_key, discovered_at, listed_at,"
                    " content_hash, due_at) VALUES (?, ?, 'detail', ?, ?, ?, ?, ?, ?)",
                    (record.url, record.source, RANK_REVISIT, record.source_key, now, now, record.content_hash, now))
                self._db.execute(
                    "INSERT OR IGNORE INTO records (source, source_key, url, record, fetched_at, stale)"
                    " VALUES (?, ?, ?, ?, ?, ?)", (record.source, record.source_key, record.url,
                                                   json.dumps(record.to_dict(), ensure_ascii=False), record.fetched_at,
                                                   record.stale))
                n += 1
        return n

    def page(self, url: str) -> dict[str, object] | None:
        """One page's row, for reports and tests."""
        cursor = self._db.execute("SELECT * FROM pages WHERE url = ?", (url,))
        row = cursor.fetchone()
        return None if row is None else dict(zip((c[0] for c in cursor.description), row))


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error; nested uses join the outer one."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._outer = False

    def __enter__(self) -> None:
        self._outer = not self._db.in_transaction
        if self._outer:
            self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if self._outer:
            self._db.execute("ROLLBACK" if exc_type else "COMMIT")

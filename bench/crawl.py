"""Crawl benchmark: our crawler (`programme_scout.pipeline.crawl`, through the frontier in a data dir, reaching the
mirror through `scrapers.resolve.ResolveTransport`) and Scrapy walk the same loopback mirror of the three portals
(bench/crawl_site.py: listings with pagination → programme pages in each portal's recorded markup, 10 ms per
response, one port per host) at *identical* politeness scaled down 100×: 2 requests in flight and 10 ms between
request starts per portal host, the same global cap (our `crawl_tasks` = Scrapy's CONCURRENT_REQUESTS = 16),
robots.txt obeyed, 3 tries per URL; Scrapy with no delay jitter (DOWNLOAD_DELAY_JITTER = 0, formerly
RANDOMIZE_DOWNLOAD_DELAY) and AutoThrottle off. Scrapy reaches the mirror as each host's HTTP proxy (so its download
slots and cache keys stay the portals'); its spider parses with our portal parsers, so both do the same parsing
work. Each crawler runs in a child process; times come from the server's log (the kernel's arrival stamp of the
first request → the last response), so interpreter start-up is not counted.

The bound: a host can start a request at most every `delay` and hold at most `c` in flight for `latency` each, so
its R requests take at least R × max(delay, latency ÷ c) = R × 10 ms here; hosts run in parallel, so the crawl
takes at least the largest of these (the global cap, 16, is above the 3 × 2 in flight the hosts allow). Pages/s of
the bound = all requests ÷ that time (300/s). Memory: peak VmRSS summed over the crawler's process tree, sampled
every 50 ms from /proc. Resume: our crawl SIGKILLed (its whole process group) once the server has logged half the
requests, then run again on the same data dir. Revisit: a share of the pages changes (new title, new ETag), then
our crawl runs with its clock 8 days ahead (every programme page due at the default 7 days), and again after
another change with 1/7 of the programme pages due (the rest's `due_at` moved a day past the run in the frontier:
a steady state where revisits spread over the week); Scrapy has no notion of due, so it is run as it would be
(plain, HTTPCACHE_ENABLED with RFC2616Policy, or scrapy-deltafetch, each from its own first crawl).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.crawl_site import HOSTS, SHAPES, Site, listing_count

ROOT = Path(__file__).resolve().parent.parent
LATENCY_S = 0.01  # per response, at the server
DELAY_S = 0.01  # between request starts per host (the portals' 1 s, scaled down 100×)
PER_HOST = 2  # requests in flight per host
GLOBAL_CAP = 16  # our crawl_tasks = Scrapy's CONCURRENT_REQUESTS
ATTEMPTS = 3  # tries per URL (Scrapy: RETRY_TIMES = 2)
SOURCES = {"studyportals": "www.mastersportal.com", "topuniversities": "www.topuniversities.com",
           "masterstudies": "www.masterstudies.com"}
USER_AGENT = "programme-scout-bench/0.1"


# ------------------------------------------------------------------ the mirror
@dataclass(frozen=True, slots=True)
class Hit:
    host: str
    path: str  # without the query for detail pages (Scrapy keeps ?ref=... from the cards)
    start: float
    end: float
    status: int
    connection: int  # the server's number of the TCP connection


class Mirror:
    """The mirror server in its own process, with its control endpoints."""

    def __init__(self, n_pages: int, latency_s: float = LATENCY_S) -> None:
        self.n_pages = n_pages
        handle, port_file = tempfile.mkstemp(prefix="crawl-mirror-")
        os.close(handle)
        Path(port_file).write_text("")
        self.process = subprocess.Popen([sys.executable, "-m", "bench.crawl_site", str(n_pages), str(latency_s), port_file],
                                        cwd=ROOT)
        for _ in range(600):
            if Path(port_file).read_text():
                break
            time.sleep(0.05)
        self.ports: dict[str, int] = json.loads(Path(port_file).read_text())  # host -> its port
        Path(port_file).unlink()
        self._conn = http.client.HTTPConnection("127.0.0.1", self.ports[HOSTS[0]], timeout=60)
        self.changes: list[float] = []

    def _get(self, path: str) -> bytes:
        self._conn.request("GET", path, headers={"Host": "control"})
        return self._conn.getresponse().read()

    def reset(self) -> None:
        self._get("/_bench/reset")

    def count(self) -> int:
        return int(self._get("/_bench/count"))

    def change(self, fraction: float) -> None:
        self._get(f"/_bench/change?fraction={fraction}")
        self.changes.append(fraction)

    def log(self) -> list[Hit]:
        hits = []
        for host, target, start, end, status, connection in json.loads(self._get("/_bench/log")):
            path = target if "page=" in target else target.split("?")[0]
            hits.append(Hit(host, path, start, end, status, connection))
        return hits

    def changed_paths(self, *, latest: bool = False) -> set[tuple[str, str]]:
        """(host, path) of the detail pages changed by any change (or by the latest), computed as the server does."""
        now, before = Site(self.n_pages), Site(self.n_pages)
        now.generations, before.generations = list(self.changes), list(self.changes[:-1] if latest else [])
        return {(shape.host, shape.detail_path(j)) for k, shape in enumerate(SHAPES)
                for j in range(now.counts[k]) if now.revision(k, j) != before.revision(k, j)}

    def close(self) -> None:
        self._conn.close()
        self.process.terminate()
        self.process.wait()

    def __enter__(self) -> "Mirror":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def expected_requests(n_pages: int) -> int:
    """robots.txt per host, every listing page, every detail page."""
    return len(HOSTS) + listing_count(n_pages) + n_pages


# ------------------------------------------------------------------ memory of a process tree
def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue
            tree[int(stat.rpartition(")")[2].split()[1])].append(int(entry.name))
    return tree


def tree_rss_kb(pid: int) -> int:
    """VmRSS of `pid` and all its descendants (a crawler's parse workers count too)."""
    tree, total, todo = _children(), 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(tree.get(current, ()))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


@dataclass
class Run:
    name: str
    hits: list[Hit]
    peak_kb: int = 0
    returncode: int = 0
    killed: bool = False
    cpu_s: float = 0.0  # user + system CPU of the crawler's process tree
    output: dict[str, Any] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.hits)

    @property
    def seconds(self) -> float:
        return max(h.end for h in self.hits) - min(h.start for h in self.hits) if self.hits else 0.0

    def statuses(self) -> Counter[int]:
        return Counter(h.status for h in self.hits)

    def details(self, status: int | None = None) -> list[tuple[str, str]]:
        """(host, path) of detail-page requests (not robots.txt, not listings), of one status if given."""
        return [(h.host, h.path) for h in self.hits if h.path != "/robots.txt" and "page=" not in h.path
                and not h.path.endswith("/Information-Science/") and (status is None or h.status == status)]


def run_child(name: str, command: list[str], mirror: Mirror, *, env: dict[str, str] | None = None,
              kill_after: int | None = None, cwd: Path = ROOT) -> Run:
    """Runs one crawl in its own session, sampling the tree's memory every 50 ms; with `kill_after`, SIGKILLs the
    whole session once the server has logged that many requests."""
    print(f"[crawl bench] {time.strftime('%H:%M:%S')} {name}, N = {mirror.n_pages}", file=sys.stderr, flush=True)
    mirror.reset()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)
        peak, killed = 0, False
        while process.poll() is None:
            peak = max(peak, tree_rss_kb(process.pid))
            if kill_after is not None and not killed and mirror.count() >= kill_after:
                os.killpg(process.pid, signal.SIGKILL)
                killed = True
            time.sleep(0.05)
        if not killed:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # a worker left behind by the crawl
            except ProcessLookupError:
                pass
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    time.sleep(0.2)  # the last responses' log lines
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the crawler and the descendants it waited for
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    run = Run(name, mirror.log(), peak, process.returncode, killed, cpu_s=cpu)
    if not killed:
        if process.returncode != 0:
            raise RuntimeError(f"{name} exited {process.returncode}:\n{stderr[-3000:]}")
        lines = [line for line in stdout.splitlines() if line.startswith("{")]
        run.output = json.loads(lines[-1]) if lines else {}
    return run


# ------------------------------------------------------------------ our crawler
def ours_command(mirror: Mirror, data_dir: Path, *, days_later: float = 0.0) -> list[str]:
    return [sys.executable, "-m", "bench.crawl", "_ours", json.dumps(mirror.ports), str(data_dir), str(days_later)]


def ours_child(ports: dict[str, int], data_dir: str, days_later: float = 0.0) -> None:
    """The child: one crawl of the three portals' mirror through the frontier in `data_dir`, politeness as above,
    no budget (the first run reads everything); `days_later` moves the crawl's clock ahead (a revisit run)."""
    from programme_scout import pipeline
    from programme_scout.settings import FetchSettings, Settings
    from scrapers.resolve import ResolveTransport

    starts: dict[str, tuple[str, ...]] = {source: (next(s.start_url for s in SHAPES if s.host == host),)
                                         for source, host in SOURCES.items()}
    unlimited = {"max_pages_per_source": 10**7, "max_minutes_per_source": 10.0**4, "first_run_max_pages": 10**7,
                 "first_run_max_minutes": 10.0**4}
    settings = Settings(
        fetch=FetchSettings(per_host_concurrency=PER_HOST, per_host_delay_s=DELAY_S, http_timeout_s=30.0,
                            max_attempts=ATTEMPTS, user_agent=USER_AGENT),
        sources=tuple(SOURCES), start_urls=starts, data_dir=Path(data_dir), crawl_tasks=GLOBAL_CAP,
        revisit_after_days=7.0, **unlimited)  # type: ignore[arg-type]
    transport = ResolveTransport({host: f"http://127.0.0.1:{port}" for host, port in ports.items()})
    offset = days_later * 86400
    results = asyncio.run(pipeline.crawl(settings, transport=transport, clock=lambda: time.time() + offset))
    outcomes: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for result in results.values():
        outcomes.update({str(k): v for k, v in result.outcomes.items()})
        totals.update({"changed": result.changed, "unchanged": result.unchanged, "attempted": result.attempted,
                       "deferred": result.deferred, "removed": result.removed})
    print(json.dumps({"records": totals["changed"] + totals["unchanged"], **totals, "outcomes": dict(outcomes)}))


def make_due(data_dir: Path, share: float, days_later: float) -> set[tuple[str, str]]:
    """Leaves `share` of the programme pages due at `days_later` and moves the others' due time past it, as in a
    steady state where revisits are spread over the revisit age (1/7 of the catalogue due each day at 7 days).
    Edits the frontier's `due_at` directly: the one thing a real week would have changed. Returns the due pages
    as (host, path)."""
    import sqlite3
    import zlib

    later = time.time() + days_later * 86400
    with sqlite3.connect(data_dir / "frontier.sqlite") as db:
        urls = [url for (url,) in db.execute("SELECT url FROM pages WHERE kind = 'detail' AND removed_at IS NULL")]
        not_due = [(later + 86400, url) for url in urls if zlib.crc32(url.encode()) / 2**32 >= share]
        db.executemany("UPDATE pages SET due_at = ? WHERE url = ?", not_due)
    kept = set(urls) - {url for _, url in not_due}
    return {(urlsplit(url).hostname or "", urlsplit(url).path) for url in kept}


# ------------------------------------------------------------------ Scrapy
SPIDER = '''
import json
import scrapy
from scrapers.registry import family_for

try:
    from scrapy_deltafetch import DeltaFetch
except ImportError:
    DeltaFetch = object


class AsyncDeltaFetch(DeltaFetch):
    """scrapy-deltafetch 2.1 predates the asynchronous spider output Scrapy now requires of every spider
    middleware: the same method, fed one result at a time from the async stream."""

    async def process_spider_output_async(self, response, result, spider=None):
        async for item in result:
            for kept in self.process_spider_output(response, [item], spider):
                yield kept


class ProxyPerHost:
    """The mirror is each host's HTTP proxy, at the host's own port (HttpProxyMiddleware, 750, reads meta)."""

    PROXIES = json.loads({proxies!r})

    def process_request(self, request, spider=None):
        host = request.url.split("/")[2]
        if host in self.PROXIES:
            request.meta["proxy"] = self.PROXIES[host]


class Mirror(scrapy.Spider):
    """Our portal parsers on Scrapy's engine: the same parsing work as our crawler."""

    name = "mirror"
    custom_settings = json.loads({settings!r})
    start_urls = {starts!r}


    def parse(self, response):
        listing = family_for(response.url).parse_listing(response.text, response.url)
        for url in listing.next_urls:
            yield response.follow(url, self.parse, priority=1)  # listings first, as ours
        for url in listing.detail_urls:
            yield response.follow(url, self.parse_detail)

    def parse_detail(self, response):
        fields = family_for(response.url).parse_detail(response.text, response.url)
        yield {{"url": response.url, "title": (fields.get("title") or [""])[0]}}
'''


def scrapy_settings(mode: str, state: Path, items: Path) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "CONCURRENT_REQUESTS": GLOBAL_CAP, "CONCURRENT_REQUESTS_PER_DOMAIN": PER_HOST, "DOWNLOAD_DELAY": DELAY_S,
        "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": True,
        "RETRY_TIMES": ATTEMPTS - 1, "DOWNLOAD_TIMEOUT": 30, "USER_AGENT": USER_AGENT, "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "WARNING",
        "FEEDS": {str(items): {"format": "jsonlines", "overwrite": True}},
        "DOWNLOADER_MIDDLEWARES": {"spider.ProxyPerHost": 700},
    }
    from scrapy.settings import default_settings

    if hasattr(default_settings, "DOWNLOAD_DELAY_JITTER"):  # Scrapy ≥ 2.14 (?): RANDOMIZE_DOWNLOAD_DELAY deprecated
        settings["DOWNLOAD_DELAY_JITTER"] = 0
    else:
        settings["RANDOMIZE_DOWNLOAD_DELAY"] = False
    if mode == "httpcache":
        settings.update({"HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": str(state / "httpcache"),
                         "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.RFC2616Policy"})
    elif mode == "deltafetch":
        settings.update({"SPIDER_MIDDLEWARES": {"spider.AsyncDeltaFetch": 100}, "DELTAFETCH_ENABLED": True,
                         "DELTAFETCH_DIR": str(state / "deltafetch")})
    return settings


def scrapy_available(mode: str = "plain") -> str | None:
    """None when Scrapy (and the mode's extension) imports, else why not."""
    modules = ["scrapy"] + (["scrapy_deltafetch"] if mode == "deltafetch" else [])
    for module in modules:
        try:
            __import__(module)
        except ImportError as exc:
            return f"{module} is not importable ({exc})"
    return None


def run_scrapy(name: str, mirror: Mirror, mode: str, state: Path) -> Run:
    """Scrapy in a child process, the mirror as each host's HTTP proxy: the request line carries the portal's URL,
    so the download slot (per host politeness) and the cache key stay the portal's."""
    state.mkdir(parents=True, exist_ok=True)
    spider, items = state / "spider.py", state / "items.jsonl"
    starts = [s.start_url.replace("https://", "http://") for s in SHAPES]
    proxies = {host: f"http://127.0.0.1:{port}" for host, port in mirror.ports.items()}
    spider.write_text(SPIDER.format(settings=json.dumps(scrapy_settings(mode, state, items)), starts=starts,
                                    proxies=json.dumps(proxies)))
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy", "all_proxy")}
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{state}"
    run = run_child(name, [sys.executable, "-m", "scrapy", "runspider", str(spider)], mirror, env=env, cwd=state)
    run.output = {"records": sum(1 for _ in items.open()) if items.exists() else 0}
    return run


# ------------------------------------------------------------------ checks and figures
def bound_s(hits: Iterable[Hit]) -> float:
    per_host = Counter(h.host for h in hits)
    return max(count * max(DELAY_S, LATENCY_S / PER_HOST) for count in per_host.values())


def politeness(hits: Iterable[Hit]) -> tuple[float, int, int]:
    """(smallest gap between request starts to one host, gaps below the delay, most requests in flight at one
    host), server-side."""
    by_host: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        by_host[hit.host].append(hit)
    gap, short, flight = float("inf"), 0, 0
    for host_hits in by_host.values():
        starts = sorted(h.start for h in host_hits)
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        gap = min([gap] + gaps)
        short += sum(1 for g in gaps if g < DELAY_S)
        events = sorted([(h.start, 1) for h in host_hits] + [(h.end, -1) for h in host_hits])
        current = 0
        for _, step in events:
            current += step
            flight = max(flight, current)
    return gap, short, flight


def mb(kb: int) -> str:
    return f"{kb / 1024:.0f}"


def first_crawl_rows(runs: list[Run]) -> list[str]:
    rows = ["| crawler | N | requests | records | seconds | pages/s | bound pages/s | share of bound | "
            "CPU ms per request | peak RSS MB (tree) | smallest gap per host ms | gaps < delay | most in flight per host |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for run in runs:
        gap, short, flight = politeness(run.hits)
        bound = bound_s(run.hits)
        rows.append(f"| {run.name} | {run.output.get('n', '')} | {run.requests} | {run.output.get('records', '')} | "
                    f"{run.seconds:.1f} | {run.requests / run.seconds:.1f} | {run.requests / bound:.1f} | "
                    f"{bound / run.seconds:.1%} | {run.cpu_s * 1000 / run.requests:.2f} | {mb(run.peak_kb)} | {gap * 1000:.2f} | {short} | {flight} |")
    return rows


def first_crawls(mirror: Mirror, work: Path, with_scrapy: bool) -> list[Run]:
    runs = [run_child("ours", ours_command(mirror, work / "ours-first"), mirror)]
    if with_scrapy:
        runs.append(run_scrapy("scrapy", mirror, "plain", work / "scrapy-first"))
    for run in runs:
        run.output["n"] = mirror.n_pages
    return runs


def resume(mirror: Mirror, work: Path, unkilled: Run, share: float = 0.5) -> list[str]:
    """Our crawl SIGKILLed once the server saw `share` of the requests, then run again on the same data dir."""
    data = work / "ours-killed"
    killed = run_child("ours, killed", ours_command(mirror, data), mirror,
                       kill_after=int(expected_requests(mirror.n_pages) * share))
    resumed = run_child("ours, resumed", ours_command(mirror, data), mirror)
    first = Counter(killed.details(200))
    bodies_twice = sum(1 for page in resumed.details(200) if first[page])
    asked_twice = len(set(killed.details()) & set(resumed.details()))
    rows = ["| run | requests | 200 | 304 | records | detail pages requested in both runs | "
            "fetched with a body in both | seconds |", "|---|---|---|---|---|---|---|---|"]
    for run in (unkilled, killed, resumed):
        s = run.statuses()
        rows.append(f"| {run.name} | {run.requests} | {s[200]} | {s[304]} | {run.output.get('records', '—')} | "
                    f"{asked_twice if run is resumed else ''} | {bodies_twice if run is resumed else ''} | "
                    f"{run.seconds:.1f} |")
    total = killed.seconds + resumed.seconds
    rows.append(f"| killed + resumed | {killed.requests + resumed.requests} | | | | | | {total:.1f} "
                f"({total / unkilled.seconds:.2f}× the unkilled run) |")
    return rows


def revisit(mirror: Mirror, work: Path, ours_state: Path, with_scrapy: bool, changed: float,
            due_share: float = 1 / 7) -> list[str]:
    """After the first crawls, twice: `changed` of the pages change, then a crawl 8 days later (every programme page
    due at 7 days), then another change and a crawl with only `due_share` of the pages due (`make_due`)."""
    scrapy_modes = []
    if with_scrapy:
        for mode in ("httpcache", "deltafetch"):
            if scrapy_available(mode) is None:
                run_scrapy(f"scrapy + {mode}, first", mirror, mode, work / f"scrapy-{mode}")
                scrapy_modes.append(mode)
    labels = {"httpcache": "scrapy + HTTPCACHE (RFC2616Policy)", "deltafetch": "scrapy + deltafetch"}
    rows: list[str] = []
    for days, share in ((8.0, 1.0), (16.0, due_share)):
        mirror.change(changed)
        changed_pages = mirror.changed_paths(latest=True)
        if share < 1:
            due_pages = make_due(ours_state, share, days)
        else:
            due_pages = all_detail_pages(mirror.n_pages)
        runs = [run_child("ours (frontier)", ours_command(mirror, ours_state, days_later=days), mirror)]
        if with_scrapy and share == 1:  # plain Scrapy fetches every page in full, whatever is due
            runs.append(run_scrapy("scrapy", mirror, "plain", work / "scrapy-plain-revisit"))
        runs += [run_scrapy(labels[mode], mirror, mode, work / f"scrapy-{mode}") for mode in scrapy_modes]
        what = "every programme page due" if share == 1 else f"{len(due_pages)} programme pages due ({share:.0%})"
        rows += ["", f"**{what}**, {len(changed_pages)} changed since the last crawl "
                     f"({len(changed_pages & due_pages)} of them due):", "",
                 "| crawler | requests | 200 | 304 | detail requests | detail requests per due page | "
                 "changed pages read | records |", "|---|---|---|---|---|---|---|---|"]
        for run in runs:
            s = run.statuses()
            seen = len(changed_pages & set(run.details(200)))
            rows.append(f"| {run.name} | {run.requests} | {s[200]} | {s[304]} | {len(run.details())} | "
                        f"{len(run.details()) / len(due_pages):.3f} | {seen} of {len(changed_pages)} | "
                        f"{run.output.get('records', '')} |")
    return rows[1:]


def all_detail_pages(n_pages: int) -> set[tuple[str, str]]:
    counts = Site(n_pages).counts
    return {(shape.host, shape.detail_path(j)) for shape, count in zip(SHAPES, counts) for j in range(count)}


def run(pages: int = 100_000, memory_pages: tuple[int, ...] = (10_000, 30_000), revisit_pages: int = 10_000,
        changed: float = 0.05, with_scrapy: bool = True) -> str:
    why_not = scrapy_available()
    with_scrapy = with_scrapy and why_not is None
    out: list[str] = [f"Politeness per host: {PER_HOST} in flight, {DELAY_S * 1000:.0f} ms between starts; "
                      f"{LATENCY_S * 1000:.0f} ms per response; global cap {GLOBAL_CAP}."]
    if why_not:
        out.append(f"Scrapy skipped: {why_not}.")
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as tmp:
        work = Path(tmp)
        first: list[Run] = []
        memory: list[tuple[int, Run, Run | None]] = []
        for n in sorted({*memory_pages, pages}):
            with Mirror(n) as mirror:
                runs = first_crawls(mirror, work / f"n{n}", with_scrapy)
            memory.append((n, runs[0], runs[1] if with_scrapy else None))
            if n == pages:
                first = runs
            shutil.rmtree(work / f"n{n}", ignore_errors=True)
        out += ["", "### First (full) crawl", "", *first_crawl_rows(first)]
        out += ["", "### Peak memory of the process tree against N", "",
                "| N | ours MB | scrapy MB |", "|---|---|---|"]
        out += [f"| {n} | {mb(o.peak_kb)} | {mb(s.peak_kb) if s else '—'} |" for n, o, s in memory]
        with Mirror(revisit_pages) as mirror:
            base = work / "revisit"
            unkilled = run_child("ours, unkilled", ours_command(mirror, base / "ours-first"), mirror)
            out += ["", f"### Resume after SIGKILL at ~50 % (N = {revisit_pages})", "",
                    *resume(mirror, base, unkilled)]
            out += ["", f"### Revisit (N = {revisit_pages}): requests per due page", "",
                    *revisit(mirror, base, base / "ours-first", with_scrapy, changed)]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000, help="detail pages of the first-crawl figures")
    parser.add_argument("--memory-pages", default="10000,30000", help="further N for the memory figure, comma-separated")
    parser.add_argument("--revisit-pages", type=int, default=10_000, help="N of the resume and revisit figures")
    parser.add_argument("--changed", type=float, default=0.05, help="share of pages changed before the revisit")
    parser.add_argument("--no-scrapy", action="store_true")
    args = parser.parse_args()
    memory = tuple(int(x) for x in args.memory_pages.split(",") if x.strip())
    print(run(args.pages, memory, args.revisit_pages, args.changed, not args.no_scrapy))


if __name__ == "__main__":
    if sys.argv[1:2] == ["_ours"]:
        ours_child(json.loads(sys.argv[2]), sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 0.0)
    else:
        main()

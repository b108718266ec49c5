"""The crawl benchmark's loopback mirror: N programme pages over the three portals' hosts, generated from the path
on each request (nothing is stored per page), served by one asyncio process on 127.0.0.1, one port per portal host (so that a client's connection pool, keyed by
address, is per host as it would be against the real sites).

- Each portal has its real listing shape (Studyportals' search state JSON and "Next" pager, TopUniversities'
  `.programeTitle` cards and `page=[N]` pager, Keystone's `.program-listitem` cards and `<link rel=next>`), and
  its detail pages are the recorded fixture page of that portal (fixtures/mirror) with the programme's name
  numbered, so each crawler parses real markup.
- The host is taken from the Host header, or from an absolute request target (a client using the server as an
  HTTP proxy, as the Scrapy side does), so the politeness per portal host is visible here.
- An ETag on every page and listing, and no freshness information (so an RFC 9111 cache must revalidate every
  time: with `Cache-Control: no-cache`, Scrapy's RFC2616Policy refetches in full instead); If-None-Match → 304.
- Every request is logged: host, path, start, end, status, connection number. The start is the kernel's receive time of the
  request's first byte (SO_TIMESTAMPNS), the end when the response was handed to the kernel; both on time.time().
- `/_bench/change?fraction=F` changes a pseudo-random fraction F of the detail pages (a new revision: new title,
  new ETag); `/_bench/log` returns the log and `/_bench/reset` clears it; `/_bench/count` is the number logged.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import struct
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
MIRROR = ROOT / "fixtures" / "mirror"
PER_PAGE = 25
ROBOTS = b"User-agent: *\nDisallow: /account/\n"


@dataclass(frozen=True)
class Shape:
    """One portal's URL scheme and markup."""

    host: str
    start_url: str
    template: str  # a recorded detail page, relative to fixtures/mirror
    name: str  # the programme name in the template, numbered per page
    detail_re: re.Pattern[str]
    first_page: int  # number of the first listing page

    def listing_path(self, k: int) -> str:
        if self.host == "www.mastersportal.com":
            return f"/search/master/information-science?page={k}"
        if self.host == "www.topuniversities.com":
            return f"/programs/europe?page=[{k}]&pagerlimit=[{PER_PAGE}]"
        return "/Masters-Degree/Information-Science/" + (f"?page={k}" if k > 1 else "")

    def listing_number(self, path: str, query: str) -> int | None:
        base = urlsplit(self.listing_path(self.first_page)).path
        if path != base:
            return None
        value = (parse_qs(unquote(query)).get("page") or [str(self.first_page)])[0].strip("[]")
        return int(value) if value.isdigit() else None

    def detail_path(self, j: int) -> str:
        if self.host == "www.mastersportal.com":
            return f"/studies/{100_000 + j}/programme-{j}.html"
        if self.host == "www.topuniversities.com":
            return f"/universities/university-{j % 97}/postgrad/programme-{j}"
        return f"/MSc-in-Programme-{j}/Netherlands/University-{j % 97}/"

    def listing(self, k: int, count: int) -> str:
        first = (k - self.first_page) * PER_PAGE
        items = range(first, min(first + PER_PAGE, count))
        last = self.first_page + -(-count // PER_PAGE) - 1
        nxt = self.listing_path(k + 1) if k < last else ""
        if self.host == "www.mastersportal.com":
            state = json.dumps({"page": k, "results": [{"id": 100_000 + j, "title": f"Programme {j}",
                                                        "url": self.detail_path(j) + "?ref=search_card"} for j in items]})
            pager = f"<a class='Pagination-link Pagination-link--next' href='{nxt}'>Next</a>" if nxt else ""
            return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Masters in Information Science"
                    f" - Mastersportal</title></head><body><div id='SearchApp'>Loading results…</div><script>"
                    f"window.__SEARCH_STATE__ = {state};</script><nav class='Pagination'>"
                    f"<a class='Pagination-link is-active'>{k}</a>{pager}</nav></body></html>")
        if self.host == "www.topuniversities.com":
            cards = "".join(f"<div class='programWrap'><div class='card'><div class='card-wrap'><div class='programeTitle "
                            f"apply_univ_name'><h2><a href='{self.detail_path(j)}?utm_source=listing'>Programme {j}</a>"
                            f"</h2></div><div class='location'>Leuven, Belgium</div></div></div></div>" for j in items)
            pager = f"<ul class='pager'><li class='pager__item--next'><a href='{nxt}'>Next</a></li></ul>" if nxt else ""
            return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Programmes in Europe | "
                    f"TopUniversities</title></head><body><div class='programs'>{cards}</div>{pager}</body></html>")
        cards = "".join(f"<div class='program-listitem relative'><div class='program_title'><h4><a href='"
                        f"{self.detail_path(j)}'>MSc in Programme {j}</a></h4></div><div class='school'>University "
                        f"{j % 97}</div></div>" for j in items)
        link = f"<link rel='next' href='{nxt}'/>" if nxt else ""
        return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Master&#x27;s Degrees in "
                f"Information Science</title>{link}</head><body><div class='programs'>{cards}</div></body></html>")


SHAPES: tuple[Shape, ...] = (
    Shape("www.mastersportal.com", "https://www.mastersportal.com/search/master/information-science?page=1",
          "www.mastersportal.com/studies/5521/computer-science.html", "Computer Science",
          re.compile(r"/studies/\d+/programme-(?P<j>\d+)\.html"), 1),
    Shape("www.topuniversities.com", f"https://www.topuniversities.com/programs/europe?page=[0]&pagerlimit=[{PER_PAGE}]",
          "www.topuniversities.com/universities/university-amsterdam/postgrad/msc-data-science", "Data Science",
          re.compile(r"/universities/university-\d+/postgrad/programme-(?P<j>\d+)"), 0),
    Shape("www.masterstudies.com", "https://www.masterstudies.com/Masters-Degree/Information-Science/",
          "www.masterstudies.com/MSc-in-Global-Health/Netherlands/Maastricht-University/index.html", "Global Health",
          re.compile(r"/MSc-in-Programme-(?P<j>\d+)/Netherlands/University-\d+/"), 1),
)
HOSTS = tuple(s.host for s in SHAPES)


def split_pages(n_pages: int) -> list[int]:
    """Detail pages per host: N shared as evenly as it divides."""
    return [n_pages // len(SHAPES) + (1 if k < n_pages % len(SHAPES) else 0) for k in range(len(SHAPES))]


def listing_count(n_pages: int) -> int:
    return sum(-(-count // PER_PAGE) for count in split_pages(n_pages))


def detail_url(host: str, j: int) -> str:
    shape = next(s for s in SHAPES if s.host == host)
    return f"https://{host}{shape.detail_path(j)}"


class Site:
    """What the server answers, computed from the path; `revisions` are the change generations so far."""

    def __init__(self, n_pages: int) -> None:
        self.counts = split_pages(n_pages)
        self.templates = [(MIRROR / s.template).read_text(encoding="utf-8").split(s.name) for s in SHAPES]
        self.generations: list[float] = []  # the fraction changed by each /_bench/change

    def revision(self, k: int, j: int) -> int:
        return sum(1 for g, fraction in enumerate(self.generations)
                   if zlib.crc32(f"{k}:{j}:{g}".encode()) / 2**32 < fraction)

    def answer(self, host: str, target: str) -> tuple[int, bytes, str | None]:
        """(status, body, ETag)."""
        k = next((i for i, s in enumerate(SHAPES) if s.host == host), None)
        if k is None:
            return 404, b"unknown host", None
        shape, parts = SHAPES[k], urlsplit(target)
        if parts.path == "/robots.txt":
            return 200, ROBOTS, None
        page = shape.listing_number(parts.path, parts.query)
        last = shape.first_page + -(-self.counts[k] // PER_PAGE) - 1
        if page is not None and shape.first_page <= page <= last:
            return 200, shape.listing(page, self.counts[k]).encode(), f'"L{k}-{page}"'
        match = shape.detail_re.fullmatch(parts.path)
        if match:
            j = int(match.group("j"))
            if j < self.counts[k] and parts.path == shape.detail_path(j):
                rev = self.revision(k, j)
                name = SHAPES[k].name + f" {j}" + (f" (revision {rev})" if rev else "")
                return 200, name.join(self.templates[k]).encode(), f'"{k}-{j}-{rev}"'
        return 404, b"not found", None


# Python does not name it; 35 on Linux. The kernel's receive time of a request's first byte: stamping when the
# server process gets to run would measure the machine's scheduler (two cores shared with the crawler under test).
SO_TIMESTAMPNS: int = getattr(socket, "SO_TIMESTAMPNS", 35)


async def recv_stamped(sock: socket.socket) -> tuple[bytes, float]:
    """(bytes read, their arrival time on the kernel's clock, time.time()); b"" when the peer closed."""
    loop = asyncio.get_running_loop()
    while True:
        ready: asyncio.Future[None] = loop.create_future()

        def wake(ready: asyncio.Future[None] = ready) -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(sock.fileno(), wake)
        try:
            await ready
        finally:
            loop.remove_reader(sock.fileno())
        try:
            data, ancillary, _, _ = sock.recvmsg(65536, socket.CMSG_SPACE(16))
        except BlockingIOError:
            continue
        except OSError:
            return b"", time.time()
        for level, kind, raw in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(raw) >= 16:
                seconds, nanoseconds = struct.unpack("qq", raw[:16])
                return data, seconds + nanoseconds / 1e9
        return data, time.time()


async def serve(n_pages: int, latency_s: float, port_file: str) -> None:
    site = Site(n_pages)
    log: list[tuple[str, str, float, float, int, int]] = []  # host, path, start, end, status, connection number
    connections = iter(range(1, 2**62))
    loop = asyncio.get_running_loop()

    def control(target: str) -> bytes:
        parts = urlsplit(target)
        if parts.path == "/_bench/log":
            return json.dumps(log).encode()
        if parts.path == "/_bench/count":
            return str(len(log)).encode()
        if parts.path == "/_bench/reset":
            log.clear()
        elif parts.path == "/_bench/change":
            site.generations.append(float(parse_qs(parts.query)["fraction"][0]))
        return b"ok"

    async def connection(sock: socket.socket) -> None:
        sock.setblocking(False)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        buffer, started, number = b"", 0.0, next(connections)
        try:
            while True:
                while b"\r\n\r\n" not in buffer:  # GET requests: no body; clients do not pipeline
                    data, stamp = await recv_stamped(sock)
                    if not data:
                        return
                    if not buffer:
                        started = stamp
                    buffer += data
                raw, _, buffer = buffer.partition(b"\r\n\r\n")
                lines = raw.decode("latin-1").split("\r\n")
                headers = {name.strip().lower(): value.strip()
                           for name, _, value in (line.partition(":") for line in lines[1:])}
                target = lines[0].split()[1]
                host = headers.get("host", "").split(":")[0].lower()
                if target.startswith(("http://", "https://")):  # absolute form: we are the client's proxy
                    parts = urlsplit(target)
                    host, target = (parts.hostname or "").lower(), parts.path + (f"?{parts.query}" if parts.query else "")
                if target.startswith("/_bench/"):
                    body = control(target)
                    await loop.sock_sendall(sock, b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
                    continue
                await asyncio.sleep(latency_s)
                status, body, etag = site.answer(host, target)
                head = [f"HTTP/1.1 {status} {'OK' if status == 200 else 'Not Found'}",
                        "Content-Type: " + ("text/plain" if target == "/robots.txt" else "text/html; charset=utf-8")]
                if etag is not None:
                    head.append(f"ETag: {etag}")
                    if etag in headers.get("if-none-match", ""):
                        status, body = 304, b""
                        head[0] = "HTTP/1.1 304 Not Modified"
                head.append(f"Content-Length: {len(body)}")
                await loop.sock_sendall(sock, ("\r\n".join(head) + "\r\n\r\n").encode() + body)
                log.append((host, target, started, time.time(), status, number))
        except (ConnectionError, IndexError, ValueError):
            pass
        finally:
            sock.close()

    async def accept(listener: socket.socket) -> None:
        tasks: set[asyncio.Task[None]] = set()
        while True:
            sock, _ = await loop.sock_accept(listener)
            task = asyncio.create_task(connection(sock))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    listeners = []
    for _ in HOSTS:  # a port per host, as separate sites: a client's connection pool per host stays per host
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1024)
        listener.setblocking(False)
        listeners.append(listener)
    Path(port_file).write_text(json.dumps({host: sock.getsockname()[1] for host, sock in zip(HOSTS, listeners)}))
    await asyncio.gather(*(accept(listener) for listener in listeners))


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]))

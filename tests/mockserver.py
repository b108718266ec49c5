"""A real HTTP server on 127.0.0.1 (port 0) with named behaviours, in the spirit of Scrapy's mockserver.

Every request is logged server-side (path, start time, headers) and in-flight requests are counted, so tests
assert what the server saw, not what the client believes it did.
"""

from __future__ import annotations

import hashlib
import socket
import struct
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

CHALLENGE_HTML = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<div id='cf-browser-verification'>Checking your browser before accessing.</div>"
    "<script src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1'></script></body></html>"
)


@dataclass(frozen=True)
class Fault:
    """What a mirror path answers first: `times` faults then the page, or the fault for ever (`always`)."""

    kind: str  # status | reset | slow | truncated | challenge
    times: int = 1
    status: int = 503
    retry_after: int | None = None
    seconds: float = 0.0
    always: bool = False


@dataclass
class Seen:
    path: str
    started: float  # when the request's first byte reached the server's socket (kernel clock where it has one)
    headers: dict[str, str]


# Python does not name it; 35 on Linux (asm-generic and x86), where it is SCM_TIMESTAMPNS too
SO_TIMESTAMPNS: int | None = getattr(socket, "SO_TIMESTAMPNS", 35 if sys.platform == "linux" else None)


def arrival_time(sock: socket.socket) -> float | None:
    """The kernel's receive timestamp of the next pending byte (Linux SO_TIMESTAMPNS, read with MSG_PEEK, so the
    request is left for http.server). The handler thread may run tens of milliseconds later when the machine is
    busy and the GIL is shared with the client under test; stamping then would measure our scheduler, not the
    crawler's politeness. None where the platform has no such stamp, or the peer closed."""
    if SO_TIMESTAMPNS is None:
        return None
    try:
        _, ancillary, _, _ = sock.recvmsg(1, socket.CMSG_SPACE(16), socket.MSG_PEEK)
    except OSError:
        return None
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
            seconds, nanoseconds = struct.unpack("qq", data[:16])
            return seconds + nanoseconds / 1e9
    return None


@dataclass
class ServerLog:
    requests: list[Seen] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    in_flight: int = 0
    max_in_flight: int = 0
    per_host_in_flight: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    per_host_max_in_flight: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        return [s.path for s in self.requests]

    def starts(self, prefix: str = "", host: str | None = None) -> list[float]:
        return [s.started for s in self.requests if s.path.startswith(prefix)
                and (host is None or (s.headers.get("Host") or "").split(":")[0] == host)]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "MockServer"

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        if SO_TIMESTAMPNS is not None:
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            except OSError:
                pass  # arrival_time finds no stamp and the handler's clock is used

    def handle_one_request(self) -> None:
        self._arrived = arrival_time(self.connection)  # httpx never pipelines: the next request is still unread
        super().handle_one_request()

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
              content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        log = self.server.log
        with log.lock:
            arrived = getattr(self, "_arrived", None)
            log.requests.append(Seen(self.path, arrived if arrived is not None else time.time(), dict(self.headers)))
            host = (self.headers.get("Host") or "").split(":")[0]
            log.per_host_in_flight[host] += 1
            log.per_host_max_in_flight[host] = max(log.per_host_max_in_flight[host], log.per_host_in_flight[host])
            log.in_flight += 1
            log.max_in_flight = max(log.max_in_flight, log.in_flight)
        try:
            self._behave()
        finally:
            with log.lock:
                log.in_flight -= 1
                log.per_host_in_flight[(self.headers.get("Host") or "").split(":")[0]] -= 1

    def _behave(self) -> None:
        parts = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        log = self.server.log
        if path == "/robots.txt" and self.server.robots_status is not None:  # e.g. 503: robots.txt unreachable
            return self._send(self.server.robots_status, b"robots.txt is down", content_type="text/plain")
        if path == "/robots.txt" and self.server.robots_redirects:  # robots.txt moved, `robots_redirects` hops
            return self._send(301, b"", {"Location": f"/robots-hop?n={self.server.robots_redirects - 1}"})
        if path == "/robots-hop":
            n = int(q.get("n", 0))
            return self._send(301, b"", {"Location": f"/robots-hop?n={n - 1}" if n > 1 else "/robots-final.txt"})
        if path == "/robots-final.txt" and self.server.robots_txt is not None:
            return self._send(200, self.server.robots_txt.encode(), content_type="text/plain")
        if path == "/robots.txt" and self.server.mirror is None:
            rules = self.server.robots_txt
            if rules is None:
                return self._send(404, b"no robots")
            return self._send(200, rules.encode(), content_type="text/plain")
        if path == "/page":
            time.sleep(float(q.get("delay", 0)))
            return self._send(200, f"<html><title>page {q.get('id')}</title><h1>ok</h1></html>".encode())
        if path == "/status":
            return self._send(int(q["n"]), f"status {q['n']}".encode())
        if path == "/flaky":  # `fail` times the status `n`, then 200
            key = q.get("key", "flaky")
            with log.lock:
                log.counters[key] += 1
                count = log.counters[key]
            if count <= int(q.get("fail", 2)):
                headers = {"Retry-After": q["retry_after"]} if "retry_after" in q else {}
                return self._send(int(q.get("n", 503)), b"busy", headers)
            return self._send(200, b"<html><h1>recovered</h1></html>")
        if path == "/drop":  # reset once (or always), then serve
            key = q.get("key", "drop")
            with log.lock:
                log.counters[key] += 1
                count = log.counters[key]
            if q.get("always") or count == 1:
                return self._inject(Fault("reset"))
            return self._send(200, b"<html><h1>after reset</h1></html>")
        if path == "/truncated":
            return self._inject(Fault("truncated"))
        if path == "/delay":
            time.sleep(float(q.get("s", 1)))
            return self._send(200, b"<html>late</html>")
        if path == "/trickle":  # headers at once, then one body byte every `every` seconds (a read never times out)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", q.get("bytes", "100"))
            self.end_headers()
            try:
                for _ in range(int(q.get("bytes", "100"))):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(float(q.get("every", 2)))
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return
        if path == "/big":
            return self._send(200, b"x" * int(q["bytes"]))
        if path == "/big-chunked":  # no Content-Length: the cap must stop the stream
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"y" * 65536
            try:
                for _ in range(int(q["chunks"])):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return
        if path == "/loop-a":
            return self._send(302, b"", {"Location": "/loop-b"})
        if path == "/loop-b":
            return self._send(302, b"", {"Location": "/loop-a"})
        if path == "/chain":  # /chain?n=3 -> ... -> /page
            n = int(q.get("n", 1))
            target = f"/chain?n={n - 1}" if n > 1 else "/page?id=end"
            return self._send(301, b"", {"Location": target})
        if path == "/offsite":
            return self._send(302, b"", {"Location": "http://elsewhere.invalid/page"})
        if path == "/challenge":
            return self._send(int(q.get("n", 403)), CHALLENGE_HTML.encode(), {"cf-mitigated": "challenge"})
        if path == "/latin1":
            latin1 = "<html><h1>Universität Münster — café</h1></html>".replace("—", "-").encode("iso-8859-1")
            return self._send(200, latin1, content_type="text/html; charset=ISO-8859-1")
        if path == "/latin1-meta":
            meta = '<html><head><meta charset="iso-8859-1"></head><h1>Université de Liège</h1></html>'
            return self._send(200, meta.encode("iso-8859-1"), content_type="text/html")
        if path == "/stray-byte":  # UTF-8 with one invalid byte, no charset anywhere
            body = "<html><h1>University of Münster</h1><p>".encode() + b"\xff" + "Zürich</p></html>".encode()
            return self._send(200, body, content_type="text/html")
        if path == "/etag":
            tag = '"v1"'
            if self.headers.get("If-None-Match") == tag:
                return self._send(304, b"", {"ETag": tag})
            return self._send(200, b"<html><h1>cached body</h1></html>", {"ETag": tag})
        if path.startswith("/private/"):
            return self._send(200, b"<html>should not be fetched</html>")
        if self.server.mirror is not None:
            return self._serve_mirror(parts)
        return self._send(404, b"not found")

    def _serve_mirror(self, parts: object) -> None:
        """Serve the recorded mirror for whichever portal the Host header names, after the fault schedule."""
        from scrapers.replay import mirror_relpath

        host = (self.headers.get("Host") or self.server.mirror_host).split(":")[0]
        url = f"http://{host}{self.path}"
        try:
            rel = mirror_relpath(url)
        except ValueError:
            return self._send(400, b"bad path")
        fault = self.server.faults.get(rel) if self.server.faults else None
        if fault is not None:
            log = self.server.log
            with log.lock:
                log.counters["fault:" + rel] += 1
                count = log.counters["fault:" + rel]
            if fault.always or count <= fault.times:
                return self._inject(fault)
        assert self.server.mirror is not None
        target = self.server.mirror / rel
        if not target.is_file():
            return self._send(404, b"not found")
        status = self.server.mirror_status.get(rel, 200)
        body = target.read_bytes()
        if status != 200:
            return self._send(status, body)
        tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'  # as a real server's: a conditional GET gets a 304
        if self.headers.get("If-None-Match") == tag:
            return self._send(304, b"", {"ETag": tag})
        return self._send(status, body, {"ETag": tag})

    def _inject(self, fault: "Fault") -> None:
        if fault.kind == "status":
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            return self._send(fault.status, b"busy", headers)
        if fault.kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return None
        if fault.kind == "slow":
            time.sleep(fault.seconds)
            return self._send(200, b"<html>too late</html>")
        if fault.kind == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b"<html><body><h1>cut short")
            self.close_connection = True
            return None
        if fault.kind == "challenge":
            return self._send(403, CHALLENGE_HTML.encode(), {"cf-mitigated": "challenge"})
        raise ValueError(fault.kind)


class MockServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, robots_txt: str | None = "User-agent: *\nDisallow: /private/\n",
                 mirror: Path | None = None, mirror_host: str = "", faults: dict[str, Fault] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        if SO_TIMESTAMPNS is not None:  # set on the listener, so accepted sockets stamp their very first bytes
            try:
                self.socket.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            except OSError:
                pass
        self.log = ServerLog()
        self.robots_txt = robots_txt
        self.robots_status: int | None = None  # set: /robots.txt answers this status
        self.robots_redirects = 0  # set: /robots.txt redirects this many times before robots_txt is served
        self.mirror = mirror
        self.mirror_host = mirror_host
        self.faults = faults or {}
        self.mirror_status: dict[str, int] = {}
        if mirror is not None:
            import json

            responses = mirror / "_responses.json"
            if responses.exists():
                self.mirror_status = {k: v.get("status", 200) for k, v in json.loads(responses.read_text()).items()}
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> "MockServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

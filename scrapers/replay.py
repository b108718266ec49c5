"""Offline replay: an httpx transport answering from recorded pages in `fixtures/mirror/<host>/<path>`.

A scraper cannot tell it from the live site. URL → file mapping is reversible and safe:
- `/a/b/` and `/` map to `a/b/index.html` and `index.html`;
- a query string is kept in the file name, percent-encoded after `%3F` (`list?page=2` → `list%3Fpage%3D2`);
- no path can leave the mirror (`..`, absolute parts and NUL are refused with 400).
A missing file is a 404, never a network call. Status codes other than 200 (a challenge page's 403) come from
`_responses.json` at the mirror root: {"<host>/<file>": {"status": 403}}.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

import httpx

RESPONSES_FILE = "_responses.json"


class UnsafeMirrorPath(ValueError):
    pass


def mirror_relpath(url: str) -> str:
    """`<host>/<path>` of a URL inside the mirror (POSIX separators)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    path = unquote(parts.path or "/")
    if path.endswith("/"):
        path += "index.html"
    segments = [s for s in PurePosixPath(path).parts if s != "/"]
    if not host or any(s in ("..", ".") or "\x00" in s or "\\" in s for s in [host, *segments]):
        raise UnsafeMirrorPath(f"unsafe URL for the mirror: {url!r}")
    name = "/".join(segments)
    if parts.query:
        name += quote("?" + parts.query, safe="")
    return f"{host}/{name}"


def url_from_relpath(relpath: str, scheme: str = "https") -> str:
    """Inverse of `mirror_relpath` (index.html becomes a trailing slash)."""
    host, _, name = relpath.partition("/")
    path, _, query = name.partition("%3F")
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    url = f"{scheme}://{host}/{quote(path)}"
    return url + ("?" + unquote(query) if query else "")


class MirrorTransport(httpx.AsyncBaseTransport):
    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        overrides = self.root / RESPONSES_FILE
        self._overrides: dict[str, dict] = json.loads(overrides.read_text()) if overrides.exists() else {}

    def _file_for(self, url: str) -> tuple[Path, str]:
        rel = mirror_relpath(url)
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root):
            raise UnsafeMirrorPath(f"URL escapes the mirror: {url!r}")
        return target, rel

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            target, rel = self._file_for(str(request.url))
        except UnsafeMirrorPath as exc:
            return httpx.Response(400, text=str(exc), request=request)
        if not target.is_file():
            return httpx.Response(404, text=f"not in mirror: {rel}", request=request)
        override = self._overrides.get(rel, {})
        name = target.name.split("%3F")[0]
        content_type = override.get("content_type") or mimetypes.guess_type(name)[0] or "text/html"
        if content_type.startswith("text/") or content_type.endswith("xml"):
            content_type += "; charset=utf-8" if "charset" not in content_type else ""
        headers = {"content-type": content_type, **override.get("headers", {})}
        return httpx.Response(override.get("status", 200), headers=headers, content=target.read_bytes(), request=request)

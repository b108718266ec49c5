"""XML sitemaps and sitemap indexes (sitemaps.org protocol 0.9), read by a linear scan that never expands an
entity and keeps whatever a broken file states before it breaks.

A sitemap index (`<sitemapindex><sitemap><loc>…<lastmod>…`) names further sitemaps; a urlset
(`<urlset><url><loc>…<lastmod>…`) names pages. Which pages are programme pages is portal knowledge: the portal
module filters `Sitemap.entries`; this module only reads the file.

Why a hand scan and not a library (measured on three bodies: one `<loc>` with an unescaped `&`, a file cut in
the middle of a `<loc>`, and a billion-laughs DTD before two `<url>`s):
  - defusedxml (iterparse) stops at the first error: every URL after an unescaped `&` (a common sitemap defect)
    is lost, and a DTD with entities loses the whole file (EntitiesForbidden);
  - lxml (recover=True, resolve_entities=False) silently rewrites `?x=1&y=2` into `?x=1=2` (a wrong URL is
    then requested), keeps the cut `<loc>` of a truncated file as if it were whole, and dropped the second
    `<url>` after the entity reference; it is also not a dependency of ours (only of Scrapy, in bench).
The scan keeps only elements whose closing tag is present, decodes only XML's five predefined entities and
numeric character references, and drops an entry whose `<loc>` holds any other entity reference (a DTD-defined
entity: never expanded, never requested). DOCTYPE, comments and processing instructions are skipped; CDATA is
read as text. Time is linear in the body: every search moves forward with `str.find` or a regex without nested
quantifiers (`<[^<>]*>`).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from scrapers.listing import Listing

MAX_ENTRIES = 50_000  # the protocol's limit per file; more is not a sitemap we should trust blindly
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # the protocol's limit per file (uncompressed): a gzip bomb stops here
GZIP_MAGIC = b"\x1f\x8b"
PROLOG_WINDOW = 65_536  # where the root element must open (after declaration, comments, a DOCTYPE)

# possessive name parts (Python 3.11+): a 20,000-letter name without ">" is scanned once, not once per letter
_TAG = re.compile(r"<(/?)(?:[A-Za-z_][\w.\-]*+:)?([A-Za-z_][\w.\-]*+)[^<>]*>")
_REF = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6}));")
_ANY_REF = re.compile(r"&[^\s&;<>]{0,32};")
_PREDEFINED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
# W3C Datetime, the format the protocol asks of <lastmod>: YYYY, YYYY-MM, YYYY-MM-DD, with optional time + zone
_W3C = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?)?)?")


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: str | None = None  # ISO 8601 (W3C Datetime) as the file states it; None when absent or malformed


@dataclass
class Sitemap:
    """What one sitemap file says. `kind` is "index", "urlset", or "" when the body is not a sitemap at all."""

    kind: str = ""
    entries: list[SitemapEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def looks_like_sitemap(body: str | bytes) -> bool:
    """A sitemap's root element (`urlset` or `sitemapindex`, any namespace prefix) opens near the start, after
    at most an XML declaration, comments, a DOCTYPE or a stylesheet instruction."""
    if isinstance(body, bytes):
        if body.startswith(GZIP_MAGIC):
            return True
        body = body[:PROLOG_WINDOW].decode("utf-8", "replace")
    head = _skip_prolog(body[:PROLOG_WINDOW].lstrip("\ufeff \t\r\n"))
    match = _TAG.match(head)
    return match is not None and not match.group(1) and match.group(2) in ("urlset", "sitemapindex")


def parse_sitemap(body: str | bytes, base_url: str = "") -> Sitemap:
    """Entries of a sitemap or sitemap index. Never raises on junk: an HTML page gives an empty Sitemap with a
    problem, a broken tail gives the entries closed before it. `bytes` may be gzip (a `.xml.gz` file): it is
    inflated up to MAX_UNCOMPRESSED, then decoded as UTF-8 (the protocol's only encoding)."""
    problems: list[str] = []
    if isinstance(body, bytes):
        if body.startswith(GZIP_MAGIC):
            body, cut = gunzip_capped(body)
            if cut:
                problems.append(f"gzip body larger than {MAX_UNCOMPRESSED} bytes once inflated: read up to there")
        body = body.decode("utf-8", "replace")
    text = _blank_markup_declarations(body)
    kind = ""
    entries: list[SitemapEntry] = []
    current: dict[str, str] | None = None  # the open <url>/<sitemap>: its closed <loc>/<lastmod> texts
    opened: tuple[str, int] | None = None  # the open <loc>/<lastmod> and where its text starts
    dropped = 0
    closed_root = overflow = False

    def flush() -> None:
        nonlocal dropped, overflow
        if current is None or "loc" not in current:
            return
        loc = _text(current["loc"], base_url)
        if loc is None:
            dropped += 1
        elif len(entries) >= MAX_ENTRIES:
            overflow = True
        else:
            entries.append(SitemapEntry(loc, _lastmod(current.get("lastmod", ""))))

    for match in _TAG.finditer(text):
        closing, name = match.group(1) == "/", match.group(2)
        if not kind:  # the first element must be the root: an HTML page (even one quoting <urlset>) is not read
            if closing or name not in ("urlset", "sitemapindex"):
                break
            kind = "index" if name == "sitemapindex" else "urlset"
            continue
        if name in ("url", "sitemap"):
            flush()  # a <url> opened before the last one closed still keeps the last one's closed <loc>
            current = None if closing else {}
            opened = None
        elif name in ("loc", "lastmod") and current is not None:
            if not closing:
                opened = (name, match.end())
            elif opened is not None and opened[0] == name:
                current.setdefault(name, text[opened[1]:match.start()])
                opened = None
        elif closing and name in ("urlset", "sitemapindex"):
            flush()  # a last <url> left open before the root closes
            closed_root = True
            break
        if overflow:
            break
    else:
        flush()  # a file cut inside a <url> after its </loc>: that <loc> is whole, keep it
    if overflow:
        problems.append(f"more than {MAX_ENTRIES} entries: the rest are not read")
    elif not kind:
        problems.append("not a sitemap: no <urlset> or <sitemapindex> root")
    elif not closed_root:
        problems.append("truncated: the root element is not closed (entries read up to the break)")
    if dropped:
        problems.append(f"{dropped} <loc> dropped (not an http(s) URL, or an entity reference we do not expand)")
    return Sitemap(kind, entries, problems)


def gunzip_capped(data: bytes, limit: int = MAX_UNCOMPRESSED) -> tuple[bytes, bool]:
    """Inflate a gzip body up to `limit` bytes; (bytes, True) when it was cut there. A broken stream gives what
    inflated before the break."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit)
    except zlib.error:
        return b"", False
    return out, bool(inflater.unconsumed_tail)


def _text(raw: str, base_url: str) -> str | None:
    """An absolute http(s) URL from a <loc>'s content, or None. Entity references other than XML's predefined
    five and numeric ones make the entry suspect (a DTD entity): dropped, never expanded."""
    value = raw.strip()
    if value.startswith("<![CDATA[") and value.endswith("]]>"):
        value = value[9:-3].strip()
    elif "<" in value:
        return None
    else:
        decoded = _REF.sub(_decode_ref, value)
        if _ANY_REF.search(_REF.sub("", value)):
            return None
        value = decoded.strip()
    if not value or any(c.isspace() for c in value):
        return None
    url = urljoin(base_url, value) if base_url else value
    return url if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc else None


def _decode_ref(match: re.Match[str]) -> str:
    name, decimal, hexadecimal = match.groups()
    if name:
        return _PREDEFINED[name]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else ""


def _lastmod(raw: str) -> str | None:
    value = raw.strip()
    return value if _W3C.fullmatch(value) else None


def _skip_prolog(head: str) -> str:
    """The text after an XML declaration, comments, processing instructions and a DOCTYPE."""
    while True:
        head = head.lstrip()
        if head.startswith("<?"):
            end = head.find("?>")
        elif head.startswith("<!--"):
            end = head.find("-->")
        elif head[:9].upper() == "<!DOCTYPE":
            end = _doctype_end(head, 0)
        else:
            return head
        if end < 0:
            return ""
        head = head[end + (3 if head.startswith("<!--") else 2 if head.startswith("<?") else 1):]


def _doctype_end(text: str, start: int) -> int:
    """Index of the `>` closing a DOCTYPE at `start` (after its internal subset `[...]`, if any); -1 if none."""
    gt = text.find(">", start)
    bracket = text.find("[", start)
    if bracket != -1 and (gt == -1 or bracket < gt):
        close = text.find("]", bracket)
        return -1 if close == -1 else text.find(">", close)
    return gt


def _blank_markup_declarations(text: str) -> str:
    """Comments, processing instructions and the DOCTYPE (with any entity declarations) replaced by spaces, so
    the tag scan never reads markup inside them; CDATA sections are escaped into plain text. One forward pass."""
    out: list[str] = []
    position = 0
    while True:
        start = text.find("<!", position)
        pi = text.find("<?", position)
        if pi != -1 and (start == -1 or pi < start):
            end = text.find("?>", pi)
            out.append(text[position:pi])
            if end == -1:
                return "".join(out)
            position = end + 2
            continue
        if start == -1:
            out.append(text[position:])
            return "".join(out)
        out.append(text[position:start])
        if text.startswith("<!--", start):
            end = text.find("-->", start + 4)
            if end == -1:
                return "".join(out)
            position = end + 3
        elif text.startswith("<![CDATA[", start):
            end = text.find("]]>", start + 9)
            if end == -1:
                return "".join(out)
            content = text[start + 9:end]
            out.append("<![CDATA[" + content.replace("<", " ").replace(">", " ") + "]]>")
            position = end + 3
        elif text[start:start + 9].upper() == "<!DOCTYPE":
            end = _doctype_end(text, start)
            if end == -1:
                return "".join(out)
            position = end + 1
        else:  # another declaration (<!ENTITY outside a DOCTYPE is not XML): skipped to its `>`
            end = text.find(">", start)
            if end == -1:
                return "".join(out)
            position = end + 1


def sitemap_listing(body: str | bytes, url: str, is_programme: Callable[[str], bool]) -> Listing:
    """A sitemap as the crawler's Listing: an index's children are further listings, a urlset's programme pages
    (as the portal judges them by their address) are detail pages; the rest of a urlset (schools, articles,
    category pages) is neither. Every kept URL keeps the file's lastmod."""
    sitemap = parse_sitemap(body, url)
    if sitemap.kind == "index":
        children = sitemap.entries
        return Listing([], [e.loc for e in children], {e.loc: e.lastmod for e in children if e.lastmod},
                       sitemap.problems).unique()
    pages = [e for e in sitemap.entries if is_programme(e.loc)]
    return Listing([e.loc for e in pages], [], {e.loc: e.lastmod for e in pages if e.lastmod}, sitemap.problems).unique()

"""Bytes to text by the WHATWG Encoding Standard, as a browser would read the page.

Order (HTML Standard, "determining the character encoding"): a byte order mark, then the Content-Type
header's charset, then a `<meta>` charset in the first 1024 bytes (the prescan), then UTF-8. Labels are resolved
by the standard's label table (webencodings: "latin1" and "iso-8859-1" mean windows-1252, "utf8" means UTF-8,
an unknown label is ignored). Invalid bytes become U+FFFD where they are: a page is never decoded a second time
in another encoding, so one stray byte cannot turn "Münster" into "MÃ¼nster" across the whole page.
"""

from __future__ import annotations

import re

import webencodings

PRESCAN_BYTES = 1024  # the HTML Standard's prescan window
# `<meta charset=x>` and `<meta http-equiv=content-type content="text/html; charset=x">` alike: the charset
# parameter inside a meta tag. `[^>]*` cannot backtrack past a tag, and the window is 1 KB.
_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([^\s"'>/;]+)""", re.IGNORECASE)
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([^\s"';,]+)""", re.IGNORECASE)
UTF8 = webencodings.lookup("utf-8")


def charset_from_content_type(content_type: str) -> webencodings.Encoding | None:
    """The encoding a Content-Type header names, if it names one the standard knows."""
    match = _CHARSET_PARAM.search(content_type or "")
    return webencodings.lookup(match.group(1)) if match else None


def prescan_meta(content: bytes) -> webencodings.Encoding | None:
    """The `<meta>` charset in the first 1024 bytes. As the standard says: UTF-16 named in a meta tag means
    UTF-8 (the bytes were readable as ASCII to find it), x-user-defined means windows-1252."""
    match = _META_CHARSET.search(content[:PRESCAN_BYTES])
    if match is None:
        return None
    encoding = webencodings.lookup(match.group(1).decode("ascii", "replace"))
    if encoding is None:
        return None
    if encoding.name in ("utf-16be", "utf-16le"):
        return UTF8
    if encoding.name == "x-user-defined":
        return webencodings.lookup("windows-1252")
    return encoding


def sniff_encoding(content: bytes, content_type: str = "", *, html: bool = True) -> str:
    """The name of the encoding the body is decoded with (a BOM wins over everything; see the module doc)."""
    for bom, name in ((b"\xef\xbb\xbf", "utf-8"), (b"\xfe\xff", "utf-16be"), (b"\xff\xfe", "utf-16le")):
        if content.startswith(bom):
            return name
    encoding = charset_from_content_type(content_type) or (prescan_meta(content) if html else None) or UTF8
    return str(encoding.name)


def decode_body(content: bytes, content_type: str = "", *, html: bool = True) -> str:
    """Decoded text; invalid sequences replaced in place. `html=False` (robots.txt) skips the meta prescan."""
    fallback = webencodings.lookup(sniff_encoding(content, content_type, html=html))
    text, _ = webencodings.decode(content, fallback, errors="replace")  # strips a BOM
    return str(text)

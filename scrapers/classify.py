"""What a response really is: a page, a challenge, a login wall; and how to decode its bytes."""

from __future__ import annotations

import re

from scrapers.html import parse_html

# Markers of Cloudflare's interstitials and of the portals' soft walls (see shared/portals.md).
_CHALLENGE_MARKERS = (
    "just a moment...",
    "cf-browser-verification",
    "challenge-platform",
    "cf-chl-",
    "attention required! | cloudflare",
    "checking your browser before accessing",
)
_WALL_MARKERS = (
    "you can only view 2 programmes per day",
    "you can only view",
    "log in to continue",
    "sign in to continue",
    "create a free account to continue",
)


WALL_MAX_TEXT = 800  # characters of page text: a wall says little else (fixture wall: 142; shortest fixture programme page: 1,778)


def page_text_length(text: str) -> int:
    """Characters of text a reader could see (scripts, styles and tags removed), whitespace collapsed. lexbor
    parses in linear time; a regex over raw HTML for `<script>…</script>` pairs would not on unclosed tags."""
    tree = parse_html(text)  # nesting capped: this runs on the event loop
    tree.strip_tags(["script", "style", "template", "noscript"])
    body = tree.body
    return len(" ".join((body.text(separator=" ") if body is not None else "").split()))


def blocked_reason(status: int, text: str) -> str | None:
    """Why this body is not the page asked for, or None. Challenge pages are small and say so early. Wall
    wording alone is not enough: every Studyportals programme page carries its soft-wall text ("you can only view
    2 programmes per day") and every navigation a "Log in"; a wall is a page with that wording and little else."""
    head = text[:20_000].lower()
    if any(marker in head for marker in _CHALLENGE_MARKERS):
        return f"challenge page (HTTP {status})"
    if any(marker in head for marker in _WALL_MARKERS) and page_text_length(text) < WALL_MAX_TEXT:
        return f"login wall (HTTP {status})"
    if status in (401, 403):
        return f"access denied (HTTP {status})"
    return None

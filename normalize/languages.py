"""Languages of instruction as ISO 639-1 codes."""

from __future__ import annotations

import re

import pycountry

from normalize.parsed import Parsed, bad, memo, placeholder


@memo
def parse_languages(raw: str) -> Parsed[tuple[str, ...]]:
    if (empty := placeholder(raw)) is not None:
        return empty
    codes = []
    for name in re.split(r"\s*(?:,|;|/|\band\b)\s*", raw.strip()):
        if not name:
            continue
        try:
            language = pycountry.languages.lookup(name)
        except LookupError:
            return bad(f"unknown language {name!r}")
        code = getattr(language, "alpha_2", None)
        if code is None:
            return bad(f"{name!r} has no ISO 639-1 code")
        codes.append(code)
    return Parsed(tuple(dict.fromkeys(codes))) if codes else bad("no language")

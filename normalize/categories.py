"""Closed vocabularies of how a programme is taught: study mode (on campus, online, blended) and pace."""

from __future__ import annotations

import re

from normalize.parsed import Parsed, bad, memo, placeholder, squash

MODE_WORDS = (("blended", "blended"), ("hybrid", "blended"), ("online", "online"), ("distance", "online"),
              ("remote", "online"), ("campus", "on_campus"), ("in person", "on_campus"), ("classroom", "on_campus"))
PACE_WORDS = (("full", "full_time"), ("part", "part_time"))


@memo
def parse_mode(raw: str) -> Parsed[str]:
    if (empty := placeholder(raw)) is not None:
        return empty
    text = squash(raw)
    found = {mode for word, mode in MODE_WORDS if word in text}
    if len(found) > 1:
        return Parsed("blended")  # "On campus, Online": both ways of attending
    return Parsed(found.pop()) if found else bad("not a study mode")


@memo
def parse_pace(raw: str) -> Parsed[str]:
    if (empty := placeholder(raw)) is not None:
        return empty
    text = squash(raw)
    found = {pace for word, pace in PACE_WORDS if re.search(rf"\b{word}[- ]?time\b", text)}
    if not found:
        return bad("not a pace")
    return Parsed("both" if len(found) == 2 else found.pop())

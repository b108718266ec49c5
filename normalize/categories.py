"""Closed vocabularies of how a programme is taught: study mode (on campus, online, blended) and pace.

Cells are portal tags ("On Campus", "Full-time") or sentences from university pages in their own language ("a
tiempo completo o a tiempo parcial", "Voll- und Teilzeitstudium", "voltijds", "in presenza e ... a distanza"). The
words are matched on folded text (accents off, lower case); no library keeps these vocabularies.
"""

from __future__ import annotations

import re

from normalize.parsed import Parsed, bad, memo, placeholder, squash

# Either way of attending named outright.
BLENDED = r"blended|hybrid|semi-?presencial\w*|semipresencials?|b-learning|mixed mode|teilprasenz\w*"
ONLINE = (r"online|on-line|distance|remote|virtual\w*|e-learning|a distanza|a distancia|a distancia|a distance|"
          r"fernstudium|fernlehre|afstandsonderwijs|afstandsleren|en ligne|no presencial")
ON_CAMPUS = (r"campus|in person|in-person|on-site|on site|onsite|classroom|face-to-face|face to face|presencial|"
             r"presencials?|in presenza|presenza|in aula|prasenz\w*|kompaktphasen?|vor ort|op locatie|presentiel\w*|"
             r"sur place")
MODES = (("blended", re.compile(rf"\b(?:{BLENDED})\b")), ("online", re.compile(rf"\b(?:{ONLINE})\b")),
         ("on_campus", re.compile(rf"\b(?:{ON_CAMPUS})\b")))

# German compounds share a head: "Voll- und Teilzeitstudium", "Teilzeit-/Vollzeitstudium".
FULL = (r"full[- ]?time|tiempo completo|temps complet|temps plein|tempo pieno|tempo integral|vollzeit\w*|"
        r"voll-(?=\s?(?:und|oder|/|,))|voltijd\w*|heltid\w*|dedicacion completa|jornada completa")
PART = (r"part[- ]?time|tiempo parcial|temps parcial|temps partiel|tempo parziale|tempo parcial|teilzeit\w*|"
        r"teil-(?=\s?(?:und|oder|/|,))|deeltijd\w*|deltid\w*|dedicacion parcial|jornada parcial")
PACES = (("full_time", re.compile(rf"\b(?:{FULL})")), ("part_time", re.compile(rf"\b(?:{PART})")))
# "can also be taken part-time": the full-time programme is the default.
ALSO_PART = re.compile(rf"\b(?:also|too|tambien|tambe|auch|ook|aussi|anche|tambem)\b(?:\s\S+){{0,3}}?\s(?:a\s)?(?:{PART})")


@memo
def parse_mode(raw: str) -> Parsed[str]:
    if (empty := placeholder(raw)) is not None:
        return empty
    text = squash(raw)
    found = {mode for mode, rx in MODES if rx.search(text)}
    if "blended" in found or len(found) > 1:
        return Parsed("blended")  # "On campus, Online", "in presenza e ... a distanza": both ways of attending
    return Parsed(found.pop()) if found else bad("not a study mode")


# "part-time study is not possible", "nicht in Teilzeit": that pace is ruled out, not offered.
NOT_BEFORE = re.compile(r"\b(?:not|no|non|nicht|kein\w*|niet|geen|sin|sans|senza)\s(?:\S+\s)?(?:in\s|a\s|en\s|als\s)?$")
NOT_AFTER = re.compile(r"^[\s)-]*(?:[^\s;,.]+\s){0,3}?(?:is\s|are\s)?(?:not|nicht|niet|no es|non e|ne? (?:est|sont) pas)\s?"
                       r"(?:\S+\s)?(?:possible|available|offered|moglich|angeboten|mogelijk|posible|possibile)\b")


def _offered(rx: re.Pattern[str], text: str) -> bool:
    return any(not NOT_BEFORE.search(text[max(0, m.start() - 30):m.start()])
               and not NOT_AFTER.search(text[m.end():m.end() + 50]) for m in rx.finditer(text))


@memo
def parse_pace(raw: str) -> Parsed[str]:
    if (empty := placeholder(raw)) is not None:
        return empty
    text = squash(raw)
    found = {pace for pace, rx in PACES if _offered(rx, text)}
    if found == {"part_time"} and ALSO_PART.search(text):
        found.add("full_time")
    if not found:
        return bad("not a pace")
    return Parsed("both" if len(found) == 2 else found.pop())

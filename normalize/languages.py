"""Languages of instruction as ISO 639-1 codes, from names in any of the portals' languages.

Cells are lists ("English, German", "SPANISH/English/FRENCH") or sentences in the programme's own language ("Het
onderwijs wordt in het Nederlands gegeven.", "La langue principale d'enseignement est le français, la langue
secondaire l'anglais."). Names come from CLDR via babel, in the languages the portals write in; pycountry (the
previous lookup) knows English names only; langcodes.find (with language-data) lost on sentences: it matches words
fuzzily ("individual" → hi, "second" → cs, "corso" → co) and gives three-letter codes ("Mandarin" → cmn). A clause that concedes a language ("si bien ... en inglés", "while the thesis must
also be written in English") does not make it a language of instruction.
"""

from __future__ import annotations

import functools
import re

from babel import Locale

from normalize.parsed import Parsed, bad, memo, placeholder, squash

# Languages whose names are read: those the portals and university pages write in.
LOCALES = ("en", "de", "fr", "es", "it", "nl", "pt", "ca", "sv", "da", "nb", "fi", "pl", "cs", "tr", "ro", "hu")
# Names CLDR lacks or spells otherwise.
ALIASES = {"castellano": "es", "castilian": "es", "valenciano": "ca", "valencian": "ca", "mandarin": "zh",
           "farsi": "fa", "flemish": "nl", "vlaams": "nl", "bokmal": "nb", "nynorsk": "nn", "norsk": "no"}
# Short names that are also common words ("lets", "fins", "ci", "tai") are left out; these are not.
SHORT_NAMES = frozenset({"thai", "urdu", "zulu", "ruso", "igbo"})
# Language names in some locale that are everyday words elsewhere ("corso" is Corsican in Italian and a course).
COMMON_WORDS = frozenset({"corso", "corse", "roman", "latin", "latino", "latina", "fries", "ganda", "conga", "sango",
                          "korea", "corea"})
# A clause that concedes or adds a requirement: what follows it is not taught in.
CONCESSIVE = re.compile(r"\b(?:si bien|aunque|although|though|whereas|while|obwohl|bien que|quoique|sebbene|"
                        r"anche se|hoewel|terwijl)\b[^.;]*")
SEPARATORS = re.compile(r"\s*(?:[,;/&+|]|\band\b|\bor\b|\by\b|\bo\b|\bu\b|\bund\b|\boder\b|\bet\b|\bou\b|\be\b|"
                        r"\ben\b|\bof\b|\bi\b)\s*")
# Words that make a language named shortly after them a requirement: "a good level of oral comprehension in English".
REQUIREMENT = frozenset("knowledge proficiency proficient skills command level fluency fluent nivel conocimiento "
                        "conocimientos dominio kenntnisse kenntnis sprachkenntnisse niveau connaissance connaissances "
                        "maitrise kennis beheersing conoscenza competenza livello".split())
REQUIREMENT_REACH = 6  # words
GERMAN_ENDINGS = ("er", "en", "es", "em", "e")  # "in englischer Sprache", "la langue française"
INVISIBLE = re.compile("[\u0000\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


@functools.cache
def _names() -> dict[str, str]:
    """Folded language name → ISO 639-1 code, from CLDR's names in LOCALES; names that are also a country's
    ("Japan" is Japanese in Hungarian, "Italia" Italian in Romanian) or common words are left out."""
    countries = {squash(name) for locale in LOCALES for name in Locale.parse(locale).territories.values()}
    names: dict[str, str] = {}
    for locale in LOCALES:
        for code, name in Locale.parse(locale).languages.items():
            key = squash(name)
            if len(code) == 2 and (len(key) >= 5 or key in SHORT_NAMES) and key not in countries | COMMON_WORDS:
                names.setdefault(key, code)
    names.update(ALIASES)
    return names


def _code(word: str) -> str | None:
    names = _names()
    if word in names:
        return names[word]
    for ending in GERMAN_ENDINGS:
        if word.endswith(ending) and (stem := word[: -len(ending)]) in names and len(stem) >= 5:
            return names[stem]
    return None


def _scan(text: str, *, skip_required: bool = False) -> list[str]:
    """Codes of every language named in running text, in order (names of up to three words). With skip_required, a
    name shortly after "knowledge of", "nivel de", "Kenntnisse" is a requirement, not a language of teaching."""
    codes = []
    for sentence in re.split(r"[.;:!?]", squash(text)):
        words = re.findall(r"[a-z]+", sentence)
        i, required_at = 0, -99
        while i < len(words):
            if skip_required and words[i] in REQUIREMENT:
                required_at = i
            for size in (3, 2, 1):
                if i + size <= len(words) and (code := _code(" ".join(words[i:i + size]))) is not None:
                    if i - required_at > REQUIREMENT_REACH:
                        codes.append(code)
                    i += size
                    break
            else:
                i += 1
    return codes


@memo
def parse_languages(raw: str) -> Parsed[tuple[str, ...]]:
    if (empty := placeholder(raw)) is not None:
        return empty
    text = re.sub(r"\s+", " ", re.sub(r"['’`´]", " ", INVISIBLE.sub("", raw))).strip()  # "l’anglais"
    pieces = [p for p in SEPARATORS.split(squash(text).strip(". ")) if p]
    if pieces and all(len(p.split()) <= 3 and not re.search(r"[.:!?]", p) for p in pieces):
        codes = []  # a list: every item must be a language
        for piece in pieces:
            found = _scan(piece)
            if len(set(found)) != 1:
                return bad(f"unknown language {piece[:60]!r}")
            codes.extend(found)
    else:
        codes = _scan(CONCESSIVE.sub(" ", squash(text)), skip_required=True)
    return Parsed(tuple(dict.fromkeys(codes))) if codes else bad("no language named")

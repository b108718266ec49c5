"""Number words of the languages programme pages are written in ("one year", "deux ans", "tres semestres",
"zweijährige", "tweejarige", "δύο χρόνια"), as small whole numbers.

Hand-written: measured on the dev strings, text2num's alpha2digit needs the language beforehand and leaves
"One year", "two years", "deux ans", "due anni", "een jaar" and "zweijährige" as they are (it converts only "tres"
and "vier" there), and number-parser has no Dutch, German or Greek. Lengths need the words one to twelve, which a
table gives exactly. "sept" (French 7, English September), "once" (Spanish 11) and "dört" (Turkish 4, German
"dort") are left out.
Words are looked up accent-folded and case-folded ("fünf" -> "funf", "δύο" -> "δυο").
"""

from __future__ import annotations

import unicodedata

_WORDS: dict[int, tuple[str, ...]] = {
    1: ("one", "een", "ein", "eine", "einen", "einem", "einer", "eines", "un", "une", "uno", "una", "um", "uma",
        "ena", "enas", "mia", "ett", "bir"),
    2: ("two", "twee", "zwei", "deux", "dos", "due", "dois", "duas", "δυο", "tva", "iki"),
    3: ("three", "drie", "drei", "trois", "tres", "tre", "üç", "τρια", "τρεις"),
    4: ("four", "vier", "quatre", "cuatro", "quattro", "quatro", "τεσσερα", "τεσσερις", "fyra"),
    5: ("five", "vijf", "funf", "cinq", "cinco", "cinque", "πεντε", "fem", "beş"),
    6: ("six", "zes", "sechs", "seis", "sei", "εξι", "sex", "seks"),
    7: ("seven", "zeven", "sieben", "siete", "sette", "sete", "επτα", "εφτα", "sju"),
    8: ("eight", "acht", "huit", "ocho", "otto", "oito", "οκτω", "οχτω", "atta"),
    9: ("nine", "negen", "neun", "neuf", "nueve", "nove", "εννεα", "εννια", "nio"),
    10: ("ten", "tien", "zehn", "dix", "diez", "dieci", "dez", "δεκα", "tio"),
    11: ("eleven", "elf", "onze", "undici", "εντεκα"),
    12: ("twelve", "twaalf", "zwolf", "douze", "doce", "dodici", "δωδεκα"),
}
# Greek "ενα", "μια" and Swedish "en" also mean "a": kept ("ένα έτος" is one year); English "a"/"an" are not.


def fold(text: str) -> str:
    """Accents off (Greek letters kept), case folded, invisible format characters (zero-width, bidi marks, soft
    hyphen, NUL) out: how words are compared, and the key of NUMBER_WORDS."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) not in
                   ("Cf", "Cc") or c in "\t\n\r").casefold()


def word_number(word: str) -> int | None:
    """'two' -> 2, 'Zwei' -> 2, 'δύο' -> 2; None for anything else."""
    return NUMBER_WORDS.get(fold(word))


def prefix_number(word: str) -> tuple[int, str] | None:
    """A number word glued to the front of a compound: 'zweijahrige' -> (2, 'jahrige'); longest word first."""
    for size in range(min(len(word) - 1, 8), 1, -1):
        value = NUMBER_WORDS.get(word[:size])
        if value is not None:
            return value, word[size:]
    return None


NUMBER_WORDS: dict[str, int] = {fold(word): value for value, words in _WORDS.items() for word in words}

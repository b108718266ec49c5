"""Raw source records built from real data, with a known truth, for measuring the linker at scale.

bench/generate.py emits exactly the decorations normalize/link.py strips, so its F1 of 1.0 holds by construction.
This generator takes nothing from the linker: every string a record carries was printed by a real source.

- Templates: the real programme clusters of ../shared/real/linking-dev (records.csv + truth.csv). A cluster gives
  the rows its sources really printed: titles with their award words, university spellings, which rows print a
  city and a country, degree, level, duration, credits, mode, pace, languages.
- Subjects: real programme titles from the public scrapes in ../shared/real/datasets (Mastersportal cards and API
  export, the national "Study in ..." portals' master's titles) that carry no award word (below).
- Universities: real university names with the city and country their scrape printed (findamasters, Mastersportal,
  educations.com; the national portals' master's institutions with their country and no city).

A synthetic programme is (template cluster, real university, real subject). Each template title is split into the
subject the cluster's titles share (their longest common run of words) and the decoration around it; the new
titles put the real subject in that place and keep the decoration as printed ("Computing (MSc)" -> "Marine
Biology (MSc)"). The award words that may form a decoration are read off the data, not the linker: the tokens of
linking-dev's degree and level columns and of findamasters' award ("modality") field; short lower-case
connectors ("in", "of") are allowed beside them. A cluster whose titles differ by anything else (a campus, "with
placement", a reworded subject) is not used as a template: its variation could not be carried to another subject
without inventing it. University spellings follow the cluster's pattern the same way: a leading "The", a
parenthesised acronym (made from the new name's capitals), an ASCII or straight-apostrophe spelling; a cluster
with unrelated spellings (UCL / University College London) prints the new name alone.

Distinct programmes: the truth is one programme per (university, subject), and the pools are cleaned so that two
synthetic programmes never print the same thing. Subjects of one university differ by their word key (case,
accents, punctuation, word order, function words and a plural "s" folded: see subject_key); universities differ by
the distinctive words of the institution's name before any dash or comma (words not among the most frequent 2%
of words in university names, accents folded; a key inside another counts as the same), so "Universidad de
Granada" and "University of Granada", or two faculties of one university, are not two universities here. Near-misses remain as the real data has them: one
university's subjects that share words ("Data Science", "Data Science and Society"), and different universities
in one city. Deterministic per seed.
"""

from __future__ import annotations

import csv
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scrapers.records import RawRecord

SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL = SHARED / "real"
DEV = REAL / "linking-dev"
DATA = REAL / "datasets"


def available() -> str | None:
    """None when the real data is here; otherwise why the generator cannot run."""
    for path in (DEV / "records.csv", DEV / "truth.csv", DATA):
        if not path.exists():
            return f"real data not found: {path} (the real-data generator needs {SHARED})"
    return None


def _fold(text: str) -> str:
    """ASCII spelling with straight apostrophes: the spelling some sources print for a name with accents."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    return " ".join(unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").split())


def _key(token: str) -> str:
    return re.sub(r"[^0-9a-z]", "", _fold(token).casefold())


def _parts(token: str) -> list[str]:
    return [p for p in re.split(r"[^0-9a-z]+", _fold(token).casefold()) if p]


def _read(path: Path, tsv: bool = False) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="", errors="replace") as handle:
        reader = (csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if tsv
                  else csv.DictReader(handle))
        return [{(k or ""): (v or "").strip() for k, v in row.items()} for row in reader]


# ---- pools of real strings -------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _findamasters() -> list[dict[str, str]]:
    rows = []
    for path in sorted((DATA / "do3-173__ADM_HW3" / "TSV").glob("course_*.tsv")):
        rows.extend(_read(path, tsv=True))
    return rows


def _award_tokens(printed: str) -> list[str]:
    """"M.Eng." -> meng; "Research Only" -> research, only; "PGCert, PGDip" -> pgcert, pgdip."""
    return [k for token in printed.replace(",", " ").split() for k in ([_key(token)] if "." in token else _parts(token))]


@lru_cache(maxsize=1)
def award_words() -> frozenset[str]:
    """Award words as the real data prints them: linking-dev's degree and level columns, findamasters' awards,
    the Mastersportal export's degree column, the national portals' level column."""
    words = set()
    for row in _read(DEV / "records.csv"):
        words.update(_award_tokens(row["degree"]) + _award_tokens(row["level"]))
    for row in _findamasters():
        words.update(_award_tokens(row.get("modality", "")))
    for row in _read(DATA / "Miosolo__master-projects-analysis/18b9851/export/CS.csv"):
        words.update(_award_tokens(row["Degree"]))
    for row in _read(DATA / "MarcoBoso__An-App-for-StudyinEurope/programs_EU_final.csv"):
        words.update(_award_tokens(row["Level"]))
    return frozenset(w for w in words if len(w) > 1 and not w.isdigit())


def _is_award(part: str) -> bool:
    words = award_words()
    return part in words or (len(part) > 4 and part.endswith("s") and part[:-1] in words)


def _decoration(token: str) -> bool:
    """A title token that may stand around the subject: punctuation, award words, a short lower-case connector."""
    parts = _parts(token)
    if not parts or _is_award(_key(token)):
        return True
    return all(_is_award(p) or (p.isalpha() and len(p) <= 3 and token.strip("()[],-/").islower()) for p in parts)


FUNCTION_WORDS = frozenset({"and", "with", "of", "in", "for", "the", "to", "on", "a", "an"})
# words that describe the listing, not the subject: a pool title holding one ("Degree in International Relations",
# "International Relations - part time", "... Online") is left out, as one holding an award word is
LISTING_WORDS = frozenset({"degree", "programme", "program", "course", "part", "full", "time", "online"})


def subject_key(subject: str) -> tuple[str, ...]:
    """Subjects that differ only in case, accents, punctuation, word order, function words or a plural "s" count
    as one ("Applied Statistics and Data Science" = "Applied Data Science and Statistics"): whether two such
    titles at one university are one programme is not settled by what they print, so the truth never has both."""
    words = re.split(r"[^0-9a-z]+", _fold(subject).casefold().replace("&", " and "))
    words = [re.sub(r"(.)\1", r"\1", w) for w in words if w and w not in FUNCTION_WORDS]  # modelling = modeling
    return tuple(sorted({w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words}))


@lru_cache(maxsize=1)
def subjects() -> tuple[str, ...]:
    """Real master's programme titles that print no award word, one per subject key, in file order."""
    found: list[str] = []
    sheikh = DATA / "SheikhAnandee__Global-IT-Masters-Program-Analysis/data/CS_master_program_details_top35_countries.csv"
    found += [r["Program Name"] for r in _read(sheikh)]
    found += [r["Program"] for r in _read(DATA / "Miosolo__master-projects-analysis/18b9851/export/CS.csv")]
    found += [r["Program_Title"] for r in _read(DATA / "MarcoBoso__An-App-for-StudyinEurope/programs_EU_final.csv")
              if r["Level"].casefold().startswith("master")]
    seen: set[tuple[str, ...]] = set()
    kept = []
    for title in found:
        title = " ".join(title.split())
        tokens = title.split()
        key = subject_key(title)
        if (not key or len(title) > 80 or key in seen or any(_is_award(p) or p in LISTING_WORDS for t in tokens for p in _parts(t) + [_key(t)])
                or not title[0].isalpha() or title.isupper() or "(" in title):
            continue  # award words, shouting or a bracket: not a clean subject
        seen.add(key)
        kept.append(title)
    return tuple(kept)


@dataclass(frozen=True)
class University:
    name: str
    city: str
    country: str


@lru_cache(maxsize=1)
def universities() -> tuple[University, ...]:
    """Real university names with the city and country their scrape printed; one per distinctive-word key."""
    found: list[University] = []
    for r in _findamasters():
        found.append(University(r.get("universityName", ""), r.get("city", ""), r.get("country", "")))
    for r in _read(DATA / "Miosolo__master-projects-analysis/18b9851/export/CS.csv"):
        found.append(University(r["School"], r["City"], r["Country"]))
    with (DATA / "aditiisaxena__Grad-Guru/Datasets/masters.csv").open(encoding="utf-8", errors="replace") as handle:
        for row in csv.reader(handle):
            if len(row) == 3 and row[2].count(",") == 1:  # "City, Country" (not "Multiple (3)")
                city, country = (p.strip() for p in row[2].split(","))
                found.append(University(row[1].strip(), city, country))
    for r in _read(DATA / "MarcoBoso__An-App-for-StudyinEurope/programs_EU_final.csv"):
        if r["Level"].casefold().startswith("master"):  # national portals print no city: rows that print one go without
            found.append(University(r["Institution"], "", r["Country"]))
    found = [u for u in found if u.name and u.country and "(" not in u.name and "(" not in u.city
             and not u.name.casefold().startswith("the ") and not u.name.isupper() and len(u.name) < 70]
    counts = Counter(w for name in {u.name for u in found} for w in set(_parts(name)))
    ranked = sorted(counts, key=lambda w: (-counts[w], w))  # ties broken by the word: the same on every run
    generic = set(ranked[:max(1, len(counts) // 50)])

    def key_of(name: str) -> frozenset[str]:
        # a faculty or campus printed after a dash or comma is part of its university: "University of Pretoria -
        # Faculty of Law" and "- Faculty of Education" are one university here
        return frozenset(_parts(re.split(r" [-\u2013\u2014] |,", name)[0])) - generic

    dev = {key_of(r["university"]) for r in _read(DEV / "records.csv")}
    seen: list[frozenset[str]] = []
    by_word: dict[str, list[int]] = defaultdict(list)
    kept = []
    for u in found:
        key = key_of(u.name)
        # one key inside another is taken for one university ("University of Namur" / "Université de Namur"):
        # the later name is left out; so is a linking-dev university (the pool stays disjoint from the dev set)
        near = {i for w in key for i in by_word[w]}
        if not key or key in dev or any(key <= seen[i] or seen[i] <= key for i in near):
            continue
        for w in key:
            by_word[w].append(len(seen))
        seen.append(key)
        kept.append(u)
    return tuple(kept)


# ---- templates from the real clusters --------------------------------------------------------------------------

@dataclass(frozen=True)
class Template:
    label: str
    rows: tuple[dict[str, str], ...]
    titles: tuple[tuple[str, str, str], ...]  # per row: (prefix, case of the subject, suffix) as printed
    names: tuple[tuple[str, bool, str], ...] | None  # per row: (prefix, ASCII-fold, suffix) or None: the name alone


def _common_run(token_lists: list[list[str]]) -> tuple[int, list[int]] | None:
    """Longest run of word keys all lists share: (length, start in each list)."""
    keys = [[_key(t) for t in tokens] for tokens in token_lists]
    first = keys[0]
    for length in range(len(first), 0, -1):
        for start in range(len(first) - length + 1):
            run = first[start:start + length]
            if not all(run):
                continue
            starts = []
            for other in keys:
                hit = next((i for i in range(len(other) - length + 1) if other[i:i + length] == run), None)
                if hit is None:
                    break
                starts.append(hit)
            else:
                return length, starts
    return None


def _case(text: str) -> str:
    return "lower" if text.islower() else "upper" if text.isupper() else "as printed"


def _title_pattern(titles: list[str]) -> tuple[tuple[str, str, str], ...] | None:
    token_lists = [t.split() for t in titles]
    found = _common_run(token_lists)
    if found is None:
        return None
    length, starts = found
    patterns = []
    for tokens, start in zip(token_lists, starts):
        lo, hi = start, start + length
        while lo < hi and _decoration(tokens[lo]):  # award words every variant shares belong to the decoration
            lo += 1
        while hi > lo and _decoration(tokens[hi - 1]):
            hi -= 1
        if lo == hi or not all(_decoration(t) for t in tokens[:lo] + tokens[hi:]):
            return None
        core = " ".join(tokens[lo:hi])
        patterns.append((" ".join(tokens[:lo]), _case(core), " ".join(tokens[hi:])))
    return tuple(patterns)


def _name_pattern(names: list[str]) -> tuple[tuple[str, bool, str], ...] | None:
    token_lists = [_fold(n).split() for n in names]
    found = _common_run(token_lists)
    if found is None:
        return None
    length, starts = found
    patterns = []
    for name, tokens, start in zip(names, token_lists, starts):
        before, after = tokens[:start], tokens[start + length:]
        if (length < 2 or [t.casefold() for t in before] not in ([], ["the"])
                or not all(re.fullmatch(r"\([A-Z]{2,}\)", t) for t in after)):
            return None
        ascii_spelling = name == _fold(name) and any(n != _fold(n) for n in names)
        patterns.append((" ".join(name.split()[:len(before)]), ascii_spelling, "(acronym)" if after else ""))
    return tuple(patterns)


@lru_cache(maxsize=1)
def templates() -> tuple[Template, ...]:
    """The linking-dev clusters whose title variation is decoration around one subject."""
    labels = {(t["source"], t["source_key"]): t["programme"] for t in _read(DEV / "truth.csv")}
    clusters: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _read(DEV / "records.csv"):
        clusters[labels[(row["source"], row["source_key"])]].append(row)
    found = []
    for label, rows in sorted(clusters.items()):
        titles = _title_pattern([r["title"] for r in rows])
        if titles is None:
            continue
        found.append(Template(label, tuple(rows), titles, _name_pattern([r["university"] for r in rows])))
    return tuple(found)


# ---- rendering -------------------------------------------------------------------------------------------------

def _acronym(name: str) -> str:
    return "(" + "".join(w[0] for w in name.split() if w[0].isupper()) + ")"


def _programme_rows(template: Template, university: University, subject: str) -> list[dict[str, str]]:
    rows = []
    for row, (before, case, after), name_pattern in zip(template.rows, template.titles,
                                                        template.names or [None] * len(template.rows)):
        shown = subject.lower() if case == "lower" else subject.upper() if case == "upper" else subject
        name = university.name
        if name_pattern is not None:
            the, ascii_spelling, acronym = name_pattern
            name = " ".join(p for p in (the, _fold(name) if ascii_spelling else name,
                                        _acronym(name) if acronym else "") if p)
        rows.append({**row, "title": " ".join(p for p in (before, shown, after) if p), "university": name,
                     "city": university.city if row["city"] else "",
                     "country": university.country if row["country"] else ""})
    return rows


def generate(n_records: int, seed: int = 7) -> tuple[list[RawRecord], dict[str, str]]:
    truth: dict[str, str] = {}
    return list(stream(n_records, truth, seed)), truth


def stream(n_records: int, truth: dict[str, str], seed: int = 7) -> Iterator[RawRecord]:
    """About n_records records (whole programmes), filling `truth` (ref -> programme). Programme i goes to
    university i mod U (universities shuffled), with a template drawn at random and a subject the university
    has not had yet."""
    from programme_scout.linkeval import raw_fields

    rng = random.Random(seed)
    pool_u = list(universities())
    rng.shuffle(pool_u)
    pool_s = subjects()
    pool_t = templates()
    used: dict[int, set[int]] = defaultdict(set)
    made = programme = 0
    while made < n_records:
        u_index = programme % len(pool_u)
        if len(used[u_index]) >= len(pool_s) // 2:
            raise ValueError(f"{n_records} records need more subjects than the real pool holds ({len(pool_s)})")
        s_index = rng.randrange(len(pool_s))
        while s_index in used[u_index]:
            s_index = rng.randrange(len(pool_s))
        used[u_index].add(s_index)
        template = rng.choice(pool_t)
        label = f"p{programme}:{template.label}"
        for row_no, row in enumerate(_programme_rows(template, pool_u[u_index], pool_s[s_index])):
            key = f"{row['source_key']}#{programme}.{row_no}"
            truth[f"{row['source']}:{key}"] = label
            made += 1
            yield RawRecord(source=row["source"], source_key=key, url="", fetched_at="", content_hash="",
                            fields=raw_fields(row))
        programme += 1


# ---- measuring -------------------------------------------------------------------------------------------------

def measure(n_records: int, seed: int = 7, show: int = 0) -> dict:
    """Our reconciler on the generated records: precision, recall, F1 and (first `show`) wrong pairs."""
    from datetime import date

    from normalize.evaluate import pair_scores, truth_pairs
    from normalize.reconcile import reconcile

    records, truth = generate(n_records, seed)
    reconciled = reconcile(records, as_of=date(2026, 1, 1))
    scores = pair_scores(reconciled.link.clusters, truth_pairs(truth))
    by_ref = {r.ref: r for r in reconciled.source_records}

    def describe(ref: str) -> str:
        r = by_ref[ref]
        return f"{ref} [{r.title} | {r.university} | {r.city or '?'}, {r.country or '?'} | {r.degree or '?'}]"

    result = {"records": len(records), "programmes": len(set(truth.values())), "clusters": len(reconciled.link.clusters),
              "precision": scores["precision"], "recall": scores["recall"], "f1": scores["f1"],
              "false_merges": len(scores["false_positives"]), "missed_links": len(scores["false_negatives"])}
    if show:
        result["first_false_merges"] = [f"{describe(a)} + {describe(b)}" for a, b in scores["false_positives"][:show]]
        result["first_missed_links"] = [f"{describe(a)} + {describe(b)}" for a, b in scores["false_negatives"][:show]]
    return result


def main(argv: list[str]) -> int:
    reason = available()
    if reason:
        print(f"skipped: {reason}")
        return 0
    n = int(argv[1]) if len(argv) > 1 else 10_000
    seed = int(argv[2]) if len(argv) > 2 else 7
    result = measure(n, seed, show=15)
    print(f"templates {len(templates())}, universities {len(universities()):,}, subjects {len(subjects()):,}")
    for kind in ("first_false_merges", "first_missed_links"):
        print(f"{kind.replace('_', ' ')} ({result['false_merges' if 'merges' in kind else 'missed_links']:,} in all):")
        for line in result[kind]:
            print(f"  {line}")
    print(f"realgen: precision {result['precision']:.4f} recall {result['recall']:.4f} F1 {result['f1']:.4f} "
          f"({result['records']:,} records, {result['programmes']:,} programmes, {result['clusters']:,} clusters)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

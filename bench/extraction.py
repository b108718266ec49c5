"""Extraction on the real markup (../shared/evidence): per portal and era, how many fields a careful reader sees on
each saved page or fragment come out of the registered portal's parser and `normalize_record` right, missing or
wrong. The expectations are data (bench/evidence_expectations.json), shared with tests/test_evidence.py.

A field is judged on its record values (`typed`) when the table gives them, else on the raw strings: right when
every value matches; missing when the parser gave no string for it, or the normaliser left the value empty
(flagged); wrong when a value differs. `spurious` counts a field the page does not show, or trap text (a
related-programme link, a hidden "Unknown"), that the parser read anyway. `{{ ... }}` template values of the 2021
saved page are unknown: never expected, never counted. `python -m bench.extraction` prints the table and every miss."""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from normalize.models import SourceRecord
from normalize.record import normalize_record
from scrapers.records import NotAProgrammePage, RawFields, RawRecord
from scrapers.registry import PORTALS

EVIDENCE = Path(__file__).resolve().parents[2] / "shared" / "evidence"
TABLE = Path(__file__).resolve().parent / "evidence_expectations.json"
FLOOR = Path(__file__).resolve().parents[1] / "tests" / "accuracy_floor.json"
AS_OF = date(2026, 1, 1)  # the judged fields do not depend on it (deadlines are not compared against the run date)
KINDS = ("right", "missing", "wrong", "spurious")


def table() -> list[dict[str, Any]]:
    """The expectations, one entry per evidence file (bench/evidence_expectations.json)."""
    files: list[dict[str, Any]] = json.loads(TABLE.read_text(encoding="utf-8"))["files"]
    return files


def entry(name: str) -> dict[str, Any]:
    """The table's entry for an evidence file (its path under the evidence folder)."""
    return next(e for e in table() if e["file"] == name)


def known(values: list[str]) -> list[str]:
    """Values that are not the 2021 template's `{{ ... }}` placeholders."""
    return [v for v in values if "{{" not in v]


@dataclass
class Page:
    """One page (or a page rebuilt from scraped strings) with what a reader sees on it."""

    name: str  # evidence file, plus "#n" for a page rebuilt from the n-th block of a strings file
    portal: str
    era: str
    url: str
    text: str
    kind: str  # detail | fragment | listing
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)
    never: list[str] = field(default_factory=list)
    listing: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Outcome:
    page: Page
    layout: str
    kinds: Counter[str]
    misses: list[str]


# ------------------------------------------------------------------ pages
def _score_blocks(text: str) -> list[list[tuple[str, str]]]:
    """The strings file's requirement blocks: (label, value) pairs as scraped ("IELTS", "6.5+")."""
    section = text.split("== requirement blocks", 1)[1].split("\n", 1)[1].split("\n==", 1)[0]
    blocks = []
    for line in section.splitlines():
        if line.startswith("'"):
            parts = [p.strip() for p in line.strip("'").split("\\n") if p.strip()]
            blocks.append(list(zip(parts[::2], parts[1::2])))
    return blocks


def _tuition_strings(text: str) -> list[str]:
    section = text.split("== tuition strings", 1)[1].split("\n", 1)[1].split("\n==", 1)[0]
    return [line.strip("'").split("\\n")[2].strip() for line in section.splitlines() if line.startswith("'")]


def score_page(pairs: list[tuple[str, str]]) -> str:
    """Scraped score pairs put back into the label + div markup the 2023 DevTools screenshot shows."""
    return ("<html><body><div id='p2-university-information'>" + "".join(
        f"<div class='univ-subsection-full-width-value bottom-div'><label>{label}</label><div>{value}</div></div>"
        for label, value in pairs) + "</div></body></html>")


def tuition_page(amount: str, audience: str) -> str:
    heading = {"international": "International Students", "domestic": "Domestic Students"}[audience]
    return (f"<html><body><div class='univ-subsection'><h4>{heading}</h4><div class='univ-subsection-value'>"
            f"<label>Tuition Fee/year</label><div>{amount}</div></div></div></body></html>")


def _number(printed: str) -> str | None:
    """'6.5+' -> '6.5'; a lone '+' has no value."""
    digits = printed.strip().rstrip("+").strip()
    return digits or None


def _strings_pages(e: dict[str, Any], text: str) -> list[Page]:
    spec = e["strings"]
    pages = []
    for n, pairs in enumerate(_score_blocks(text)):
        fields: dict[str, dict[str, Any]] = {}
        for label, value in pairs:
            expect: dict[str, Any] = {"raw": [value]}
            typed_field, number = spec["score_fields"].get(label), _number(value)
            if typed_field and number:
                expect["typed"] = {typed_field: number}
            fields[f"test_score:{label}"] = expect
        pages.append(Page(f"{e['file']}#score{n + 1}", e["portal"], e["era"], e["url"], score_page(pairs), "fragment",
                          fields))
    audience = spec["tuition_audience"]
    for n, amount in enumerate(_tuition_strings(text)):
        fee: dict[str, Any] = {"raw": [amount if amount == "-" else f"{amount} / year"]}  # "-": no fee printed
        if amount != "-":
            value, currency = amount.rsplit(" ", 1)
            fee["typed"] = {f"tuition_{audience}_amount": value.replace(",", ""),
                            f"tuition_{audience}_currency": currency, f"tuition_{audience}_period": "year"}
        pages.append(Page(f"{e['file']}#fee{n + 1}", e["portal"], e["era"], e["url"], tuition_page(amount, audience),
                          "fragment", {f"tuition_{audience}": fee}))
    return pages


def pages(root: Path = EVIDENCE) -> list[Page]:
    """Every page the table describes, read from the evidence folder."""
    found = []
    for e in table():
        text = (root / e["file"]).read_text(encoding="utf-8")
        if e["kind"] == "strings":
            found.extend(_strings_pages(e, text))
        else:
            found.append(Page(e["file"], e["portal"], e["era"], e["url"], text, e["kind"], e.get("fields", {}),
                              e.get("absent", []), e.get("never", []), e.get("listing", {})))
    return found


# ------------------------------------------------------------------ judging
def parse(page: Page) -> RawFields:
    """The registered portal's detail parser; a fragment (no title or university) is read whole, as a page part."""
    family = PORTALS[page.portal]
    try:
        return family.parse_detail(page.text, page.url)
    except NotAProgrammePage:
        if page.kind != "fragment":
            raise
        fields: RawFields = family.parsers.read(page.text, page.url)
        return fields


def _same(expected: Any, got: Any) -> bool:
    if isinstance(got, (int, Decimal)) and not isinstance(got, bool):  # the table writes amounts as strings
        return expected is not None and not isinstance(expected, bool) and Decimal(got) == Decimal(str(expected))
    if isinstance(got, list) and isinstance(expected, list):
        return len(got) == len(expected) and all(_same(e, g) for e, g in zip(expected, got))
    return bool(expected == got)


def _typed(record: SourceRecord, name: str) -> Any:
    """A record value by name; 'other_scores.PTE' reads one test of the scores dict."""
    head, _, key = name.partition(".")
    value = getattr(record, head)
    return value.get(key) if key else value


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def _judge_field(name: str, expect: dict[str, Any], raw: list[str], record: SourceRecord) -> tuple[str, str]:
    """(kind, why) for one raw field."""
    if not raw:
        return "missing", "no string read"
    if "raw_prefix" in expect:
        ok = raw[0].startswith(expect["raw_prefix"])
        return ("right", "") if ok else ("wrong", f"read {raw[0][:80]!r}")
    if "typed" not in expect:
        return ("right", "") if raw == expect["raw"] else ("wrong", f"read {raw!r}, a reader sees {expect['raw']!r}")
    kind, why = "right", []
    for typed, value in expect["typed"].items():
        got = _typed(record, typed)
        if _same(value, got):
            continue
        if _empty(got) and not _empty(value):
            kind = "missing" if kind == "right" else kind
            why.append(f"{typed} empty (read {raw!r}), a reader sees {value!r}")
        else:
            kind = "wrong"
            why.append(f"{typed} = {got!r} (read {raw!r}), a reader sees {value!r}")
    return kind, "; ".join(why)


def judge(page: Page) -> Outcome:
    kinds: Counter[str] = Counter({k: 0 for k in KINDS})
    misses: list[str] = []
    if page.kind == "listing":
        listing = PORTALS[page.portal].parse_listing(page.text, page.url)
        for name, expected in page.listing.items():
            got = getattr(listing, name)
            kind = "right" if got == expected else "missing" if not got else "wrong"
            kinds[kind] += 1
            if kind != "right":
                misses.append(f"{name}: {kind}: read {got!r}, a reader sees {expected!r}")
        return Outcome(page, "", kinds, misses)
    fields = parse(page)
    record = normalize_record(RawRecord(source=page.portal, source_key="evidence", url=page.url, fetched_at="",
                                        content_hash="", fields=fields),
                              as_of=AS_OF)
    for name, expect in page.fields.items():
        kind, why = _judge_field(name, expect, known(fields.get(name, [])), record)
        kinds[kind] += 1
        if kind != "right":
            misses.append(f"{name}: {kind}: {why}")
    for name in page.absent:
        if read := known(fields.get(name, [])):
            kinds["spurious"] += 1
            misses.append(f"{name}: spurious: read {read!r}, the page shows none")
    shown = str({k: known(v) for k, v in fields.items()})
    for trap in page.never:
        if trap in shown:
            kinds["spurious"] += 1
            misses.append(f"trap text {trap!r} was read")
    if page.era and fields.layout != f"{page.portal}/{page.era}":
        misses.append(f"layout: the parser says {fields.layout}, the evidence is {page.portal}/{page.era} (not counted)")
    return Outcome(page, fields.layout, kinds, misses)


def evaluate(root: Path = EVIDENCE) -> list[Outcome]:
    return [judge(p) for p in pages(root)]


def counts(outcomes: list[Outcome]) -> dict[str, dict[str, int]]:
    """Per 'portal/era': pages, fields expected and each kind."""
    by: dict[str, Counter[str]] = {}
    for o in outcomes:
        c = by.setdefault(f"{o.page.portal}/{o.page.era}", Counter())
        c["pages"] += 1
        c["expected"] += sum(o.kinds[k] for k in ("right", "missing", "wrong"))
        c.update(o.kinds)
    return {key: {k: c[k] for k in ("pages", "expected", *KINDS)} for key, c in sorted(by.items())}


def raise_floor(measured: dict[str, dict[str, int]], floor_path: Path = FLOOR) -> None:
    """The ratchet (as bench.accuracy's for strings), per portal/era: right never below, wrong and spurious never
    above what was last recorded. Keeps the floor file's other sections."""
    floor = json.loads(floor_path.read_text(encoding="utf-8")) if floor_path.exists() else {}
    old = floor.get("extraction", {})
    new = {}
    for key, now in measured.items():
        before = old.get(key, now)
        new[key] = {"right": max(before["right"], now["right"]), "wrong": min(before["wrong"], now["wrong"]),
                    "spurious": min(before["spurious"], now["spurious"])}
    floor["extraction"] = new
    floor_path.write_text(json.dumps(floor, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def markdown(outcomes: list[Outcome]) -> str:
    layouts: dict[str, set[str]] = {}
    for o in outcomes:
        if o.layout:
            layouts.setdefault(f"{o.page.portal}/{o.page.era}", set()).add(o.layout.split("/", 1)[1])
    rows = ["| portal | era | layouts the parser named | pages | fields expected | right | missing | wrong | spurious |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    total: Counter[str] = Counter()
    for key, c in counts(outcomes).items():
        portal, era = key.split("/", 1)
        rows.append(f"| {portal} | {era} | {', '.join(sorted(layouts.get(key, ()))) or '-'} | {c['pages']} | "
                    f"{c['expected']} | {c['right']} | {c['missing']} | {c['wrong']} | {c['spurious']} |")
        total.update(c)
    rows.append(f"| all | | | {total['pages']} | {total['expected']} | {total['right']} | {total['missing']} | "
                f"{total['wrong']} | {total['spurious']} |")
    return "\n".join(rows)


def misses(outcomes: list[Outcome]) -> str:
    return "\n".join(f"{o.page.name}: {m}" for o in outcomes for m in o.misses) or "(none)"


def section(outcomes: list[Outcome] | None = None) -> str:
    """make eval's extraction section: the table and every miss; skipped, saying why, without the evidence."""
    if outcomes is None:
        if not EVIDENCE.is_dir():
            return f"### Extraction\n\nskipped: {EVIDENCE} is absent (the evidence lives in ../shared beside the project)"
        outcomes = evaluate()
    return (f"### Extraction ({EVIDENCE.parent.name}/{EVIDENCE.name}, {TABLE.name})\n\n{(__doc__ or '').strip()}\n\n"
            f"{markdown(outcomes)}\n\n```\n{misses(outcomes)}\n```")


def main() -> int:
    if not EVIDENCE.is_dir():
        print(f"skipped: {EVIDENCE} is absent")
        return 0
    outcomes = evaluate()
    print(markdown(outcomes))
    print()
    print(misses(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The field specification: every value a programme has, declared once (in the spirit of a Singer schema or
Scrapy's ItemLoader declarations).

A `Field` is one value of a programme record: its Python type, how a page's repeats reduce, how sources merge
and in which source order, and its CSV column (Table Schema type and description). The typed records
(`normalize.models`, checked against this list at import), the merge, the CSV columns, `datapackage.json` and the
README's column table all come from here. How printed strings become these values (the raw names a scraper hands
on and the parser of each) is the second half: `normalize.inputs`.

Adding a field: one `Field` here, one input in `normalize.inputs` (or a derivation in `normalize.record`), the
labels of the portals that show it, and tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scrapers.registry import PORTALS

Merge = Literal["priority", "union", "scores", "derived"]

# Sources in the order they win a real disagreement: the registry's order (scrapers/registry.py says why).
# A source not registered ranks after every registered one.
SOURCE_PRIORITY: tuple[str, ...] = tuple(PORTALS)


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    name: str  # the record attribute, and the CSV column when `csv` is set
    python: str  # the attribute's Python type, as written in normalize/models.py
    table_type: str  # Table Schema type of the CSV column: string, integer, number, boolean, date
    description: str
    # priority: one value wins, disagreements recorded; union: lists joined; scores: per test, by priority;
    # derived: computed from the merged values (never merged itself)
    merge: Merge = "priority"
    priority: tuple[str, ...] = SOURCE_PRIORITY
    csv: bool = True
    sorted_list: bool = False  # a list kept in sorted order (months, dates), not in the order pages print it

    @property
    def is_list(self) -> bool:
        return self.python.startswith("list[")


def _fee(audience: str, who: str) -> tuple[Field, ...]:
    return (
        Field(name=f"tuition_{audience}_amount", python="Decimal | None", table_type="number",
              description=f"Tuition for {who}, in tuition_{audience}_currency per tuition_{audience}_period, as printed."),
        Field(name=f"tuition_{audience}_currency", python="str | None", table_type="string",
              description=f"ISO 4217 currency of tuition_{audience}_amount (empty when there is no tuition)."),
        Field(name=f"tuition_{audience}_period", python="str | None", table_type="string",
              description=f"What tuition_{audience}_amount pays for: year, semester, programme or month."),
        Field(name=f"tuition_{audience}_eur_per_year", python="Decimal | None", table_type="number", merge="derived",
              description=f"tuition_{audience}_amount as euros per year (ECB reference rate of the run's rate date); "
                          "empty where the period and duration do not make it exact."),
    )


# Value fields in CSV order.
FIELDS: tuple[Field, ...] = (
    Field(name="title", python="str | None", table_type="string", description="Programme title, from the highest-priority source."),
    Field(name="degree", python="str | None", table_type="string", description="Degree awarded, abbreviated (MSc, MA, MBA, LLM, ...)."),
    Field(name="level", python="str | None", table_type="string", description="bachelor, master or phd."),
    Field(name="university", python="str | None", table_type="string", description="Awarding university, trimmed of portal decoration."),
    Field(name="partner_universities", python="list[str]", table_type="string", merge="union",
          description="Partners of a joint programme, '; '-separated."),
    Field(name="city", python="str | None", table_type="string", description="City of the (first) campus; empty when only a country is printed."),
    Field(name="country", python="str | None", table_type="string", description="ISO 3166-1 alpha-2 country of the (first) campus."),
    Field(name="campuses", python="list[str]", table_type="string", merge="union",
          description="Every campus as 'City, CC' (or 'CC' when no city is printed), '; '-separated."),
    Field(name="duration_months", python="int | None", table_type="integer", description="Full-time duration in months."),
    Field(name="duration_months_part_time", python="int | None", table_type="integer", description="Part-time duration in months, when given."),
    Field(name="ects", python="int | None", table_type="integer", description="ECTS credits (other credit systems are not converted)."),
    Field(name="credits_other", python="str | None", table_type="string", description="Credits in another system, as printed (never converted)."),
    Field(name="study_mode", python="str | None", table_type="string", description="on_campus, online or blended."),
    Field(name="pace", python="str | None", table_type="string", description="full_time, part_time or both."),
    Field(name="languages", python="list[str]", table_type="string", merge="union",
          description="ISO 639-1 teaching languages, '; '-separated."),
    Field(name="start_months", python="list[int]", table_type="string", merge="union", sorted_list=True,
          description="Start months as numbers 1-12, '; '-separated."),
    Field(name="start_dates", python="list[str]", table_type="string", merge="union", sorted_list=True,
          description="Start dates as YYYY-MM where a year is printed, '; '-separated."),
    Field(name="application_deadline", python="str | None", table_type="string",
          description="ISO 8601 date (YYYY-MM-DD) or year-month (YYYY-MM)."),
    *_fee("international", "international (non-EU/EEA) students"),
    *_fee("eu_eea", "EU/EEA students"),
    *_fee("domestic", "domestic students (home, national, in-state)"),
    Field(name="living_cost_min_month", python="Decimal | None", table_type="number", description="Lower estimate of living costs per month."),
    Field(name="living_cost_max_month", python="Decimal | None", table_type="number", description="Upper estimate of living costs per month."),
    Field(name="living_cost_currency", python="str | None", table_type="string", description="ISO 4217 currency of the living costs."),
    Field(name="ielts_min", python="Decimal | None", table_type="number", description="Minimum IELTS overall band (0-9)."),
    Field(name="toefl_ibt_min", python="int | None", table_type="integer", description="Minimum TOEFL iBT score (0-120)."),
    Field(name="other_scores", python="dict[str, Decimal]", table_type="string", merge="scores",
          description="Other English tests' minimum scores (PTE, DUOLINGO, CAMBRIDGE, TOEFL_PBT), 'NAME=score; ...'."),
    Field(name="subject_area", python="str | None", table_type="string", description="Main subject area as the portal names it."),
    # A fee printed without an audience: the merge fills the audience columns from it when no source has them.
    *(Field(name=f.name.replace("domestic", "all"), python=f.python, table_type=f.table_type, csv=False,
            description=f.description.replace("domestic students (home, national, in-state)", "students of any audience"))
      for f in _fee("domestic", "domestic students (home, national, in-state)") if not f.name.endswith("eur_per_year")),
)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
VALUE_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS)
SCALAR_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.merge == "priority")
UNION_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.merge == "union")
DERIVED_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.merge == "derived")
LIST_FIELDS: frozenset[str] = frozenset(f.name for f in FIELDS if f.is_list)
SORTED_LISTS: frozenset[str] = frozenset(f.name for f in FIELDS if f.sorted_list)
AUDIENCES: tuple[str, ...] = ("international", "eu_eea", "domestic")


@dataclass(frozen=True, slots=True)
class Column:
    """A CSV column: a value field's, or one the run adds (ids, provenance, bookkeeping)."""

    name: str
    table_type: str
    description: str
    bookkeeping: bool = False  # moves on every run without anything changing: never a change


RUN_COLUMNS_BEFORE: tuple[Column, ...] = (
    Column("programme_id", "string", "Stable id of the programme; kept while any of its source pages is still seen."),
)
RUN_COLUMNS_AFTER: tuple[Column, ...] = (
    Column("sources", "string", "Portals the programme was seen on, '; '-separated."),
    Column("source_urls", "string", "Source page URLs, '; '-separated."),
    Column("n_conflicts", "integer", "Number of recorded conflicts (details in conflicts.csv)."),
    Column("flags", "string", "Values that did not fit their field, '; '-separated: field: reason ('raw')."),
    Column("first_seen", "date", "Date of the first run that saw this programme."),
    Column("last_seen", "date", "Date of the last run that saw this programme (older than the run when stale).",
           bookkeeping=True),
    Column("stale", "boolean", "true when its pages could not be read this run (the portal failed, or each page did):"
           " these are its last good values. Never a change by itself.", bookkeeping=True),
)
COLUMNS: tuple[Column, ...] = (
    RUN_COLUMNS_BEFORE
    + tuple(Column(f.name, f.table_type, f.description) for f in FIELDS if f.csv)
    + RUN_COLUMNS_AFTER
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
BOOKKEEPING_COLUMNS: frozenset[str] = frozenset(c.name for c in COLUMNS if c.bookkeeping)

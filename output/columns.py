"""The CSV's fixed columns, their Table Schema types and descriptions: one list serves the CSV writer,
datapackage.json and the README."""

from __future__ import annotations

# (name, Table Schema type, description)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("programme_id", "string", "Stable id of the programme; kept while any of its source pages is still seen."),
    ("title", "string", "Programme title, from the highest-priority source."),
    ("degree", "string", "Degree awarded, abbreviated (MSc, MA, MBA, LLM, ...)."),
    ("level", "string", "bachelor, master or phd."),
    ("university", "string", "Awarding university, trimmed of portal decoration."),
    ("partner_universities", "string", "Partners of a joint programme, '; '-separated."),
    ("city", "string", "City of the (first) campus."),
    ("country", "string", "ISO 3166-1 alpha-2 country of the (first) campus."),
    ("duration_months", "integer", "Full-time duration in months."),
    ("ects", "integer", "ECTS credits (other credit systems are not converted)."),
    ("study_mode", "string", "on_campus, online or blended."),
    ("pace", "string", "full_time, part_time or both."),
    ("languages", "string", "ISO 639-1 teaching languages, '; '-separated."),
    ("start_months", "string", "Start months as numbers 1-12, '; '-separated."),
    ("application_deadline", "string", "ISO 8601 date (YYYY-MM-DD) or year-month (YYYY-MM)."),
    ("tuition_eu_eea_amount", "number", "Tuition for EU/EEA students, in tuition_currency per tuition_period."),
    ("tuition_international_amount", "number", "Tuition for international students, in tuition_currency per tuition_period."),
    ("tuition_currency", "string", "ISO 4217 currency of the tuition amounts."),
    ("tuition_period", "string", "year, semester, programme or month."),
    ("living_cost_min_month", "number", "Lower estimate of living costs per month."),
    ("living_cost_max_month", "number", "Upper estimate of living costs per month."),
    ("living_cost_currency", "string", "ISO 4217 currency of the living costs."),
    ("ielts_min", "number", "Minimum IELTS overall band (0-9)."),
    ("toefl_ibt_min", "integer", "Minimum TOEFL iBT score (0-120)."),
    ("subject_area", "string", "Main subject area as the portal names it."),
    ("sources", "string", "Portals the programme was seen on, '; '-separated."),
    ("source_urls", "string", "Source page URLs, '; '-separated."),
    ("n_conflicts", "integer", "Number of recorded conflicts (details in conflicts.csv)."),
    ("flags", "string", "Values that did not fit their field, '; '-separated: field: reason ('raw')."),
    ("first_seen", "date", "Date of the first run that saw this programme."),
    ("last_seen", "date", "Date of the last run that saw this programme (older than the run when stale)."),
    ("stale", "boolean", "true when its source failed this run and these are its last good values."),
    ("duration_months_part_time", "integer", "Part-time duration in months, when given."),
    ("campuses", "string", "Every campus as 'City, CC', '; '-separated."),
)
COLUMN_NAMES: tuple[str, ...] = tuple(name for name, _, _ in COLUMNS)
# Columns that move on every run without anything changing: not changes.
BOOKKEEPING_COLUMNS = frozenset({"last_seen"})

# What `pandas.read_csv("programmes.csv")` gives, with no options, per Table Schema type. pandas has no missing
# value for int64, so an integer column with any empty cell reads as float64 (NaN); dates stay text unless asked.
PANDAS_DTYPES: dict[str, tuple[str, ...]] = {
    "string": ("object", "str", "string"), "integer": ("int64", "float64"), "number": ("float64", "int64"),
    "boolean": ("bool",), "date": ("object", "str", "string"),
}

"""The CSV's fixed columns come from the field specification (`normalize.fields`); this module adds what only
the outputs need: how pandas reads each column."""

from __future__ import annotations

from normalize.fields import BOOKKEEPING_COLUMNS, COLUMN_NAMES, COLUMNS

__all__ = ["BOOKKEEPING_COLUMNS", "COLUMN_NAMES", "COLUMNS", "PANDAS_DTYPES"]

# What `pandas.read_csv("programmes.csv")` gives, with no options, per Table Schema type. pandas has no missing
# value for int64, so an integer column with any empty cell reads as float64 (NaN); dates stay text unless asked.
PANDAS_DTYPES: dict[str, tuple[str, ...]] = {
    "string": ("object", "str", "string"), "integer": ("int64", "float64"), "number": ("float64", "int64"),
    "boolean": ("bool",), "date": ("object", "str", "string"), "datetime": ("object", "str", "string"),
}


README_BEGIN = "<!-- columns: generated from normalize/fields.py by `python -m output.columns`; a test keeps it in sync -->"
README_END = "<!-- /columns -->"


def markdown_table() -> str:
    """The README's column table, derived from the field specification."""
    lines = ["| column | type | description |", "|---|---|---|"]
    lines += [f"| `{c.name}` | {c.table_type} | {c.description.replace('|', '/')} |" for c in COLUMNS]
    return "\n".join(lines)


def readme_with_table(readme: str) -> str:
    head, rest = readme.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    return f"{head}{README_BEGIN}\n{markdown_table()}\n{README_END}{tail}"


if __name__ == "__main__":  # rewrite the README's column table in place
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "README.md"
    path.write_text(readme_with_table(path.read_text(encoding="utf-8")), encoding="utf-8")

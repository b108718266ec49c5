"""The CSV's fixed columns come from the field specification (`normalize.fields`); this module adds what only
the outputs need: how pandas reads each column."""

from __future__ import annotations

from normalize.fields import BOOKKEEPING_COLUMNS, COLUMN_NAMES, COLUMNS

__all__ = ["BOOKKEEPING_COLUMNS", "COLUMN_NAMES", "COLUMNS", "PANDAS_DTYPES"]

# What `pandas.read_csv("programmes.csv")` gives, with no options, per Table Schema type. pandas has no missing
# value for int64, so an integer column with any empty cell reads as float64 (NaN); dates stay text unless asked.
PANDAS_DTYPES: dict[str, tuple[str, ...]] = {
    "string": ("object", "str", "string"), "integer": ("int64", "float64"), "number": ("float64", "int64"),
    "boolean": ("bool",), "date": ("object", "str", "string"),
}

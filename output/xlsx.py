"""programmes.xlsx: the spreadsheet export. LibreOffice and Excel guess a CSV's encoding (and garble UTF-8
without a BOM: "Universit√© Paris"); an .xlsx has no encoding to guess and keeps types (numbers, dates,
booleans). Chosen over a UTF-8-BOM CSV, which fixes accents but still lets the spreadsheet guess types
(a start month "3; 9" or an id could become a date or a number). Written with openpyxl's write-only mode, row
by row. Text cells are always text (never formulas), and keep the CSV's neutralisation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

from output.typed import TYPES, typed_row

MAX_ROWS = 1_048_576  # a worksheet's limit, header included


def write_xlsx(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("programmes")
    sheet.freeze_panes = "B2"
    sheet.append(list(columns))
    kinds = [TYPES.get(c, "string") for c in columns]
    for n, row in enumerate(rows, 2):
        if n > MAX_ROWS:
            raise OverflowError(f"more than {MAX_ROWS - 1} programmes do not fit one worksheet: use the CSV or Parquet")
        values = typed_row(row)
        out = []
        for name, kind in zip(columns, kinds):
            value = values.get(name)
            if kind == "date" and isinstance(value, str):
                try:
                    value = date.fromisoformat(value)
                except ValueError:
                    pass
            written = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                written.data_type = "s"  # never a formula, whatever the text begins with
            if isinstance(value, date):
                written.number_format = "yyyy-mm-dd"
            out.append(written)
        sheet.append(out)
    book.save(path)

"""What the pipeline makes of one printed string of one field: output columns, flags and notes.

The one entry point behind `programme-scout normalize` and `make eval`, so outside checkers never depend on the
parsers' internal names. It runs the same input table (`normalize.inputs`) as whole pages do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from normalize.inputs import BY_INPUT_NAME, read_input

FIELD_NAMES: tuple[str, ...] = tuple(BY_INPUT_NAME)


@dataclass(frozen=True, slots=True)
class FieldResult:
    values: dict[str, Any] = field(default_factory=dict)  # output column → value; an empty dict: no value
    flags: list[str] = field(default_factory=list)  # why the string gave no value
    notes: list[str] = field(default_factory=list)  # a stand-in that carries no value ("See website")

    def to_dict(self) -> dict[str, Any]:
        return {"values": self.values, "flags": self.flags, "notes": self.notes}


def normalize_field(field_name: str, text: str, *, label: str = "", country: str | None = None) -> FieldResult:
    """Raises KeyError for a field the pipeline does not know (the CLI turns it into a usage error). A fee printed
    without an audience comes out as `tuition_amount/_currency/_period` (the record keeps it as `tuition_all_*`)."""
    reading = read_input(BY_INPUT_NAME[field_name], text, label, country)
    values = {k.replace("tuition_all_", "tuition_"): v for k, v in reading.fills}
    return FieldResult(values=values, flags=[reading.problem] if reading.problem else [],
                       notes=[reading.note] if reading.note else [])

"""The change report between two runs, in csv-diff's shape: compare() is pure, rendering is separate.

Changed entries carry, like csv-diff's `--show-unchanged`, an `unchanged` mapping: here only the columns that
name the programme (title, university, country), so a change report is readable without the CSV beside it."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from output.columns import BOOKKEEPING_COLUMNS
from output.tables import write_csv
from output.typed import cell

CONTEXT = ("title", "university", "country")  # what names a programme beside its id


def compare(previous: Sequence[Mapping[str, Any]], current: Sequence[Mapping[str, Any]],
            key: str = "programme_id", ignore: frozenset[str] = BOOKKEEPING_COLUMNS) -> dict[str, Any]:
    """Rows as CSV text or as typed values (output.typed): the same kind on both sides."""
    old = {row[key]: row for row in previous}
    new = {row[key]: row for row in current}
    old_cols = list(previous[0].keys()) if previous else []
    new_cols = list(current[0].keys()) if current else []
    common = [c for c in new_cols if c in old_cols and c not in ignore and c != key]
    changed = []
    for pid in sorted(old.keys() & new.keys()):
        changes = {c: [old[pid][c], new[pid][c]] for c in common if old[pid][c] != new[pid][c]}
        if changes:
            unchanged = {c: new[pid][c] for c in CONTEXT if c in new[pid] and c not in changes}
            changed.append({"key": pid, "changes": changes, "unchanged": unchanged})
    return {
        "added": [dict(new[k]) for k in sorted(new.keys() - old.keys())],
        "removed": [dict(old[k]) for k in sorted(old.keys() - new.keys())],
        "changed": changed,
        "columns_added": [c for c in new_cols if c not in old_cols] if old_cols else [],
        "columns_removed": [c for c in old_cols if c not in new_cols] if new_cols else [],
    }


def counts(diff: Mapping[str, Any]) -> dict[str, int]:
    return {"added": len(diff["added"]), "removed": len(diff["removed"]), "changed": len(diff["changed"])}


def render_summary(diff: Mapping[str, Any]) -> str:
    fields = Counter(f for change in diff["changed"] for f in change["changes"])
    text = (f"{len(diff['added'])} programmes added, {len(diff['removed'])} removed, "
            f"{len(diff['changed'])} changed")
    if fields:
        text += ": " + ", ".join(f"{name} ×{count}" for name, count in fields.most_common())
    return text


def _context(change: Mapping[str, Any], name: str) -> str:
    if name in change["changes"]:
        return cell(change["changes"][name][1])
    return cell(change.get("unchanged", {}).get(name))


def _rows(title: str, count: int) -> str:
    return f"{count} {title if count == 1 else title.replace('row', 'rows')}"


def render_detail(diff: Mapping[str, Any], key: str = "programme_id") -> str:
    """Human text in csv-diff's layout, each programme named by its title, university and country."""
    blocks: list[str] = []

    def named(row: Mapping[str, Any]) -> list[str]:
        return [f"  {key}: {row[key]}"] + [f"  {c}: {cell(row.get(c))}" for c in CONTEXT if cell(row.get(c))]

    if diff["changed"]:
        lines = [_rows("row changed", len(diff["changed"])), ""]
        for change in diff["changed"]:
            lines += [f"  {key}: {change['key']}"]
            lines += [f"  {c}: {_context(change, c)}" for c in CONTEXT if c not in change["changes"] and _context(change, c)]
            lines += [f'    {field}: "{cell(old)}" => "{cell(new)}"' for field, (old, new) in change["changes"].items()]
            lines.append("")
        blocks.append("\n".join(lines))
    for kind in ("added", "removed"):
        if diff[kind]:
            lines = [_rows(f"row {kind}", len(diff[kind])), ""]
            for row in diff[kind]:
                lines += named(row) + [""]
            blocks.append("\n".join(lines))
    return "\n".join(blocks) if blocks else "no changes\n"


def write_changes(diff: Mapping[str, Any], directory: Path, key: str = "programme_id") -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "changes.json", "w", encoding="utf-8") as fh:
        json.dump(diff, fh, indent=2, sort_keys=True, ensure_ascii=False)
        fh.write("\n")
    columns = [key, *CONTEXT, "change", "field", "old", "new"]

    def rows() -> Any:
        for kind in ("added", "removed"):
            for r in diff[kind]:
                yield {key: r[key], **{c: cell(r.get(c)) for c in CONTEXT}, "change": kind, "field": "", "old": "", "new": ""}
        for c in diff["changed"]:
            for f, (o, n) in sorted(c["changes"].items()):
                yield {key: c["key"], **{x: _context(c, x) for x in CONTEXT}, "change": "changed", "field": f,
                       "old": cell(o), "new": cell(n)}

    write_csv(directory / "changes.csv", columns, rows())

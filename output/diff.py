"""The change report between two runs, in csv-diff's shape: compare() is pure, rendering is separate."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from output.columns import BOOKKEEPING_COLUMNS
from output.tables import write_csv


def compare(previous: Sequence[Mapping[str, str]], current: Sequence[Mapping[str, str]],
            key: str = "programme_id", ignore: frozenset[str] = BOOKKEEPING_COLUMNS) -> dict[str, Any]:
    old = {row[key]: row for row in previous}
    new = {row[key]: row for row in current}
    old_cols = list(previous[0].keys()) if previous else []
    new_cols = list(current[0].keys()) if current else []
    common = [c for c in new_cols if c in old_cols and c not in ignore and c != key]
    changed = []
    for pid in sorted(old.keys() & new.keys()):
        changes = {c: [old[pid][c], new[pid][c]] for c in common if old[pid][c] != new[pid][c]}
        if changes:
            changed.append({"key": pid, "changes": changes})
    return {
        "added": [dict(new[k]) for k in sorted(new.keys() - old.keys())],
        "removed": [dict(old[k]) for k in sorted(old.keys() - new.keys())],
        "changed": changed,
        "columns_added": [c for c in new_cols if c not in old_cols] if old_cols else [],
        "columns_removed": [c for c in old_cols if c not in new_cols] if new_cols else [],
    }


def render_summary(diff: Mapping[str, Any]) -> str:
    fields = Counter(f for change in diff["changed"] for f in change["changes"])
    text = (f"{len(diff['added'])} programmes added, {len(diff['removed'])} removed, "
            f"{len(diff['changed'])} changed")
    if fields:
        text += ": " + ", ".join(f"{name} ×{count}" for name, count in fields.most_common())
    return text


def write_changes(diff: Mapping[str, Any], directory: Path, key: str = "programme_id") -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "changes.json").write_text(json.dumps(diff, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                            encoding="utf-8")
    rows = [{key: r[key], "change": "added", "field": "", "old": "", "new": ""} for r in diff["added"]]
    rows += [{key: r[key], "change": "removed", "field": "", "old": "", "new": ""} for r in diff["removed"]]
    rows += [{key: c["key"], "change": "changed", "field": f, "old": o, "new": n}
             for c in diff["changed"] for f, (o, n) in sorted(c["changes"].items())]
    write_csv(directory / "changes.csv", [key, "change", "field", "old", "new"], rows)

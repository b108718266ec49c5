"""A run's rows wherever they still are, for `diff` and the Python API: the history's typed rows (every run
since schema v2, published or not), else the run directory's programmes.csv (runs recorded before v2), else only
the history's per-programme hashes (runs pruned by keep_runs: which programmes changed, not how)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from output.diff import compare
from output.history import History
from output.tables import read_csv
from output.typed import typed_row


class RunRowsError(LookupError):
    """No such run, or too few runs to compare."""


def run_rows(history: History, data_dir: Path, run_id: str) -> list[dict[str, Any]] | None:
    """Typed rows, or None when only hashes are left."""
    if history.has_rows(run_id):
        return history.rows_of(run_id)
    csv_path = data_dir / "runs" / run_id / "programmes.csv"
    if csv_path.is_file():
        return [typed_row(r) for r in read_csv(csv_path)]
    return None


def pick_runs(history: History, old: str | None, new: str | None) -> tuple[str, str]:
    """Default NEW: the latest published run; default OLD (when NEW is defaulted too): the one before."""
    published = history.published_runs()
    known = {r["run_id"] for r in history.runs()}
    if old is None and new is None:
        if len(published) < 2:
            raise RunRowsError("fewer than two published runs to compare")
        return published[-2], published[-1]
    if new is None:
        if not published:
            raise RunRowsError("no published run to compare with")
        new = published[-1]
    assert old is not None
    for run_id in (old, new):
        if run_id not in known:
            raise RunRowsError(f"no run {run_id!r} in the history (see `programme-scout runs`)")
    return old, new


def compare_hashes(old: dict[str, str], new: dict[str, str]) -> dict[str, Any]:
    return {"added": [{"programme_id": k} for k in sorted(new.keys() - old.keys())],
            "removed": [{"programme_id": k} for k in sorted(old.keys() - new.keys())],
            "changed": [{"key": k, "changes": {}, "unchanged": {}} for k in sorted(old.keys() & new.keys())
                        if old[k] != new[k]],
            "columns_added": [], "columns_removed": [], "pruned": True}


def compare_runs(history: History, data_dir: Path, old: str | None, new: str | None) -> tuple[str, str, dict[str, Any]]:
    old_id, new_id = pick_runs(history, old, new)
    old_rows, new_rows = run_rows(history, data_dir, old_id), run_rows(history, data_dir, new_id)
    if old_rows is None or new_rows is None:
        return old_id, new_id, compare_hashes(history.hashes_of(old_id), history.hashes_of(new_id))
    return old_id, new_id, compare(old_rows, new_rows)

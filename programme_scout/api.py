"""The Python API behind `programme_scout.load`, `.run` and `.diff` (imported on first call: pandas and the
crawler load only then).

`load()` gives the columns these dtypes (pandas' nullable types, so a missing integer stays an integer):
string → "string", integer → "Int64", number → "Float64", boolean → "boolean", date → "datetime64[s]"."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from programme_scout.settings import Settings, find_config, load_settings

if TYPE_CHECKING:
    import pandas

DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean", "date": "datetime64[s]",
          "datetime": "datetime64[s, UTC]"}


def _settings(config: Any = None, **overrides: Any) -> Settings:
    if isinstance(config, Settings):
        return dataclasses.replace(config, **overrides)
    return load_settings(find_config(Path(config) if config is not None else None), **overrides)


def _data_dir(data_dir: Any, config: Any) -> Path:
    return Path(data_dir) if data_dir is not None else _settings(config).data_dir


def load(data_dir: Any = None, *, run_id: str | None = None, config: Any = None) -> "pandas.DataFrame":
    import pandas as pd

    from output.typed import TYPES

    data = _data_dir(data_dir, config)
    path = (data / "runs" / run_id if run_id else data / "latest") / "programmes.csv"
    if not path.is_file():
        raise FileNotFoundError(f"no published run at {path}")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    for name in frame.columns:
        kind = TYPES.get(name, "string")
        if kind == "boolean":
            frame[name] = frame[name].map({"true": True, "false": False}).astype("boolean")
        elif kind == "date":
            frame[name] = pd.to_datetime(frame[name], format="%Y-%m-%d").astype("datetime64[s]")
        elif kind == "datetime":
            frame[name] = pd.to_datetime(frame[name], format="ISO8601", utc=True).astype("datetime64[s, UTC]")
        elif kind in ("integer", "number"):
            frame[name] = pd.to_numeric(frame[name]).astype(DTYPES[kind])
        else:
            frame[name] = frame[name].astype("string")
    return frame


def run(config: Any = None, **overrides: Any) -> tuple[int, dict[str, Any]]:
    from programme_scout.pipeline import run as run_pipeline

    return run_pipeline(_settings(config, **overrides))


def diff(old: str | None = None, new: str | None = None, *, data_dir: Any = None, config: Any = None) -> dict[str, Any]:
    from output.history import History
    from output.runrows import compare_runs

    data = _data_dir(data_dir, config)
    history = History(data / "history.sqlite", create=False)
    try:
        return compare_runs(history, data, old, new)[2]
    finally:
        history.close()

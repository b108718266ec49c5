"""programme-scout: study-programme listings from the big portals, reconciled into one record per programme.

The application layer above the three stage packages (`scrapers` → `normalize` → `output`): settings every stage
reads (`programme_scout.settings`) and the run as the list of its stages (`programme_scout.pipeline`).

The Python API (`load`, `run`, `diff`) lives in `programme_scout.api`; the names here import it on first call,
so `import programme_scout` stays light (the stage packages import `programme_scout.settings`, and pandas or
the crawler must not load with it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas


def __getattr__(name: str) -> Any:
    """`__version__` read from the installed metadata on first use (importlib.metadata is not free)."""
    if name != "__version__":
        raise AttributeError(name)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("programme-scout")
    except PackageNotFoundError:  # a source checkout that was never installed
        return "0.1.0"


def load(data_dir: Any = None, *, run_id: str | None = None, config: Any = None) -> "pandas.DataFrame":
    """The latest published run (or `run_id`) as a DataFrame with the documented dtypes (see README)."""
    from programme_scout.api import load as _load

    return _load(data_dir, run_id=run_id, config=config)


def run(config: Any = None, **overrides: Any) -> tuple[int, dict[str, Any]]:
    """One pipeline run; `config` is a Settings, a TOML path or None (the default config). Returns (exit code,
    report)."""
    from programme_scout.api import run as _run

    return _run(config, **overrides)


def diff(old: str | None = None, new: str | None = None, *, data_dir: Any = None, config: Any = None) -> dict[str, Any]:
    """Changes between two runs (ids; default: OLD against the latest published run), in csv-diff's shape."""
    from programme_scout.api import diff as _diff

    return _diff(old, new, data_dir=data_dir, config=config)


__all__ = ["__version__", "diff", "load", "run"]

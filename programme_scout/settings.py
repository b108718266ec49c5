"""All settings of a run, with their defaults, in one place.

Settings are frozen, keyword-only dataclasses so they can be passed through constructors, compared and saved
with every run. The TOML file (`programme-scout.toml`) mirrors these sections; a missing key keeps its default
and an unknown key is an error, so a typo in cron's config fails loudly instead of being ignored.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from normalize.link import LinkSettings

CONTACT_URL = "https://github.com/programme-scout/programme-scout"



def default_start_urls() -> dict[str, tuple[str, ...]]:
    """Every registered portal (scrapers.registry) and where its crawl starts. Imported when called: the scrapers
    import this module for their own settings."""
    from scrapers.registry import FAMILIES

    return {family.name: family.start_urls for family in FAMILIES}


def default_link_settings() -> LinkSettings:
    """Imported when called, as above: normalize imports the scrapers, which import this module."""
    from normalize.link import LinkSettings

    return LinkSettings()


@dataclass(frozen=True, kw_only=True)
class FetchSettings:
    """How we talk to one portal: politeness, retries and limits."""

    user_agent: str = f"programme-scout/0.1 (+{CONTACT_URL})"
    per_host_concurrency: int = 2  # requests in flight per host
    per_host_delay_s: float = 1.0  # minimum gap between request starts per host
    http_timeout_s: float = 20.0  # connect/read/write/pool timeout of one request
    http_total_timeout_s: float = 60.0  # a whole request, first byte sent to last byte read (a trickling server)
    max_attempts: int = 3  # tries per URL, the first included
    backoff_base_s: float = 1.0  # first retry waits about this long, doubling after
    backoff_max_s: float = 30.0  # no computed backoff waits longer
    retry_after_cap_s: float = 120.0  # a server's Retry-After is honoured up to this
    max_redirects: int = 5
    max_body_bytes: int = 5_000_000
    obey_robots: bool = True


@dataclass(frozen=True, kw_only=True)
class PublishSettings:
    """When a run may replace the last published one."""

    drift_max_count_drop: float = 0.30  # a source losing more than this share of records is drift
    drift_max_fill_drop_points: float = 25.0  # a field's fill rate falling more than this many points is drift
    accept_drift: bool = False
    keep_runs: int = 30  # run directories (and full history rows) kept; older runs keep their summary and hashes
    csv_last_seen: bool = True  # false: programmes.csv leaves last_seen out (git-scraping: no daily churn)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """One run's settings; saved into the run history."""

    fetch: FetchSettings = field(default_factory=FetchSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)
    sources: tuple[str, ...] = field(default_factory=lambda: tuple(default_start_urls()))
    start_urls: dict[str, tuple[str, ...]] = field(default_factory=default_start_urls)
    data_dir: Path = Path("data")
    mirror_dir: Path = Path("fixtures/mirror")
    offline: bool = False
    # The crawl budget per source per run (scrapers.crawl.CrawlPlan); what is left stays due for the next run.
    max_pages_per_source: int = 50_000
    max_minutes_per_source: float = 240.0
    first_run_max_pages: int = 500  # a source's first run: a new user sees results within minutes
    first_run_max_minutes: float = 15.0
    revisit_after_days: float = 7.0  # a programme page read this long ago is due again (sooner if its lastmod moves)
    listing_revisit_hours: float = 20.0  # listings and sitemaps: a daily cron reads them every day
    retry_failed_after_hours: float = 6.0  # a page that failed is tried again on a run at least this much later
    max_unlisted_share: float = 0.30  # a complete listing pass removes unlisted pages only up to this share
    crawl_tasks: int = 64  # detail pages in flight overall; per-host limits still apply
    workers: int = 2  # processes for reconciling; a run below 20,000 records per worker uses one
    link: LinkSettings = field(default_factory=default_link_settings)  # saved with the run: its linking reproducible

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["data_dir"] = str(self.data_dir)
        data["mirror_dir"] = str(self.mirror_dir)
        data["start_urls"] = {k: list(v) for k, v in self.start_urls.items()}
        data["sources"] = list(self.sources)
        return data


class SettingsError(ValueError):
    """The config file or a flag holds something we cannot use."""


CONFIG_ENV = "PROGRAMME_SCOUT_CONFIG"
CONFIG_NAME = "programme-scout.toml"


def find_config(explicit: Path | None = None) -> Path | None:
    """Which config file a run reads: `--config`, else $PROGRAMME_SCOUT_CONFIG, else ./programme-scout.toml if
    present, else none (the defaults). Cron runs in $HOME, so the environment variable or `--config` is the
    dependable way there; the file found is logged."""
    if explicit is not None:
        return explicit
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    local = Path(CONFIG_NAME)
    return local if local.is_file() else None


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    """Unknown keys and values of the wrong type fail here, naming the section and key."""
    defaults = cls()
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise SettingsError(f"unknown setting(s) in [{where}]: {', '.join(unknown)}")
    for key, value in values.items():
        expected = type(getattr(defaults, key))
        if expected in (int, float, bool, str) and not (
            isinstance(value, expected) and not (expected is int and isinstance(value, bool))
            or (expected is float and isinstance(value, int) and not isinstance(value, bool))
        ):
            raise SettingsError(f"[{where}] {key} must be {expected.__name__}, got {value!r}")
    return cls(**values)


# Every numeric setting's allowed range: (low, high, low included). NaN and infinities are refused everywhere.
_AT_LEAST_1 = (1, math.inf, True)
_NOT_NEGATIVE = (0, math.inf, True)
_POSITIVE = (0, math.inf, False)
RANGES: dict[str, dict[str, tuple[float, float, bool]]] = {
    "fetch": {"per_host_concurrency": _AT_LEAST_1, "per_host_delay_s": _NOT_NEGATIVE, "http_timeout_s": _POSITIVE,
              "http_total_timeout_s": _POSITIVE, "max_attempts": _AT_LEAST_1, "backoff_base_s": _NOT_NEGATIVE,
              "backoff_max_s": _NOT_NEGATIVE, "retry_after_cap_s": _NOT_NEGATIVE, "max_redirects": _NOT_NEGATIVE,
              "max_body_bytes": _AT_LEAST_1},
    "publish": {"drift_max_count_drop": (0, 1, True), "drift_max_fill_drop_points": (0, 100, True),
                "keep_runs": _AT_LEAST_1},
    "run": {"max_pages_per_source": _AT_LEAST_1, "crawl_tasks": _AT_LEAST_1, "workers": _AT_LEAST_1,
            "max_minutes_per_source": _POSITIVE, "first_run_max_pages": _AT_LEAST_1,
            "first_run_max_minutes": _POSITIVE, "revisit_after_days": _NOT_NEGATIVE,
            "listing_revisit_hours": _NOT_NEGATIVE, "retry_failed_after_hours": _NOT_NEGATIVE,
            "max_unlisted_share": (0, 1, True)},
}


def _check_range(where: str, key: str, value: float) -> None:
    low, high, low_included = RANGES[where][key]
    if not math.isfinite(value):
        raise SettingsError(f"[{where}] {key} must be a finite number, got {value!r}")
    if value < low or (value == low and not low_included) or value > high:
        if (low, high, low_included) == _AT_LEAST_1:
            wanted = "at least 1"
        elif high == math.inf:
            wanted = f"{'at least' if low_included else 'greater than'} {low:g}"
        else:
            wanted = f"between {low:g} and {high:g}"
        raise SettingsError(f"[{where}] {key} must be {wanted}, got {value!r}")


def validate(settings: "Settings") -> None:
    """Every range, on the settings a run will really use (file and flags applied): a clear SettingsError naming
    the key, never a crawl that divides by zero or sleeps for ever."""
    for where, obj in (("fetch", settings.fetch), ("publish", settings.publish), ("run", settings)):
        for key in RANGES[where]:
            _check_range(where, key, getattr(obj, key))
    if not settings.fetch.user_agent.strip():
        raise SettingsError("[fetch] user_agent must not be empty")
    if settings.fetch.backoff_max_s < settings.fetch.backoff_base_s:
        raise SettingsError("[fetch] backoff_max_s must be at least backoff_base_s")
    for source, urls in settings.start_urls.items():
        for url in urls:
            if not (isinstance(url, str) and url.startswith(("http://", "https://"))):
                raise SettingsError(f"[run] start_urls.{source}: {url!r} is not an http(s) URL")


def _check_toml_types(top: dict[str, Any]) -> None:
    """The [run] values that are not plain scalars: paths are strings, sources a list of strings, start_urls a
    table of lists of strings."""
    for key in ("data_dir", "mirror_dir"):
        if key in top and not isinstance(top[key], str):
            raise SettingsError(f"[run] {key} must be a path (a string), got {top[key]!r}")
    if "sources" in top and not (isinstance(top["sources"], list) and all(isinstance(x, str) for x in top["sources"])):
        raise SettingsError(f"[run] sources must be a list of strings, got {top['sources']!r}")
    if "start_urls" in top:
        table = top["start_urls"]
        if not isinstance(table, dict) or not all(
                isinstance(v, list) and all(isinstance(u, str) for u in v) for v in table.values()):
            raise SettingsError(f"[run] start_urls must be a table of lists of URLs, got {table!r}")


def _link_settings(values: dict[str, Any]) -> LinkSettings:
    from normalize.link import LinkSettings

    defaults = LinkSettings().to_dict()
    unknown = sorted(set(values) - set(defaults))
    if unknown:
        raise SettingsError(f"unknown setting(s) in [link]: {', '.join(unknown)}")
    try:
        return LinkSettings.from_dict({**defaults, **values})
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"[link] {exc}") from exc


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Defaults, then the TOML file, then flags (`overrides`, None meaning "not given")."""
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"cannot read config {path}: {exc}") from exc
    for section in ("fetch", "publish", "link", "run"):
        if not isinstance(raw.get(section, {}), dict):
            raise SettingsError(f"{section} must be a [{section}] table, got {raw[section]!r}")
    fetch = _build(FetchSettings, raw.pop("fetch", {}), "fetch")
    publish = _build(PublishSettings, raw.pop("publish", {}), "publish")
    link = _link_settings(raw.pop("link", {}))
    top: dict[str, Any] = dict(raw.pop("run", {}))
    top["fetch"], top["publish"], top["link"] = fetch, publish, link
    if raw:
        raise SettingsError(f"unknown section(s) in config: {', '.join(sorted(raw))}")
    _check_toml_types(top)
    if "start_urls" in top:
        top["start_urls"] = {**default_start_urls(), **{k: tuple(v) for k, v in top["start_urls"].items()}}
    for key in ("data_dir", "mirror_dir"):  # relative to the file, not to wherever cron starts us
        if key in top:
            top[key] = Path(top[key]) if path is None else Path(path).resolve().parent / Path(top[key]).expanduser()
    if "sources" in top:
        top["sources"] = tuple(top["sources"])
    settings: Settings = _build(Settings, top, "run")
    given = {k: v for k, v in overrides.items() if v is not None}
    if "accept_drift" in given:
        settings = dataclasses.replace(
            settings, publish=dataclasses.replace(settings.publish, accept_drift=given.pop("accept_drift"))
        )
    settings = dataclasses.replace(settings, **given)
    validate(settings)
    known = default_start_urls()
    unknown_sources = sorted(set(settings.sources) - set(known))
    if unknown_sources:
        raise SettingsError(f"unknown source(s): {', '.join(unknown_sources)}; known: {', '.join(known)}")
    return settings

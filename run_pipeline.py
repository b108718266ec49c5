"""programme-scout command line: a thin layer over scrapers/, normalize/ and output/.

`python run_pipeline.py` alone means `run`. Exit codes: 0 published, 1 error, 2 usage, 3 drift (not
published), 4 published with stale sources, 75 another run holds the lock.
"""

from __future__ import annotations


import json
import logging
import sys
from datetime import datetime, timezone
from pathlib import Path
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn, Optional

import typer

if TYPE_CHECKING:
    from output.history import History
    from programme_scout.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=False, help=__doc__)
ROOT = Path(__file__).resolve().parent


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps({"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="seconds"),
                           "level": record.levelname.lower(), "message": record.getMessage()})


LEVELS = ("debug", "info", "warning", "error")
# Options that may be given before the command (`programme-scout --quiet run`) or after it (`... run --quiet`).
OPTIONS: dict[str, object] = {"quiet": False, "log_level": None}


def setup_logging(quiet: bool = False, level: str | None = None) -> bool:
    """Human lines and progress bars on a terminal; JSON lines, no colours, when cron reads us. `--quiet` keeps
    warnings and errors only; `--log-level` sets the level outright."""
    logger = logging.getLogger("programme_scout")
    logger.setLevel((level or ("warning" if quiet else "info")).upper())
    logger.handlers.clear()
    interactive = sys.stdout.isatty() and not quiet  # cron: stdout is a file or a pipe
    if interactive:
        from rich.logging import RichHandler

        logger.addHandler(RichHandler(show_path=False))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        logger.addHandler(handler)
    return interactive


def fail(message: str, code: int) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _show_version(value: bool) -> None:
    if value:
        import programme_scout

        typer.echo(f"programme-scout {programme_scout.__version__}")
        raise typer.Exit(0)


def _check_level(value: Optional[str]) -> Optional[str]:
    if value is not None and value.lower() not in LEVELS:
        raise typer.BadParameter(f"one of {', '.join(LEVELS)}")
    return value.lower() if value else None


QUIET = typer.Option(False, "--quiet", "-q", help="Print nothing on success (warnings and errors still go to stderr).")
LOG_LEVEL = typer.Option(None, "--log-level", callback=_check_level, help="debug, info, warning or error.")


@app.callback(invoke_without_command=True)
def main_callback(ctx: typer.Context,
                  version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                               help="Print the version and exit."),
                  quiet: bool = QUIET, log_level: Optional[str] = LOG_LEVEL) -> None:
    OPTIONS["quiet"] = quiet
    OPTIONS["log_level"] = log_level
    if ctx.invoked_subcommand is None:  # plain values: invoking the function would pass typer's OptionInfo defaults
        ctx.invoke(run_command, offline=False, mirror=None, sources=None, data=None, config=None, accept_drift=None,
                   resolve=None, quiet=quiet, log_level=log_level)


def _settings_or_exit(config: Optional[Path], **overrides: object) -> tuple[Optional[Path], "Settings"]:
    """Settings from `--config`, $PROGRAMME_SCOUT_CONFIG or ./programme-scout.toml (see settings.find_config)."""
    from programme_scout.settings import SettingsError, find_config, load_settings

    path = find_config(config)
    try:
        return path, load_settings(path, **overrides)
    except SettingsError as exc:
        fail(str(exc), 2)


def _expected_pages(data_dir: Path, sources: Sequence[str]) -> dict[str, int]:
    """Pages due now per source in the crawl frontier: the progress bars' totals (listings read during the run may
    reveal more; the bar then drops its ETA rather than show a wrong one)."""
    import sqlite3
    import time

    from scrapers.frontier import Frontier, FrontierDamaged

    if not (data_dir / "frontier.sqlite").is_file():
        return {}
    now = time.time()
    try:
        with Frontier(data_dir / "frontier.sqlite") as frontier:
            return {s: n for s in sources if (n := frontier.count_due(s, now, now))}
    except (FrontierDamaged, sqlite3.Error):
        return {}  # the run itself will say what is wrong with it


def parse_resolve(values: list[str]) -> dict[str, str]:
    """`--resolve HOST=ADDR:PORT` (repeatable; as curl's --resolve) -> {HOST: "http://ADDR:PORT"}. ADDR:PORT may
    be given as a URL (`https://10.0.0.5:8443`) to choose the scheme; IPv6 addresses in brackets."""
    from urllib.parse import urlsplit

    targets: dict[str, str] = {}
    for value in values:
        host, sep, target = value.partition("=")
        base = target if "://" in target else f"http://{target}"
        try:
            parts = urlsplit(base)
            port = parts.port
        except ValueError:
            port = None
        if (not sep or not host.strip() or "/" in host or parts.scheme not in ("http", "https") or not parts.hostname
                or port is None or parts.path not in ("", "/")):
            raise ValueError(f"--resolve {value!r}: expected HOST=ADDR:PORT, e.g. www.mastersportal.com=127.0.0.1:8080")
        targets[host.strip().lower()] = f"{parts.scheme}://{parts.netloc}"
    return targets


@app.command("run")
def run_command(
    offline: bool = typer.Option(False, "--offline", help="Replay the recorded mirror instead of the network."),
    mirror: Optional[Path] = typer.Option(None, "--mirror", help="Mirror directory (default fixtures/mirror)."),
    sources: Optional[str] = typer.Option(None, "--sources", help="Comma-separated: studyportals,topuniversities,masterstudies."),
    data: Optional[Path] = typer.Option(None, "--data", help="Data directory (default data)."),
    config: Optional[Path] = typer.Option(None, "--config", help="TOML settings file (default $PROGRAMME_SCOUT_CONFIG, "
                                                                 "else ./programme-scout.toml)."),
    accept_drift: Optional[bool] = typer.Option(None, "--accept-drift", help="Publish even when the drift guard objects."),
    resolve: Optional[list[str]] = typer.Option(None, "--resolve", metavar="HOST=ADDR:PORT",
                                                help="Send HOST's requests to ADDR:PORT, the URLs unchanged (as curl's "
                                                     "--resolve; repeatable): crawl a staging mirror."),
    quiet: bool = QUIET, log_level: Optional[str] = LOG_LEVEL,
) -> None:
    """Crawl, reconcile, write and (unless drift) publish one run."""
    import os

    from output.lock import Locked
    from programme_scout.gcpause import collector_paused
    from programme_scout.pipeline import EXIT_ERROR, EXIT_LOCKED, EXIT_USAGE, run
    from programme_scout.progress import CronProgress, TerminalProgress

    quiet = quiet or bool(OPTIONS["quiet"])
    log_level = log_level or (str(OPTIONS["log_level"]) if OPTIONS["log_level"] else None)
    config_path, settings = _settings_or_exit(
        config, offline=offline or None, mirror_dir=mirror,
        sources=tuple(s.strip() for s in sources.split(",") if s.strip()) if sources else None,
        data_dir=data, accept_drift=accept_drift)
    if settings.offline and not settings.mirror_dir.is_dir():
        fail(f"mirror directory {settings.mirror_dir} does not exist", EXIT_USAGE)
    transport = None
    if resolve:
        if settings.offline:
            fail("--resolve and --offline do not go together: offline replays the mirror from disk", EXIT_USAGE)
        try:
            targets = parse_resolve(resolve)
        except ValueError as exc:
            fail(str(exc), EXIT_USAGE)
        from scrapers.resolve import ResolveTransport

        transport = ResolveTransport(targets)
    interactive = setup_logging(quiet, log_level)
    logger = logging.getLogger("programme_scout")
    logger.info("config: %s", config_path.resolve() if config_path else "none found (defaults; --config, "
                "$PROGRAMME_SCOUT_CONFIG or ./programme-scout.toml)")
    progress: TerminalProgress | CronProgress
    if interactive:
        progress = TerminalProgress(settings.sources, _expected_pages(settings.data_dir, settings.sources))
    else:
        progress = CronProgress(settings.sources, float(os.environ.get("PROGRAMME_SCOUT_PROGRESS_SECONDS", "60")))
    try:
        with progress, collector_paused():  # a run builds millions of objects and no cycles: see gcpause
            code, report = run(settings, on_page=progress.on_page, on_stage=progress.on_stage, transport=transport)
    except Locked as exc:
        fail(str(exc), EXIT_LOCKED)
    except Exception as exc:  # the run's boundary: a clear message and exit 1, never a traceback for cron
        logger.exception("run failed")
        fail(f"run failed: {type(exc).__name__}: {exc}", EXIT_ERROR)
    why = f" ({report['reason']})" if report.get("reason") else ""
    line = (f"{report['status']}{why}: {report['programmes']} programmes; {report['changes_summary']}; "
            f"report {report['run_dir']}/report.html")
    if code != 0:
        typer.echo(line, err=quiet)  # quiet: cron mails only what went wrong
    elif not quiet:
        typer.echo(line)
    raise typer.Exit(code)


@app.command("parse")
def parse_command(source: str, file: Path, url: str = typer.Option("", "--url", help="The page's URL.")) -> None:
    """Run one source's detail parser and the normalisers on a saved page; print JSON (like `scrapy parse`)."""
    from normalize.record import normalize_record
    from output.tables import programme_row
    from normalize.merge import merge_cluster
    from normalize.models import to_dict
    from scrapers.decode import decode_body
    from scrapers.records import NotAProgrammePage, RawRecord, content_hash
    from scrapers.registry import PORTALS

    if source not in PORTALS:
        fail(f"unknown source {source!r}; known: {', '.join(PORTALS)}", 2)
    if not file.is_file():
        fail(f"no such file: {file}", 2)
    content = file.read_bytes()
    portal = PORTALS[source]
    try:
        fields = portal.parse_detail(decode_body(content), url or str(file))  # as a crawl decodes it (no header)
    except NotAProgrammePage as exc:
        fail(f"{source}: {file}: not a programme page: {exc}", 1)
    try:
        key = portal.source_key(url) if url else file.name
    except ValueError:
        key = file.name
    raw = RawRecord(source=source, source_key=key, url=url or str(file), fetched_at="", content_hash=content_hash(content),
                    fields=fields)
    record = normalize_record(raw, as_of=datetime.now(timezone.utc).date())
    row = programme_row(merge_cluster("(unlinked)", [record]), first_seen="", last_seen="")
    flat = {k: v for k, v in row.items() if v != "" and k not in ("first_seen", "last_seen", "flags")}
    out = {"raw": fields, "record": flat, "flags": [to_dict(f) for f in record.flags], "notes": record.notes,
           "conflicts": [to_dict(c) for c in record.conflicts]}
    typer.echo(json.dumps(out, indent=2, ensure_ascii=False, default=str))


def _normalized(field: str, text: str, label: str, country: str | None) -> dict:
    from normalize.fieldtext import FIELD_NAMES, normalize_field

    if field not in FIELD_NAMES:
        raise KeyError(f"unknown field {field!r}; known: {', '.join(FIELD_NAMES)}")
    result = normalize_field(field, text, label=label, country=(country or None) and country.upper())
    return {"field": field, "text": text, **result.to_dict()}


@app.command("normalize")
def normalize_command(
    field: Optional[str] = typer.Argument(None, help="duration, tuition, deadline, start, english_test, credits, "
                                                     "study_mode, pace, location, languages, ..."),
    text: Optional[str] = typer.Argument(None, help="The string as the page prints it."),
    label: str = typer.Option("", "--label", help="The label printed beside it (english_test: the test's name)."),
    country: Optional[str] = typer.Option(None, "--country", help="ISO 3166-1 alpha-2 of the programme (settles '$')."),
    jsonl: bool = typer.Option(False, "--jsonl", help="Read {field, text, label, country} objects from stdin, one per line."),
) -> None:
    """What the pipeline makes of one printed string: output fields, flags and notes, as JSON."""
    def show(result: dict) -> str:
        return json.dumps(result, ensure_ascii=False, sort_keys=True, default=str)

    if jsonl:
        for number, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
                typer.echo(show(_normalized(case["field"], case["text"], case.get("label") or "", case.get("country"))))
            except (ValueError, KeyError, TypeError) as exc:
                typer.echo(show({"line": number, "error": str(exc.args[0] if exc.args else exc)}))
        return
    if field is None or text is None:
        fail("give FIELD and TEXT, or --jsonl", 2)
    try:
        typer.echo(show(_normalized(field, text, label, country)))
    except KeyError as exc:
        fail(str(exc.args[0]), 2)


def _history_or_exit(data: Optional[Path], config: Optional[Path]) -> tuple[Path, "History"]:
    """The history of an existing data directory; never creates one (a typo in --data is an error, exit 2)."""
    from output.history import History

    if data is None:
        data = _settings_or_exit(config)[1].data_dir
    path = data / "history.sqlite"
    if not path.is_file():
        fail(f"no run history at {path} (is --data right? a run creates it)", 2)
    return data, History(path)


@app.command("diff")
def diff_command(old_run: Optional[str] = typer.Argument(None, help="Run id (default: the last but one published)."),
                 new_run: Optional[str] = typer.Argument(None, help="Run id (default: the latest published)."),
                 data: Optional[Path] = typer.Option(None, "--data", help="Data directory (default: the config's)."),
                 config: Optional[Path] = typer.Option(None, "--config"),
                 detail: bool = typer.Option(False, "--detail", help="Every change, as text, with each programme's title."),
                 out: Optional[Path] = typer.Option(None, "--out", help="Write changes.json and changes.csv here.")) -> None:
    """Compare two runs: OLD with the latest published run, or OLD with NEW; default the last two published."""
    from output.diff import render_detail, render_summary, write_changes
    from output.runrows import RunRowsError, compare_runs

    data_dir, history = _history_or_exit(data, config)
    try:
        old_id, new_id, diff = compare_runs(history, data_dir, old_run, new_run)
    except RunRowsError as exc:
        fail(str(exc), 2)
    typer.echo(f"{old_id} → {new_id}: {render_summary(diff)}")
    if detail:
        typer.echo(render_detail(diff), nl=False)
    if out is not None:
        write_changes(diff, out)


@app.command("runs")
def runs_command(data: Optional[Path] = typer.Option(None, "--data", help="Data directory (default: the config's)."),
                 config: Optional[Path] = typer.Option(None, "--config")) -> None:
    """List the run history."""
    _, history = _history_or_exit(data, config)
    for run in history.runs():
        summary = json.loads(run["summary"])
        why = f"  ({summary['reason']})" if summary.get("reason") else ""
        typer.echo(f"{run['run_id']}  {run['status']:<10} exit {run['exit_code']}  {summary.get('programmes', 0):>5} "
                   f"programmes  {summary.get('changes_summary', '')}{why}")


@app.command("link-eval")
def link_eval_command(records: Path = typer.Option(..., "--records", help="Listings: CSV of raw fields in linking-dev's columns."),
                      truth: Path = typer.Option(..., "--truth", help="CSV source, source_key, programme."),
                      as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.")) -> None:
    """Run the whole reconciler (normalise, link, merge) on labelled listings: precision, recall, F1 and every false
    merge and missed link with its reason."""
    from programme_scout.linkeval import evaluate_linking, render

    for path in (records, truth):
        if not path.is_file():
            fail(f"no such file: {path}", 2)
    try:
        result = evaluate_linking(records, truth)
    except (KeyError, ValueError) as exc:
        fail(f"{records}: {exc}", 2)
    typer.echo(json.dumps(result, indent=2, default=str) if as_json else render(result))


def main() -> None:
    app()


if __name__ == "__main__":
    main()

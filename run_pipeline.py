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
from typing import NoReturn, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=False, help=__doc__)
ROOT = Path(__file__).resolve().parent


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps({"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="seconds"),
                           "level": record.levelname.lower(), "message": record.getMessage()})


def setup_logging() -> bool:
    """Human lines and progress bars on a terminal; JSON lines, no colours, when cron reads us."""
    logger = logging.getLogger("programme_scout")
    logger.setLevel(logging.INFO)
    logger.handlers.clear()
    interactive = sys.stdout.isatty()  # cron: stdout is a file or a pipe
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


@app.callback(invoke_without_command=True)
def main_callback(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        ctx.invoke(run_command)


@app.command("run")
def run_command(
    offline: bool = typer.Option(False, "--offline", help="Replay the recorded mirror instead of the network."),
    mirror: Optional[Path] = typer.Option(None, "--mirror", help="Mirror directory (default fixtures/mirror)."),
    sources: Optional[str] = typer.Option(None, "--sources", help="Comma-separated: studyportals,topuniversities,masterstudies."),
    data: Optional[Path] = typer.Option(None, "--data", help="Data directory (default data)."),
    config: Optional[Path] = typer.Option(None, "--config", help="TOML settings file."),
    accept_drift: Optional[bool] = typer.Option(None, "--accept-drift", help="Publish even when the drift guard objects."),
) -> None:
    """Crawl, reconcile, write and (unless drift) publish one run."""
    from output.lock import Locked
    from programme_scout.gcpause import collector_paused
    from programme_scout.pipeline import EXIT_ERROR, EXIT_LOCKED, EXIT_USAGE, run
    from programme_scout.settings import SettingsError, load_settings

    try:
        settings = load_settings(config, offline=offline or None, mirror_dir=mirror,
                                 sources=tuple(s.strip() for s in sources.split(",") if s.strip()) if sources else None,
                                 data_dir=data, accept_drift=accept_drift)
    except SettingsError as exc:
        fail(str(exc), EXIT_USAGE)
    if settings.offline and not settings.mirror_dir.is_dir():
        fail(f"mirror directory {settings.mirror_dir} does not exist", EXIT_USAGE)
    interactive = setup_logging()
    progress = None
    on_page = None
    if interactive:
        from rich.progress import Progress

        progress = Progress()
        tasks = {s: progress.add_task(s, total=None) for s in settings.sources}
        on_page = lambda source, outcome: progress.advance(tasks[source])  # noqa: E731
        progress.start()
    try:
        with collector_paused():  # a run builds millions of objects and no cycles: see programme_scout.gcpause
            code, report = run(settings, on_page=on_page)
    except Locked as exc:
        fail(str(exc), EXIT_LOCKED)
    except Exception as exc:  # the run's boundary: a clear message and exit 1, never a traceback for cron
        logging.getLogger("programme_scout").exception("run failed")
        fail(f"run failed: {type(exc).__name__}: {exc}", EXIT_ERROR)
    finally:
        if progress is not None:
            progress.stop()
    typer.echo(f"{report['status']}: {report['programmes']} programmes; {report['changes_summary']}; "
               f"report {report['run_dir']}/report.html")
    raise typer.Exit(code)


@app.command("parse")
def parse_command(source: str, file: Path, url: str = typer.Option("", "--url", help="The page's URL.")) -> None:
    """Run one source's detail parser and the normalisers on a saved page; print JSON (like `scrapy parse`)."""
    from normalize.record import normalize_record
    from output.tables import programme_row
    from normalize.merge import merge_cluster
    from normalize.models import to_dict
    from scrapers.records import NotAProgrammePage, RawRecord, content_hash
    from scrapers.registry import PORTALS

    if source not in PORTALS:
        fail(f"unknown source {source!r}; known: {', '.join(PORTALS)}", 2)
    if not file.is_file():
        fail(f"no such file: {file}", 2)
    content = file.read_bytes()
    portal = PORTALS[source]
    try:
        fields = portal.parse_detail(content.decode("utf-8", "replace"), url or str(file))
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


@app.command("diff")
def diff_command(old_run: Optional[str] = typer.Argument(None), new_run: Optional[str] = typer.Argument(None),
                 data: Path = typer.Option(Path("data"), "--data"),
                 out: Optional[Path] = typer.Option(None, "--out", help="Write changes.json and changes.csv here.")) -> None:
    """Compare two runs (default: the last two published) and summarise the changes."""
    from output.diff import compare, render_summary, write_changes
    from output.history import History

    history = History(data / "history.sqlite")
    runs = history.published_runs()
    if old_run is None or new_run is None:
        if len(runs) < 2:
            fail("fewer than two published runs to compare", 2)
        old_run, new_run = runs[-2], runs[-1]
    known = {r["run_id"] for r in history.runs()}
    for run_id in (old_run, new_run):
        if run_id not in known:
            fail(f"no run {run_id!r} in {data / 'history.sqlite'}", 2)
    diff = compare(history.rows_of(old_run), history.rows_of(new_run))
    typer.echo(f"{old_run} → {new_run}: {render_summary(diff)}")
    if out is not None:
        write_changes(diff, out)


@app.command("runs")
def runs_command(data: Path = typer.Option(Path("data"), "--data")) -> None:
    """List the run history."""
    from output.history import History

    for run in History(data / "history.sqlite").runs():
        summary = json.loads(run["summary"])
        typer.echo(f"{run['run_id']}  {run['status']:<10} exit {run['exit_code']}  {summary.get('programmes', 0):>5} "
                   f"programmes  {summary.get('changes_summary', '')}")


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

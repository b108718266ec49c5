"""The run report: report.json for machines, a self-contained report.html (no external assets, no JavaScript) for
people, and data/index.html: every run with its status and trends across runs as inline SVG charts.

Each outcome has its own colour, so a glance tells them apart: published (green), published with stale sources
(amber), drift, not published (red), published with 0 programmes (purple: nothing is wrong with the code path,
but nothing was found)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from output.charts import bar_chart, line_chart

STYLE = """body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#222;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:left;vertical-align:top}
table.num td{text-align:right}code{font-size:13px}.status{font-size:1.3rem;font-weight:600;padding:.2rem .6rem;border-radius:4px;display:inline-block}
.s-published{background:#d9f2df;color:#17602a}.s-stale{background:#fdebc8;color:#7a4b00}.s-drift{background:#f8d3d3;color:#a11}
.s-empty{background:#e8dcf5;color:#4b2a7a}.s-error{background:#eee;color:#333}tr.stale td{background:#fdf3dd}
.failed{color:#a11;font-weight:600}svg.chart{display:block;margin:.25rem 0 1rem}.small{display:inline-block;margin-right:1rem}"""


def status_class(exit_code: int, programmes: int) -> str:
    """The outcome's CSS class: one colour per exit code, and 0 programmes never green."""
    if exit_code == 3:
        return "s-drift"
    if programmes == 0:
        return "s-empty"
    return {0: "s-published", 4: "s-stale"}.get(exit_code, "s-error")


def _colour(rate: float) -> str:
    hue = int(rate * 1.2)  # 0 = red, 120 = green
    return f"hsl({hue}, 70%, 82%)"


def _link(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return f"<a href='{escape(url, quote=True)}'>{escape(url)}</a>"
    return f"<code>{escape(url)}</code>"


def render_html(report: dict[str, Any]) -> str:
    fill = report.get("fill_rates", {})
    fields = list(dict.fromkeys(f for rates in fill.values() for f in rates))  # the CSV's column order
    failed = report.get("failed_sources", {})
    head = "".join(f"<th{' class=failed' if s in failed else ''}>{escape(s)}</th>" for s in fill)
    body = "".join(
        f"<tr><th class='f'>{escape(f)}</th>" + "".join(
            f"<td style='background:{_colour(fill[s].get(f, 0.0))}'>{fill[s].get(f, 0.0):.0f}%</td>" for s in fill)
        + "</tr>" for f in fields)
    csv_fill = "".join(f"<tr><th class='f'>{escape(c)}</th><td style='background:{_colour(r)}'>{r:.0f}%</td></tr>"
                       for c, r in report.get("csv_fill_rates", {}).items())
    pages = report.get("pages", {})
    outcome_rows = "".join(
        f"<tr><th{' class=failed' if s in failed else ''}>{escape(s)}{' (failed)' if s in failed else ''}</th>"
        + "".join(f"<td>{n}</td>" for n in counts.values()) + "</tr>" for s, counts in pages.items())
    outcome_head = "".join(f"<th>{escape(o)}</th>" for o in next(iter(pages.values()), {}))
    errors = "".join(f"<tr><td>{escape(e['source'])}</td><td>{escape(e['outcome'])}</td><td>{_link(e['url'])}"
                     f"</td><td>{escape(e['reason'])}</td></tr>" for e in report.get("errors", []))
    drift = "".join(f"<li>{escape(d['source'])} · {escape(str(d['field']))}: {d['before']} → {d['after']}</li>"
                    for d in report.get("drift", []))
    stale = "".join(f"<li><span class='failed'>{escape(s)}</span>: {escape(r)}</li>"
                    for s, r in report.get("stale_sources", {}).items())
    stale_rows = "".join(f"<tr class='stale'><td><code>{escape(r['programme_id'])}</code></td><td>{escape(r['title'])}</td>"
                         f"<td>{escape(r['sources'])}</td><td>{escape(r['last_seen'])}</td></tr>"
                         for r in report.get("stale_rows", []))
    summary = report.get("changes_summary", "")
    conflicts = "".join(f"<tr><th class='f'>{escape(f)}</th><td>{n}</td></tr>"
                        for f, n in report.get("conflicts_by_field", {}).items())
    review = "".join(f"<tr><td>{escape(p['left_title'])}<br><code>{escape(p['left'])}</code></td><td>{escape(p['right_title'])}"
                     f"<br><code>{escape(p['right'])}</code></td><td>{p['score']:.2f}</td><td>{escape(p['reasons'])}</td></tr>"
                     for p in report.get("review", {}).get("top", []))
    crawl = report.get("crawl", {})
    crawl_keys = ("fetched", "listings", "read", "new_or_changed", "unchanged", "left_due", "removed")
    crawl_rows = "".join(f"<tr><th>{escape(s)}{' (first run)' if c.get('first_run') else ''}</th>"
                         + "".join(f"<td>{c.get(k, 0)}</td>" for k in crawl_keys) + "</tr>" for s, c in crawl.items())
    crawl_notes = "".join(f"<li>{escape(s)}: {escape(n)}</li>" for s, c in crawl.items() for n in c.get("notes", []))
    records = "".join(f"<tr><th{' class=failed' if s in failed else ''}>{escape(s)}</th><td>{n}</td></tr>"
                      for s, n in report["records"].items())
    reason = report.get("reason", "")
    css = status_class(report["exit_code"], report["programmes"])
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>programme-scout run {escape(report['run_id'])}</title>
<style>{STYLE}</style></head><body>
<h1>Run {escape(report['run_id'])}</h1>
<p class="status {css}" data-exit="{report['exit_code']}">{escape(report['status'])} (exit {report['exit_code']}){': ' + escape(reason) if reason else ''}</p>
<p>Started {escape(report['started_at'])}, took {report['duration_s']:.1f} s. {report['programmes']} programmes from
{sum(report['records'].values())} source records; {report['conflicts']} conflicts; {report['review_pairs']} pairs to review.</p>
<p>Changes since the last published run: {escape(summary) or 'none'}</p>
{'<h2>Drift (not published)</h2><ul>' + drift + '</ul>' if drift else ''}
{'<h2>Stale sources (last good records kept)</h2><ul>' + stale + '</ul>' if stale else ''}
{f'<h2>Stale programmes ({report.get("stale_programmes", 0)})</h2><table><tr><th>id</th><th>title</th><th>sources</th><th>last seen</th></tr>' + stale_rows + '</table>' if stale_rows else ''}
<h2>Crawl</h2><p>The frontier (<code>frontier.sqlite</code>) keeps every known page; a run fetches the due ones within its
budget. Programmes not due keep their records.</p>
<table class="num"><tr><th></th>{''.join(f'<th>{k.replace("_", " ")}</th>' for k in crawl_keys)}</tr>{crawl_rows}</table>
{'<ul>' + crawl_notes + '</ul>' if crawl_notes else ''}
<h2>Pages fetched</h2><table class="num"><tr><th></th>{outcome_head}</tr>{outcome_rows}</table>
<h2>Records per source</h2><table class="num">{records}</table>
<h2>Fill rate of the published CSV</h2><table class="num">{csv_fill}</table>
<h2>Fill rate per source and field</h2><table class="num"><tr><th></th>{head}</tr>{body}</table>
<h2>Conflicts by field</h2><p>Every value and the rule that chose: <code>conflicts.csv</code>.</p>
<table class="num">{conflicts}</table>
<h2>Pairs to review</h2><p>Similar records that were not merged: the most uncertain shown here, every one in <code>review.csv</code>.</p>
<table><tr><th>left</th><th>right</th><th>score</th><th>why not merged</th></tr>{review}</table>
<h2>Pages without a record</h2><table><tr><th>source</th><th>outcome</th><th>URL</th><th>reason</th></tr>{errors}</table>
<p>Every run, with trends: <code>index.html</code> in the data directory.</p>
</body></html>
"""


def write_report(run_dir: Path, report: dict[str, Any]) -> None:
    (run_dir / "report.json").write_text(json.dumps(report, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    (run_dir / "report.html").write_text(render_html(report), encoding="utf-8")


def render_index(runs: Sequence[Mapping[str, Any]], existing: set[str]) -> str:
    """Every run (newest first) and trends: records per source, fill rate per CSV column, changes per run."""
    labels = [r["run_id"] for r in runs]
    sources = list(dict.fromkeys(s for r in runs for s in r.get("records", {})))
    records = line_chart({s: [r.get("records", {}).get(s) for r in runs] for s in sources}, labels)
    columns = list(dict.fromkeys(c for r in runs for c in r.get("csv_fill_rates", {})))
    fills = "".join(f"<div class='small'><b>{escape(c)}</b>"
                    + line_chart({c: [r.get("csv_fill_rates", {}).get(c) for r in runs]}, labels, width=220, height=70,
                                 top=100.0, unit=" %") + "</div>" for c in columns)
    changes = bar_chart({k: [int(r.get("changes", {}).get(k, 0)) for r in runs] for k in ("added", "removed", "changed")},
                        labels)
    def run_cell(run_id: str) -> str:
        if run_id in existing:
            return f"<a href='runs/{escape(run_id)}/report.html'>{escape(run_id)}</a>"
        return escape(run_id)

    rows = "".join(
        f"<tr><td>{run_cell(r['run_id'])}</td>"
        f"<td><span class='status {status_class(int(r.get('exit_code', 1)), int(r.get('programmes', 0)))}'>"
        f"{escape(str(r.get('status', '')))}</span></td><td>{r.get('exit_code', '')}</td><td>{r.get('programmes', 0)}</td>"
        f"<td>{escape(str(r.get('reason', '')))}</td><td>{escape(str(r.get('changes_summary', '')))}</td></tr>"
        for r in reversed(runs))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>programme-scout runs</title>
<style>{STYLE}</style></head><body>
<h1>programme-scout runs</h1>
<h2>Records per source</h2>{records}
<h2>Changes per run</h2>{changes}
<h2>Fill rate per CSV column</h2>{fills}
<h2>Runs</h2><table><tr><th>run</th><th>status</th><th>exit</th><th>programmes</th><th>why</th><th>changes</th></tr>{rows}</table>
</body></html>
"""


def write_index(data_dir: Path, runs: Sequence[Mapping[str, Any]]) -> None:
    """data/index.html, replaced atomically (a reader never sees half a page)."""
    runs_dir = data_dir / "runs"
    existing = {p.name for p in runs_dir.iterdir() if p.is_dir()} if runs_dir.is_dir() else set()
    tmp = data_dir / ".index.html.tmp"
    tmp.write_text(render_index(runs, existing), encoding="utf-8")
    os.replace(tmp, data_dir / "index.html")

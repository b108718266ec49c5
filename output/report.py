"""The run report: report.json for machines, a self-contained report.html (no external assets) for people."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any


def _colour(rate: float) -> str:
    hue = int(rate * 1.2)  # 0 = red, 120 = green
    return f"hsl({hue}, 70%, 82%)"


def render_html(report: dict[str, Any]) -> str:
    fill = report.get("fill_rates", {})
    fields = list(dict.fromkeys(f for rates in fill.values() for f in rates))  # the CSV's column order
    head = "".join(f"<th>{escape(s)}</th>" for s in fill)
    body = "".join(
        f"<tr><th class='f'>{escape(f)}</th>" + "".join(
            f"<td style='background:{_colour(fill[s].get(f, 0.0))}'>{fill[s].get(f, 0.0):.0f}%</td>" for s in fill)
        + "</tr>" for f in fields)
    outcome_rows = "".join(
        f"<tr><th>{escape(s)}</th>" + "".join(f"<td>{n}</td>" for n in counts.values()) + "</tr>"
        for s, counts in report.get("pages", {}).items())
    outcome_head = "".join(f"<th>{escape(o)}</th>" for o in next(iter(report.get("pages", {}).values()), {}))
    errors = "".join(f"<tr><td>{escape(e['source'])}</td><td>{escape(e['outcome'])}</td><td><code>{escape(e['url'])}</code>"
                     f"</td><td>{escape(e['reason'])}</td></tr>" for e in report.get("errors", []))
    drift = "".join(f"<li>{escape(d['source'])} · {escape(str(d['field']))}: {d['before']} → {d['after']}</li>"
                    for d in report.get("drift", []))
    stale = "".join(f"<li>{escape(s)}: {escape(r)}</li>" for s, r in report.get("stale_sources", {}).items())
    summary = report.get("changes_summary", "")
    conflicts = "".join(f"<tr><th class='f'>{escape(f)}</th><td>{n}</td></tr>"
                        for f, n in report.get("conflicts_by_field", {}).items())
    review = "".join(f"<tr><td>{escape(p['left_title'])}<br><code>{escape(p['left'])}</code></td><td>{escape(p['right_title'])}"
                     f"<br><code>{escape(p['right'])}</code></td><td>{p['score']:.2f}</td><td>{escape(p['reasons'])}</td></tr>"
                     for p in report.get("review", {}).get("top", []))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>programme-scout run {escape(report['run_id'])}</title>
<style>body{{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#222;padding:0 1rem}}
table{{border-collapse:collapse;margin:.5rem 0 1.5rem}}td,th{{border:1px solid #ccc;padding:.25rem .6rem;text-align:left;vertical-align:top}}
table.num td{{text-align:right}}
code{{font-size:13px}}.status{{font-size:1.3rem;font-weight:600}}
.ok{{color:#17602a}}.bad{{color:#a11}}</style></head><body>
<h1>Run {escape(report['run_id'])}</h1>
<p class="status {'ok' if report['exit_code'] in (0, 4) else 'bad'}">{escape(report['status'])} (exit {report['exit_code']})</p>
<p>Started {escape(report['started_at'])}, took {report['duration_s']:.1f} s. {report['programmes']} programmes from
{sum(report['records'].values())} source records; {report['conflicts']} conflicts; {report['review_pairs']} pairs to review.</p>
<p>Changes since the last published run: {escape(summary) or 'none'}</p>
{'<h2>Drift (not published)</h2><ul>' + drift + '</ul>' if drift else ''}
{'<h2>Stale sources (last good records kept)</h2><ul>' + stale + '</ul>' if stale else ''}
<h2>Pages fetched</h2><table class="num"><tr><th></th>{outcome_head}</tr>{outcome_rows}</table>
<h2>Records per source</h2><table class="num">{''.join(f'<tr><th>{escape(s)}</th><td>{n}</td></tr>' for s, n in report['records'].items())}</table>
<h2>Fill rate per source and field</h2><table class="num"><tr><th></th>{head}</tr>{body}</table>
<h2>Conflicts by field</h2><p>Every value and the rule that chose: <code>conflicts.csv</code>.</p>
<table class="num">{conflicts}</table>
<h2>Pairs to review</h2><p>Similar records that were not merged: the most uncertain shown here, every one in <code>review.csv</code>.</p>
<table><tr><th>left</th><th>right</th><th>score</th><th>why not merged</th></tr>{review}</table>
<h2>Pages without a record</h2><table><tr><th>source</th><th>outcome</th><th>URL</th><th>reason</th></tr>{errors}</table>
</body></html>
"""


def write_report(run_dir: Path, report: dict[str, Any]) -> None:
    (run_dir / "report.json").write_text(json.dumps(report, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    (run_dir / "report.html").write_text(render_html(report), encoding="utf-8")

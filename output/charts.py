"""Inline SVG charts for the runs index: no JavaScript, no external file; each chart is a few dozen elements
whatever the number of runs (one polyline per series), with <title> tooltips on the points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def _scale(value: float, top: float, height: float) -> float:
    return height - (value / top * height if top else 0.0)


def line_chart(series: Mapping[str, Sequence[float | None]], labels: Sequence[str], *, width: int = 640,
               height: int = 160, top: float | None = None, unit: str = "") -> str:
    """One polyline per series over the runs (x); a None value breaks nothing, it is skipped."""
    pad, inner_w, inner_h = 36, width - 46, height - 30
    values = [v for vs in series.values() for v in vs if v is not None]
    top = top if top is not None else (max(values) if values else 1.0) or 1.0
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return pad + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" class="chart">',
             f'<line x1="{pad}" y1="{inner_h + 5}" x2="{width - 10}" y2="{inner_h + 5}" stroke="#999"/>',
             f'<text x="2" y="12" font-size="11">{top:g}{escape(unit)}</text>',
             f'<text x="2" y="{inner_h + 5}" font-size="11">0</text>']
    for k, (name, vs) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        points = [(x(i), 5 + _scale(v, top, inner_h), v, labels[i]) for i, v in enumerate(vs) if v is not None]
        if len(points) > 1:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                         + " ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in points) + '"/>')
        parts += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"><title>{escape(name)} {escape(label)}: '
                  f'{v:g}{escape(unit)}</title></circle>' for px, py, v, label in points]
        parts.append(f'<text x="{pad + 6 + 130 * k}" y="{height - 4}" font-size="11" fill="{colour}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(stacks: Mapping[str, Sequence[int]], labels: Sequence[str], *, width: int = 640, height: int = 160) -> str:
    """Stacked bars per run (changes: added, removed, changed)."""
    pad, inner_w, inner_h = 36, width - 46, height - 30
    n = max(len(labels), 1)
    totals = [sum(vs[i] for vs in stacks.values()) for i in range(len(labels))]
    top = max(totals, default=0) or 1
    bar = max(inner_w / n * 0.7, 1.0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" class="chart">',
             f'<text x="2" y="12" font-size="11">{top}</text><text x="2" y="{inner_h + 5}" font-size="11">0</text>']
    for i, label in enumerate(labels):
        y = inner_h + 5.0
        for k, (name, vs) in enumerate(stacks.items()):
            h = vs[i] / top * inner_h
            if h > 0:
                y -= h
                parts.append(f'<rect x="{pad + inner_w * i / n:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                             f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(label)}: {vs[i]} {escape(name)}</title></rect>')
    for k, name in enumerate(stacks):
        parts.append(f'<text x="{pad + 6 + 100 * k}" y="{height - 4}" font-size="11" fill="{PALETTE[k % len(PALETTE)]}">'
                     f'{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)

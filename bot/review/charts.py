"""Dashboard figures and the SVG charts that show them (pure functions, no JavaScript).

Charts are drawn on the server as inline SVG: they work under a strict Content-Security-Policy,
print, and need no chart library. Every label is escaped. Each chart has a <title> and a
table-like <desc>, so a screen reader can read the numbers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from typing import Dict, Iterable, List, Sequence, Tuple

from markupsafe import Markup

PALETTE = ["#1b365d", "#c8102e", "#2a7f62", "#b5651d", "#6a4c93", "#4a5568"]
FLAG_LABELS = {
    "danger": "Danger",
    "self_harm": "Self-harm",
    "pressure": "Pressure",
    "booking": "Booking started",
    "handoff": "Lead sent",
    "fallback": "Not understood",
}


def figures(rows: Iterable[Dict]) -> Dict:
    """Counts for the dashboard from conversation summaries."""
    per_day: Dict[str, Counter] = defaultdict(Counter)
    topics: Counter = Counter()
    flags: Counter = Counter()
    fallback_by_day: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        per_day[row["day"]][row["channel"]] += 1
        topics.update(row["topics"])
        flags.update(row["flags"])
        fallback_by_day[row["day"]][0] += "fallback" in row["flags"]
        fallback_by_day[row["day"]][1] += 1
    days = sorted(per_day)
    return {
        "days": days,
        "per_day": {day: dict(per_day[day]) for day in days},
        "channels": sorted({c for counts in per_day.values() for c in counts}),
        "topics": topics.most_common(8),
        "flags": [(FLAG_LABELS[f], flags.get(f, 0)) for f in FLAG_LABELS],
        "fallback_rate": [(d, fallback_by_day[d][0] / fallback_by_day[d][1]) for d in days],
    }


def _svg(title: str, desc: str, width: int, height: int, body: List[str]) -> Markup:
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f"<desc>{escape(desc)}</desc>{''.join(body)}</svg>"
    )


def horizontal_bars(title: str, items: Sequence[Tuple[str, float]], colour: str = PALETTE[0]):
    width, row, label_w = 520, 30, 170
    height = max(1, len(items)) * row + 10
    top = max([v for _, v in items] + [1])
    body = []
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        bar = (width - label_w - 50) * value / top
        body.append(
            f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end" class="label">'
            f"{escape(str(label))}</text>"
            f'<rect x="{label_w}" y="{y + 4}" width="{bar:.1f}" height="{row - 10}" '
            f'fill="{colour}" rx="3"/>'
            f'<text x="{label_w + bar + 6:.1f}" y="{y + 19}" class="value">{value:g}</text>'
        )
    if not items:
        body.append('<text x="10" y="24" class="label">No data yet.</text>')
        height = 40
    desc = "; ".join(f"{label}: {value:g}" for label, value in items) or "no data"
    return _svg(title, desc, width, height, body)


def stacked_days(title: str, days: List[str], per_day: Dict[str, Dict[str, int]],
                 channels: List[str]) -> Markup:  # fmt: skip
    width, height, left, bottom = 620, 240, 40, 40
    plot_w, plot_h = width - left - 130, height - bottom - 20
    top = max([sum(per_day[d].values()) for d in days] + [1])
    slot = plot_w / max(1, len(days))
    body = [f'<line x1="{left}" y1="{20 + plot_h}" x2="{left + plot_w}" y2="{20 + plot_h}" '
            'stroke="#8a94a6"/>', f'<text x="{left - 6}" y="26" text-anchor="end" '
            f'class="value">{top}</text>']  # fmt: skip
    for i, day in enumerate(days):
        x, base = left + i * slot + slot * 0.15, 20 + plot_h
        for c, channel in enumerate(channels):
            n = per_day[day].get(channel, 0)
            h = plot_h * n / top
            base -= h
            body.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{slot * 0.7:.1f}" '
                        f'height="{h:.1f}" fill="{PALETTE[c % len(PALETTE)]}"/>')  # fmt: skip
        if len(days) <= 14 or i % max(1, len(days) // 7) == 0:
            body.append(f'<text x="{x + slot * 0.35:.1f}" y="{height - 22}" text-anchor="middle" '
                        f'class="label">{escape(day[5:])}</text>')  # fmt: skip
    for c, channel in enumerate(channels):
        y = 30 + c * 22
        body.append(f'<rect x="{width - 120}" y="{y - 11}" width="14" height="14" '
                    f'fill="{PALETTE[c % len(PALETTE)]}"/><text x="{width - 100}" y="{y}" '
                    f'class="label">{escape(channel)}</text>')  # fmt: skip
    desc = "; ".join(
        f"{day}: " + ", ".join(f"{c} {per_day[day].get(c, 0)}" for c in channels) for day in days
    )
    return _svg(title, desc or "no data", width, height, body)


def rate_line(title: str, points: List[Tuple[str, float]]) -> Markup:
    width, height, left, bottom = 620, 200, 44, 36
    plot_w, plot_h = width - left - 20, height - bottom - 20
    slot = plot_w / max(1, len(points) - 1)
    coords = [(left + i * slot, 20 + plot_h * (1 - rate)) for i, (_, rate) in enumerate(points)]
    body = [f'<line x1="{left}" y1="{20 + plot_h}" x2="{left + plot_w}" y2="{20 + plot_h}" '
            'stroke="#8a94a6"/>', f'<text x="{left - 6}" y="26" text-anchor="end" '
            'class="value">100%</text>', f'<text x="{left - 6}" y="{20 + plot_h}" '
            'text-anchor="end" class="value">0%</text>']  # fmt: skip
    if coords:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[1]}" '
                    'stroke-width="3"/>')  # fmt: skip
        for x, y in coords:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{PALETTE[1]}"/>')
        for i in (0, len(points) - 1):
            body.append(f'<text x="{coords[i][0]:.1f}" y="{height - 14}" text-anchor="middle" '
                        f'class="label">{escape(points[i][0][5:])}</text>')  # fmt: skip
    desc = "; ".join(f"{day}: {rate:.0%}" for day, rate in points) or "no data"
    return _svg(title, desc, width, height, body)

"""An indicator's actuals against its baseline, milestones and target over time, as an SVG line
chart drawn on the server (no script; it prints), with its figures as a data table."""

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 16, 40
COLOURS = {"actual": "#1e2dbe", "milestone": "#7a4a00", "target": "#1d6b2d", "baseline": "#555"}


@dataclass
class Point:
    kind: str  # actual, milestone, target
    label: str
    period: str
    start: datetime.date
    end: datetime.date  # plotted at the middle of the period
    value: object
    x: float = 0
    y: float = 0

    @property
    def square(self):
        return {"x": round(self.x - 5, 1), "y": round(self.y - 5, 1)}

    @property
    def triangle(self):
        corners = [(0, -8), (7, 6), (-7, 6)]
        return " ".join(f"{round(self.x + dx, 1)},{round(self.y + dy, 1)}" for dx, dy in corners)


def _year_fraction(day):
    return day.year + (day - datetime.date(day.year, 1, 1)).days / 366


def _middle(start, end):
    return (_year_fraction(start) + _year_fraction(end) + 1 / 366) / 2


def indicator_chart(indicator, goals, measurements):
    """The chart's context and markup, or None when the indicator has no number to plot."""
    points = [
        Point(g.kind, g.kind_label, g.period, g.start, g.end, g.value)
        for g in goals
        if g.value is not None
    ]
    points += [
        Point("actual", _("Actual"), m.period, m.period_start, m.period_end, m.value)
        for m in measurements
        if m.value is not None
    ]
    baseline = indicator.baseline_value
    if not points:
        return None
    values = [p.value for p in points] + ([baseline] if baseline is not None else [])
    top = float(max(values)) * 1.1 or 1
    framework = indicator.outcome.framework
    first = min([framework.first_year] + [p.start.year for p in points])
    last = max([framework.last_year + 1] + [p.end.year + 1 for p in points])
    span = (last - first) or 1

    def x(year):
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (year - first) / span, 1)

    def y(value):
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - float(value) / top), 1)

    for point in points:
        point.x, point.y = x(_middle(point.start, point.end)), y(point.value)
    actuals = [p for p in points if p.kind == "actual"]
    context = {
        "title": _("%(indicator)s: actuals against milestones and target")
        % {"indicator": indicator},
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "tick_x": LEFT - 6,
        "right_x": WIDTH - RIGHT,
        "axis_y": HEIGHT - BOTTOM,
        "label_y": HEIGHT - BOTTOM + 16,
        "tick_y": HEIGHT - BOTTOM + 4,
        "top": TOP,
        "points": points,
        "actual_path": " ".join(f"{p.x},{p.y}" for p in actuals),
        "baseline": baseline,
        "baseline_y": y(baseline) if baseline is not None else None,
        # Each year's label sits in the middle of its span, between two ticks.
        "years": [
            {"year": year, "x": x(year + 0.5), "tick": x(year)} for year in range(first, last)
        ],
        "ticks": [
            {"value": top * share, "y": y(top * share)} for share in (0, 0.25, 0.5, 0.75, 1)
        ],
        "colours": COLOURS,
        "unit": indicator.unit,
    }
    return render_to_string("measures/indicator_chart.html", context)

"""Bar charts drawn on the server as SVG: no script, no CDN, they work offline and print."""

from dataclasses import dataclass

from django.template.loader import render_to_string

# The stylesheet's palette, as SVG presentation attributes (the CSP forbids inline styles).
COLOURS = {
    "overdue": "#a4000f",
    "due-soon": "#7a4a00",
    "completed": "#1d6b2d",
    "": "#1e2dbe",
}
LABEL_WIDTH = 260
BAR_AREA = 320
ROW_HEIGHT = 26
BAR_HEIGHT = 18


@dataclass
class Bar:
    label: str
    value: int
    url: str
    kind: str = ""


def bar_chart(chart_id, title, bars):
    """A horizontal bar chart whose <desc> lists every value, each bar linking to its lines."""
    top = max((bar.value for bar in bars), default=0) or 1
    rows = [
        {
            "bar": bar,
            "y": index * ROW_HEIGHT,
            "text_y": index * ROW_HEIGHT + BAR_HEIGHT - 4,
            "width": round(BAR_AREA * bar.value / top),
            "value_x": LABEL_WIDTH + round(BAR_AREA * bar.value / top) + 6,
            "colour": COLOURS[bar.kind],
        }
        for index, bar in enumerate(bars)
    ]
    return render_to_string(
        "reports/table/charts/bar_chart.html",
        {
            "id": chart_id,
            "title": title,
            "rows": rows,
            "label_width": LABEL_WIDTH,
            "label_x": LABEL_WIDTH - 8,
            "width": LABEL_WIDTH + BAR_AREA + 50,
            "height": max(len(bars), 1) * ROW_HEIGHT,
            "bar_height": BAR_HEIGHT,
        },
    )

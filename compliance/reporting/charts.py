"""Server-rendered SVG charts. Each chart is an image with a text alternative, and the page
always shows the same numbers in a table next to it, which is what keyboard and screen-reader
users read (and what everyone can copy)."""

from compliance.charts import BAR_HEIGHT, ROW_HEIGHT, WIDTH, Bar

from .selectors import RateRow, TrendPoint


def bar_chart(rows: list[RateRow]) -> dict:
    """Completion rate by row, as horizontal bars on a 0-100% scale."""
    plot = WIDTH - 70
    bars = []
    for i, row in enumerate(rows):
        rate = row.rate
        width = 0 if rate is None else plot * rate / 100
        bars.append(
            Bar(
                label=row.label,
                value=rate,
                y_label=i * ROW_HEIGHT + 16,
                y_bar=i * ROW_HEIGHT + 22,
                width=round(width, 1),
                value_text="no one assigned" if rate is None else f"{rate:g}%",
                x_text=round(width + 6, 1),
            )
        )
    height = max(len(rows), 1) * ROW_HEIGHT + 8
    summary = "; ".join(f"{b.label}: {b.value_text}" for b in bars) or "Nothing assigned."
    return {"width": WIDTH, "height": height, "bars": bars, "bar_height": BAR_HEIGHT, "summary": summary}


def _rate_text(point: TrendPoint) -> str:
    return "nothing due" if point.rate is None else f"{point.rate:g}%"


def trend_chart(points: list[TrendPoint]) -> dict:
    """Completion rate at each month end as a line on a 0-100% scale."""
    left, top, plot_w, plot_h = 48, 12, WIDTH - 64, 180
    count = max(len(points) - 1, 1)
    dots = []
    for i, point in enumerate(points):
        x = left + plot_w * i / count
        if point.rate is None:
            dots.append({"x": round(x, 1), "y": None, "point": point})
            continue
        y = top + plot_h * (1 - point.rate / 100)
        dots.append({"x": round(x, 1), "y": round(y, 1), "point": point})
    line = " ".join(f"{d['x']},{d['y']}" for d in dots if d["y"] is not None)
    gridlines = [{"y": round(top + plot_h * (1 - pct / 100), 1), "label": f"{pct}%"} for pct in (0, 25, 50, 75, 100)]
    summary = "; ".join(f"{p.label}: {_rate_text(p)}" for p in points)
    return {
        "width": WIDTH,
        "height": top + plot_h + 40,
        "left": left,
        "right": left + plot_w,
        "bottom": top + plot_h,
        "label_y": top + plot_h + 22,
        "dots": dots,
        "line": line,
        "gridlines": gridlines,
        "summary": summary,
    }

"""The geometry shared by the server-rendered SVG bar charts of the reports and the fairness
pages. Each chart is an image with a text alternative, and the page always shows the same
numbers in a table next to it."""

from dataclasses import dataclass

WIDTH = 640
BAR_HEIGHT = 18
ROW_HEIGHT = 46


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    y_label: float
    y_bar: float
    width: float
    value_text: str
    x_text: float

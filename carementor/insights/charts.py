"""The dashboard's trend charts: server-side SVG (the outcome report's chart helpers), each
shown with a table of the same numbers beside it."""

from carementor.evaluations.charts import Chart, timeline_chart
from carementor.insights.figures import Figures, trend_labels


def trend_charts(f: Figures) -> list[tuple[Chart, str, list[int]]]:
    """(chart, series key, values) per monthly series."""
    labels = trend_labels()
    out = []
    months = [m[2:] for m in f.months]  # "24-05": short enough for twelve ticks
    for key, values in f.trends.items():
        top = max(values, default=0)
        title = str(labels[key])
        chart = timeline_chart(
            f"trend-{key}",
            months,
            [(title, [float(v) for v in values])],
            title=title,
            description=title
            + ": "
            + ", ".join(f"{m} {v}" for m, v in zip(f.months, values, strict=True)),
            value_label=title,
            scale=(0.0, float(max(top, 1))),
        )
        out.append((chart, key, values))
    return out

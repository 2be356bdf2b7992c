"""The match-quality histogram as an SVG, drawn server-side (CSP allows no inline styles)."""

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context
from matplotlib.figure import Figure

from carementor.lib.fonts import CHART_FAMILIES, register_chart_fonts

register_chart_fonts()


def quality_svg(counts: list[int], *, title: str) -> bytes:
    # The title is translated: Hindi falls back to the vendored Devanagari face.
    with rc_context({"font.family": CHART_FAMILIES}):
        return _draw(counts, title)


def _draw(counts: list[int], title: str) -> bytes:
    figure = Figure(figsize=(6, 2.6), dpi=100)
    axes = figure.subplots()
    labels = [f"{i * 10}–{i * 10 + 10}" for i in range(len(counts))]
    axes.bar(labels, counts, color="#2a6f97")
    axes.set_title(title)
    axes.set_xlabel("%")
    axes.tick_params(axis="x", labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()

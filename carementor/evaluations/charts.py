"""Server-rendered SVG charts for the outcome report (matplotlib, Agg, no pyplot).

Each function takes plain numbers — already filtered by the anonymity threshold, ``None``
where a value is withheld — and returns a :class:`Chart`: inline SVG markup with a ``<title>``
and ``<desc>`` that screen readers announce, plus the same text for the table caption that
must sit beside every chart.

The SVG is made safe for a strict Content Security Policy: matplotlib's ``style="…"``
attributes are rewritten as SVG presentation attributes and its ``<style>`` element is
dropped, so nothing depends on ``style-src 'unsafe-inline'``; there is never a script.
Element ids are prefixed per chart so several charts can share one page, and the output is
byte-for-byte reproducible (fixed ``svg.hashsalt``, no date).
"""

import base64
import io
import math
import re
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from carementor.lib.fonts import CHART_FAMILIES, register_chart_fonts

# Hindi labels fall back to the vendored Devanagari face; Latin stays DejaVu Sans.
register_chart_fonts()

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#55606E"
INK = "#1B2430"
SERIES = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, "#56B4E9")

# Typed loosely: matplotlib types rc keys as literals.
RC: Any = {
    "svg.hashsalt": "carementor-evaluations",
    "svg.fonttype": "none",
    # A list of families, not "sans-serif": matplotlib falls back glyph by glyph only
    # across the families named here.
    "font.family": CHART_FAMILIES,
    "font.size": 10,
    # Labels come from people (cohort and instrument names): never parse "$…$" as maths.
    "text.parse_math": False,
    "axes.edgecolor": GREY,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    # Inline SVG markup, or inside ``raster()`` an <img> of a PNG (the PDF).
    svg: SafeString


_STYLE = re.compile(r'\sstyle="([^"]*)"')
_ID = re.compile(r'\bid="([^"]+)"')


def _attributes(match: re.Match[str]) -> str:
    parts = []
    for declaration in match.group(1).split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name and value:
            parts.append(f' {name}="{value}"')
    return "".join(parts)


def _clean_svg(raw: str, key: str, title: str, description: str) -> str:
    start = raw.index("<svg")
    svg = raw[start:]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'<style type="text/css">.*?</style>\s*', "", svg, flags=re.S)
    svg = _STYLE.sub(_attributes, svg)
    ids = set(_ID.findall(svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{key}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    # Responsive: keep the viewBox, let the container decide the width.
    svg = re.sub(r'\s(width|height)="[\d.]+pt"', "", svg, count=2)
    head = (
        f'<svg role="img" aria-labelledby="{key}-title {key}-desc" class="chart" '
        'stroke-linejoin="round" stroke-linecap="butt" '
    )
    svg = head + svg[len("<svg ") :]
    close = svg.index(">") + 1
    return (
        svg[:close]
        + f'<title id="{key}-title">{escape(title)}</title>'
        + f'<desc id="{key}-desc">{escape(description)}</desc>'
        + svg[close:]
    )


# Charts drawn while ``raster()`` is active are PNG images (data URIs) instead of inline SVG.
_RASTER: ContextVar[bool] = ContextVar("evaluations_chart_raster", default=False)
# Enough for print: a 6.4-inch chart is 960 pixels wide.
RASTER_DPI = 150


@contextmanager
def raster() -> Iterator[None]:
    """Draw the charts made inside as PNG images at ``RASTER_DPI``: the same figures, which
    a PDF renderer paints far faster than SVG text and paths. The ``svg`` field of each chart
    then holds an ``<img>`` with the title and description as its alternative text."""
    token = _RASTER.set(True)
    try:
        yield
    finally:
        _RASTER.reset(token)


def _render_png(figure: Figure, key: str, title: str, description: str) -> Chart:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    with rc_context(RC):
        figure.savefig(buffer, format="png", dpi=RASTER_DPI, metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    markup = format_html(
        '<img class="chart" id="{}" src="data:image/png;base64,{}" alt="{}">',
        key,
        data,
        f"{title}. {description}",
    )
    return Chart(key=key, title=title, description=description, svg=markup)


def _render(figure: Figure, key: str, title: str, description: str) -> Chart:
    if _RASTER.get():
        return _render_png(figure, key, title, description)
    buffer = io.StringIO()
    FigureCanvasSVG(figure)
    with rc_context(RC):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = _clean_svg(buffer.getvalue(), key, title, description)
    return Chart(key=key, title=title, description=description, svg=mark_safe(svg))  # noqa: S308


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    with rc_context(RC):
        figure = Figure(figsize=(width, height), layout="constrained")
        axes = figure.add_subplot()
    return figure, axes


def _note(axes: Axes, x: float, y: float, text: str) -> None:
    axes.text(x, y, text, va="center", ha="left", color=GREY, fontsize=9, style="italic")


@dataclass(frozen=True)
class IntervalRow:
    """One row of a forest plot: an estimate with its interval, or withheld (None)."""

    label: str
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None


def forest_chart(
    key: str,
    rows: Sequence[IntervalRow],
    *,
    title: str,
    description: str,
    axis_label: str,
    withheld: str,
    reference: float | None = 0.0,
) -> Chart:
    """Estimates with their 95% intervals on one axis (change per area, per cohort)."""
    with rc_context(RC):
        figure, axes = _figure(6.4, 0.55 * max(len(rows), 2) + 1.1)
        positions = list(range(len(rows)))[::-1]
        shown = [r for r in rows if r.value is not None]
        ends = [v for r in shown for v in (r.value, r.ci_low, r.ci_high) if v is not None]
        low = min([*ends, reference if reference is not None else math.inf, 0.0])
        high = max([*ends, reference if reference is not None else -math.inf, 0.0])
        pad = (high - low) * 0.1 or 0.5
        for y, row in zip(positions, rows, strict=True):
            if row.value is None:
                _note(axes, low - pad * 0.5, y, withheld)
                continue
            if row.ci_low is not None and row.ci_high is not None:
                axes.hlines(y, row.ci_low, row.ci_high, color=BLUE, linewidth=2.2)
            axes.plot([row.value], [y], marker="o", color=BLUE, markersize=7)
            axes.annotate(
                f"{row.value:+.2f}",
                (row.value, y),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=8,
                color=INK,
            )
        if reference is not None:
            axes.axvline(reference, color=GREY, linewidth=0.8, linestyle="--")
        axes.set_yticks(positions, [r.label for r in rows])
        axes.set_xlim(low - pad, high + pad)
        axes.set_ylim(-0.7, len(rows) - 0.3)
        axes.set_xlabel(axis_label)
        axes.grid(axis="x", color="#D5DBE3", linewidth=0.6)
        axes.set_axisbelow(True)
    return _render(figure, key, title, description)


@dataclass(frozen=True)
class PairRow:
    """Two values side by side, e.g. baseline and closure, or self- and mentee-rating."""

    label: str
    first: float | None
    second: float | None


def paired_bar_chart(
    key: str,
    rows: Sequence[PairRow],
    *,
    title: str,
    description: str,
    first_label: str,
    second_label: str,
    value_label: str,
    scale: tuple[float, float],
    withheld: str,
) -> Chart:
    """Horizontal bars in pairs on a fixed scale (1-5 Likert, say)."""
    with rc_context(RC):
        figure, axes = _figure(6.4, 0.7 * max(len(rows), 2) + 1.3)
        positions = list(range(len(rows)))[::-1]
        height = 0.36
        for y, row in zip(positions, rows, strict=True):
            for offset, value, colour in (
                (height / 2, row.first, ORANGE),
                (-height / 2, row.second, BLUE),
            ):
                if value is None:
                    _note(axes, scale[0] + 0.05, y + offset, withheld)
                    continue
                axes.barh(y + offset, value - scale[0], left=scale[0], height=height, color=colour)
                axes.text(value + 0.04, y + offset, f"{value:.2f}", va="center", fontsize=8)
        handles = [Patch(color=ORANGE, label=first_label), Patch(color=BLUE, label=second_label)]
        axes.set_yticks(positions, [r.label for r in rows])
        axes.set_xlim(scale[0], scale[1] + 0.35)
        axes.set_xlabel(value_label)
        figure.legend(
            handles=handles, loc="outside upper center", ncol=2, frameon=False, fontsize=8
        )
    return _render(figure, key, title, description)


def quadrant_chart(
    key: str,
    counts: dict[str, int | None],
    *,
    names: dict[str, str],
    title: str,
    description: str,
    support_label: str,
    challenge_label: str,
    low_label: str,
    high_label: str,
    withheld: str,
) -> Chart:
    """Daloz's support x challenge grid; ``counts`` keyed by growth, retreat, confirmation,
    stasis (high/high, low support/high challenge, high support/low challenge, low/low)."""
    cells = {
        "retreat": (0, 1),
        "growth": (1, 1),
        "stasis": (0, 0),
        "confirmation": (1, 0),
    }
    shades = {"growth": GREEN, "retreat": VERMILLION, "confirmation": ORANGE, "stasis": GREY}
    with rc_context(RC):
        figure, axes = _figure(5.2, 4.4)
        for name, (x, y) in cells.items():
            axes.add_patch(
                Rectangle((x, y), 1, 1, facecolor=shades[name], alpha=0.16, edgecolor="white")
            )
            count = counts.get(name)
            axes.text(x + 0.5, y + 0.62, names[name], ha="center", fontsize=11, weight="bold")
            axes.text(
                x + 0.5,
                y + 0.36,
                str(count) if count is not None else withheld,
                ha="center",
                fontsize=14 if count is not None else 8,
                color=INK,
            )
        axes.set_xlim(0, 2)
        axes.set_ylim(0, 2)
        axes.set_xticks([0.5, 1.5], [low_label, high_label])
        axes.set_yticks([0.5, 1.5], [low_label, high_label])
        axes.set_xlabel(support_label)
        axes.set_ylabel(challenge_label)
        axes.set_aspect("equal")
    return _render(figure, key, title, description)


def count_bar_chart(
    key: str,
    rows: Sequence[tuple[str, int | None]],
    *,
    title: str,
    description: str,
    value_label: str,
    withheld: str,
) -> Chart:
    """Vertical bars of counts (a distribution), withheld bars marked as such."""
    with rc_context(RC):
        figure, axes = _figure(6.4, 3.2)
        labels = [label for label, _ in rows]
        values = [count or 0 for _, count in rows]
        bars = axes.bar(range(len(rows)), values, color=BLUE, tick_label=labels)
        top = max(values, default=0) or 1
        for bar, (_, count) in zip(bars, rows, strict=True):
            text = str(count) if count is not None else "—"
            axes.text(
                bar.get_x() + bar.get_width() / 2,
                bar.get_height() + top * 0.02,
                text,
                ha="center",
                fontsize=9,
            )
        if any(count is None for _, count in rows):
            axes.text(0, -0.3, "— " + withheld, transform=axes.transAxes, fontsize=8, color=GREY)
        axes.set_ylim(0, top * 1.15)
        axes.set_ylabel(value_label)
    return _render(figure, key, title, description)


def rate_chart(
    key: str,
    rows: Sequence[tuple[str, float | None]],
    *,
    title: str,
    description: str,
    value_label: str,
) -> Chart:
    """Horizontal bars of proportions (0-100%)."""
    with rc_context(RC):
        figure, axes = _figure(6.4, 0.5 * max(len(rows), 2) + 1.0)
        positions = list(range(len(rows)))[::-1]
        for y, (_, rate) in zip(positions, rows, strict=True):
            if rate is None:
                continue
            axes.barh(y, rate * 100, color=GREEN, height=0.6)
            axes.text(rate * 100 + 1, y, f"{rate:.0%}", va="center", fontsize=8)
        axes.set_yticks(positions, [label for label, _ in rows])
        axes.set_xlim(0, 110)
        axes.set_xlabel(value_label)
    return _render(figure, key, title, description)


def correlation_chart(
    key: str,
    labels: Sequence[str],
    matrix: Sequence[Sequence[float | None]],
    *,
    title: str,
    description: str,
) -> Chart:
    """A small heat map of Pearson correlations; empty cells where withheld."""
    size = len(labels)
    with rc_context(RC):
        figure, axes = _figure(1.5 * size + 2.2, 1.3 * size + 1.2)
        values = [[math.nan if v is None else v for v in row] for row in matrix]
        image = axes.imshow(values, cmap="BrBG", vmin=-1, vmax=1)
        for i in range(size):
            for j in range(size):
                value = matrix[i][j]
                axes.text(
                    j,
                    i,
                    "—" if value is None else f"{value:.2f}",
                    ha="center",
                    va="center",
                    fontsize=11,
                    color="white" if value is not None and abs(value) > 0.6 else INK,
                )
        wrapped = [textwrap.fill(label, 14) for label in labels]
        axes.set_xticks(range(size), wrapped)
        axes.set_yticks(range(size), wrapped)
        axes.spines[:].set_visible(False)
        figure.colorbar(image, ax=axes, shrink=0.8, label="r")
    return _render(figure, key, title, description)


def timeline_chart(
    key: str,
    occasions: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    description: str,
    value_label: str,
    scale: tuple[float, float],
) -> Chart:
    """Lines over occasions (one person's own scores, never anyone else's)."""
    with rc_context(RC):
        figure, axes = _figure(6.4, 3.4)
        markers = ("o", "s", "^", "D", "v", "P")
        for index, (label, values) in enumerate(series):
            points = [(x, v) for x, v in enumerate(values) if v is not None]
            if not points:
                continue
            xs, ys = zip(*points, strict=True)
            axes.plot(
                xs,
                ys,
                marker=markers[index % len(markers)],
                color=SERIES[index % len(SERIES)],
                label=label,
            )
        axes.set_xticks(range(len(occasions)), list(occasions))
        axes.set_ylim(scale[0] - 0.1, scale[1] + 0.1)
        axes.set_ylabel(value_label)
        figure.legend(loc="outside upper center", ncol=3, frameon=False, fontsize=8)
        axes.grid(axis="y", color="#D5DBE3", linewidth=0.6)
    return _render(figure, key, title, description)

"""The outcome report as an A4 PDF (WeasyPrint) a coordinator can hand to their board.

Same content as the page, rendered from ``reports.build_report``. Build the report for a PDF
inside ``charts.raster()`` (``outcome_pdf`` does): the same charts as PNG data URIs, which
WeasyPrint paints in a fraction of the time it takes to draw inline SVG. WeasyPrint may fetch
nothing (data URIs only), so no value in a report can make it load a URL.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from carementor.evaluations import charts
from carementor.evaluations.loaders import ProgramAnalytics
from carementor.evaluations.reports import Report, build_report
from carementor.lib.pdf import html_to_pdf


def report_pdf(report: Report) -> bytes:
    html = render_to_string(
        "evaluations/report_pdf.html", {"report": report, "generated": timezone.localdate()}
    )
    return html_to_pdf(html)


def outcome_pdf(found: ProgramAnalytics) -> bytes:
    """The board report of some analytics, its charts drawn as PNG images for speed."""
    with charts.raster():
        report = build_report(found)
    return report_pdf(report)

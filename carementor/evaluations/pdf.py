"""The outcome report as an A4 PDF (WeasyPrint) a coordinator can hand to their board.

Same content as the page, rendered from ``reports.build_report``; charts are embedded as
inline SVG. WeasyPrint may fetch nothing (data URIs only), so no value in a report can make
it load a URL.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from carementor.evaluations.reports import Report


def report_pdf(report: Report) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "evaluations/report_pdf.html", {"report": report, "generated": timezone.localdate()}
    )
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf()  # type: ignore[no-any-return]

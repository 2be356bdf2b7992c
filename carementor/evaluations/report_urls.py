"""Report, analytics, export and personal-results pages (included by urls.py)."""

from django.urls import URLPattern, path

from carementor.evaluations import report_views

urlpatterns: list[URLPattern] = [
    path("programs/<str:code>/report/", report_views.report, name="report"),
    path("programs/<str:code>/report.pdf", report_views.report_pdf_view, name="report_pdf"),
    path("programs/<str:code>/results.csv", report_views.results_csv, name="results_csv"),
    path("programs/<str:code>/results.xlsx", report_views.results_xlsx, name="results_xlsx"),
    path(
        "programs/<str:code>/answers/<str:instrument_code>.csv",
        report_views.answers_csv,
        name="answers_csv",
    ),
    path("results/", report_views.my_results, name="my_results"),
]

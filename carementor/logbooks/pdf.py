"""The logbook as a PDF portfolio for appraisal or revalidation (WeasyPrint, rendered on
download, never stored)."""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from carementor.accounts.models import User
from carementor.lib.pdf import html_to_pdf
from carementor.logbooks.models import LogEntry
from carementor.logbooks.services import progress_of


def portfolio_pdf(user: User) -> bytes:
    entries = list(
        LogEntry.objects.filter(user=user)
        .select_related("competency", "observer")
        .order_by("competency__name", "-performed_on", "-id")
    )
    with translation.override(user.language or None):
        html = render_to_string(
            "logbooks/pdf/portfolio.html",
            {
                "person": user,
                "progress": progress_of(user),
                "entries": entries,
                "generated_on": timezone.localdate(),
            },
        )
    return html_to_pdf(html)

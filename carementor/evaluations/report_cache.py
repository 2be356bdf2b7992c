"""The outcome report's analytics and PDF, cached until the answers change.

Computing a programme's analytics reads every response (seconds at 10,000 respondents) and the
PDF adds its charts and WeasyPrint. Both are kept in the cache under the programme, the
filters, the day and a fingerprint of the data they are made of: the organization's responses
(the format comparison reads its other programmes too) and the programme's survey assignments
and their answered marks, as counts and the last answer's day, read in two aggregate queries.
An answer, a new assignment or a deleted response changes the fingerprint, so a report is
never older than its data; ``CACHE_SECONDS`` bounds what the fingerprint does not see (a
renamed programme or instrument).

When an answer arrives (``response_submit``), ``answers_changed`` enqueues a rebuild of the
programme's unfiltered analytics and PDF in the background, at most once a minute and
``WARM_DELAY`` after the first answer of a burst where the task queue can wait, so that the
next reader finds them ready.
"""

import hashlib
import logging
import pickle
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone, translation

from carementor.evaluations import analytics
from carementor.evaluations.anonymity import Filters
from carementor.evaluations.loaders import ProgramAnalytics
from carementor.evaluations.models import Response, SurveyAssignment
from carementor.programs.models import Program

log = logging.getLogger(__name__)

CACHE_SECONDS = 60 * 60
WARM_DELAY = timedelta(seconds=60)
WARM_GUARD_SECONDS = 60


def fingerprint(program: Program) -> str:
    """What the report is made of, in two aggregate queries."""
    responses = Response.objects.filter(program__organization_id=program.organization_id)
    seen = responses.aggregate(n=Count("pk"), last=Max("submitted_on"))
    asked = SurveyAssignment.objects.filter(program=program).aggregate(
        n=Count("pk"), answered=Count("has_responded")
    )
    parts = (
        program.pk,
        str(program.format),  # a choice or its value: the same text
        seen["n"],
        seen["last"],
        asked["n"],
        asked["answered"],
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def _key(program: Program, filters: Filters, part: str, stamp: str) -> str:
    today = timezone.localdate().isoformat()
    return f"evaluations:report:{program.code}:{part}:{filters.cohort}|{filters.format}:{today}:{stamp}"


def analytics_for(program: Program, filters: Filters | None = None) -> ProgramAnalytics:
    """``analytics.program_analytics``, from the cache while the data is unchanged."""
    filters = filters or Filters()
    key = _key(program, filters, "analytics", fingerprint(program))
    blob = cache.get(key)
    if blob is not None:
        found: ProgramAnalytics = pickle.loads(blob)  # noqa: S301 - our own cache
        found.program = program
        return found
    found = analytics.program_analytics(program, filters)
    cache.set(key, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL), CACHE_SECONDS)
    return found


def pdf_for(program: Program, filters: Filters | None = None) -> bytes:
    """The board report as a PDF in the reader's language, from the cache while the data is
    unchanged."""
    from carementor.evaluations.pdf import outcome_pdf

    filters = filters or Filters()
    stamp = fingerprint(program)
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = _key(program, filters, f"pdf:{language}", stamp)
    data: bytes | None = cache.get(key)
    if data is None:
        data = outcome_pdf(analytics_for(program, filters))
        cache.set(key, data, CACHE_SECONDS)
    return data


def warm(program: Program) -> None:
    """Compute the unfiltered analytics and PDF now (the background task calls this)."""
    cache.delete(f"evaluations:report:{program.code}:warming")
    with translation.override(settings.LANGUAGE_CODE):  # the site's language, as most readers
        pdf_for(program)


def answers_changed(program: Program) -> None:
    """An answer arrived: refresh the programme's report in the background after commit."""
    if not cache.add(f"evaluations:report:{program.code}:warming", 1, WARM_GUARD_SECONDS):
        return
    program_id = program.pk

    def enqueue() -> None:
        from carementor.evaluations.tasks import warm_report

        try:
            task = warm_report
            if task.get_backend().supports_defer:
                task = task.using(run_after=timezone.now() + WARM_DELAY)
            task.enqueue(program_id)
        except Exception:  # a missing worker must not break the answer that was just saved
            log.exception("could not enqueue the report refresh of programme %s", program_id)

    transaction.on_commit(enqueue)

"""A programme's logbook rules (N signed-off entries per competency) count towards a mentee's
completion, for one person and on the coordinator's overview alike."""

import pytest
from django.utils import timezone

from carementor.certificates.completion import checklist
from carementor.certificates.overview import overview
from carementor.certificates.tests.helpers import rule
from carementor.logbooks.models import EntryStatus, LogEntry
from carementor.logbooks.services import requirement_set
from carementor.profiles.models import Competency

pytestmark = pytest.mark.django_db


def sign_one(mentee, mentor, competency):  # type: ignore[no-untyped-def]
    # Signed while the mentorship was open (it has closed since).
    LogEntry.objects.create(
        user=mentee,
        competency=competency,
        activity="Lung ultrasound",
        performed_on=timezone.localdate(),
        level=2,
        observer=mentor,
        status=EntryStatus.SIGNED,
        observed_level=3,
        decided_at=timezone.now(),
    )


def test_signed_entries_count_towards_completion(program, finished, mentee, mentor, coordinator):
    rule(program, "mentee", meetings_held=2)
    assert "logbook_signed" not in {i.key for i in checklist(mentee, program, "mentee").items}
    pocus = Competency.objects.get(code="point-of-care-ultrasound")
    requirement_set(program=program, competency=pocus, signed_entries=2, actor=coordinator)
    sign_one(mentee, mentor, pocus)
    found = checklist(mentee, program, "mentee")
    item = next(i for i in found.items if i.key == "logbook_signed")
    assert not item.done and item.progress == "1 of 2" and not found.complete
    assert item.remaining == ("Point-of-care ultrasound: 1 of 2 signed off",)
    row = overview(program, [(mentee.pk, "mentee")])[0]
    assert row.checklist.items == found.items  # the overview judges the same facts

    sign_one(mentee, mentor, pocus)
    found = checklist(mentee, program, "mentee")
    assert found.complete and overview(program, [(mentee.pk, "mentee")])[0].checklist.complete
    # Mentors are not judged on their own logbook.
    rule(program, "mentor", meetings_held=2)
    assert "logbook_signed" not in {i.key for i in checklist(mentor, program, "mentor").items}

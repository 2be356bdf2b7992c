"""Demo programmes come with a draft match run and an upcoming speed-mentoring event."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from carementor.matching.models import MatchRun, SpeedEvent, SpeedMeeting
from carementor.network.services import NETWORK_SLUG
from carementor.organizations.models import Organization

pytestmark = pytest.mark.django_db


def seed() -> None:
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO(), users=120, seed=3)


def test_each_organization_gets_a_draft_run_and_an_upcoming_event() -> None:
    seed()
    # Every demo organization, not the platform's own that holds the open network.
    organizations = Organization.objects.exclude(slug=NETWORK_SLUG).count()
    runs = MatchRun.objects.select_related("program")
    assert runs.filter(program__template="digital-adoption").count() == organizations
    # The medical college also runs near-peer families (faculty + resident + students).
    families = runs.get(program__template="near-peer-family")
    assert families.program.organization.slug == "indus-ims"
    assert families.stats["families"] >= 1 and families.stats["faculty"] >= 1
    assert runs.count() == organizations + 1
    for run in runs:
        assert run.status == "draft"
        assert run.proposals.exists() and run.stats["matched"] == run.proposals.count()
    events = SpeedEvent.objects.select_related("program")
    assert events.count() == organizations
    for event in events:
        assert event.program.template == "speed-event" and event.starts_at > timezone.now()
        assert event.meetings.exists()
    before = (MatchRun.objects.count(), SpeedEvent.objects.count(), SpeedMeeting.objects.count())
    seed()
    assert (
        MatchRun.objects.count(),
        SpeedEvent.objects.count(),
        SpeedMeeting.objects.count(),
    ) == before

"""The demo shows well-being (support contacts, Asha's private trend and shared summary) and
her skills logbook observed by her mentor."""

from io import StringIO

import pytest
from django.core.management import call_command

from carementor.accounts.models import User
from carementor.logbooks.models import LogEntry
from carementor.wellbeing.models import CheckIn, SharedSummary, SupportContacts

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_well_being_once(client):
    call_command("seed_demo", users=0, seed=3, stdout=StringIO(), stderr=StringIO())
    counts = (CheckIn.objects.count(), SharedSummary.objects.count(), LogEntry.objects.count())
    assert SupportContacts.objects.count() == 3
    asha = User.objects.get(email="asha@example.org")
    assert CheckIn.objects.filter(user=asha).count() == 6
    assert SharedSummary.objects.filter(owner=asha).count() == 1
    assert LogEntry.objects.filter(user=asha).count() == 4
    waiting = LogEntry.objects.get(user=asha, status="requested")
    call_command("seed_demo", users=0, seed=3, stdout=StringIO(), stderr=StringIO())
    assert (
        CheckIn.objects.count(),
        SharedSummary.objects.count(),
        LogEntry.objects.count(),
    ) == counts

    client.force_login(asha)
    html = client.get("/wellbeing/").content.decode()
    assert "Your well-being over your last check-ins" in html
    low = CheckIn.objects.filter(user=asha).order_by("score").first()
    assert low is not None
    page = client.get(f"/wellbeing/check-ins/{low.code}/").content.decode()
    assert "Indus Staff Assistance Programme" in page and "Tele-MANAS" in page

    assert "Lung ultrasound on a child" in client.get("/logbooks/").content.decode()
    client.force_login(waiting.observer)
    assert "Follow-up video consultation" in client.get("/logbooks/to-sign/").content.decode()

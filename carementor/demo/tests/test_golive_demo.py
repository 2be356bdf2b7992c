"""The demo shows a ward going live with an EHR: teams, checklist, a passed milestone whose
pulse is large enough to show, issues and a reverse-mentoring pair."""

from io import StringIO

import pytest
from django.core.management import call_command

from carementor.accounts.models import User
from carementor.golive.models import GoLive, Issue, PulseResponse, ReversePair, TeamMember

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_go_live_once(client):
    call_command("seed_demo", users=0, seed=3, stdout=StringIO(), stderr=StringIO())
    golive = GoLive.objects.get()
    counts = (TeamMember.objects.count(), PulseResponse.objects.count(), Issue.objects.count())
    assert counts == (6, 6, 3) and ReversePair.objects.count() == 1
    call_command("seed_demo", users=0, seed=3, stdout=StringIO(), stderr=StringIO())
    assert GoLive.objects.count() == 1
    assert (
        TeamMember.objects.count(),
        PulseResponse.objects.count(),
        Issue.objects.count(),
    ) == counts

    ravi = User.objects.get(email="ravi@example.org")
    User.objects.filter(pk=ravi.pk).update(language="en")  # the demo's Ravi reads Hindi
    client.force_login(ravi)
    html = client.get(f"/golive/{golive.code}/report/").content.decode()
    assert "Team pulse over time" in html and "<svg" in html
    assert "Night-time help from super-users" in html
    assert (
        "Asha Raman coaches Vikram Mehta" in client.get(f"/golive/{golive.code}/").content.decode()
    )

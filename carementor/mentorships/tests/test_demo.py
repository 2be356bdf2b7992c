"""The demo seeding step: every phase, meetings, an at-risk relationship, idempotent."""

import pytest

from carementor.demo.seed import seed_demo
from carementor.mentorships.models import Meeting, Mentorship, Phase, PrivateNote


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_shows_every_phase_and_runs_twice(client):
    seed_demo(users=60)
    phases = set(Mentorship.objects.values_list("phase", flat=True))
    assert phases == set(Phase.values)
    assert Meeting.objects.filter(status="held").exists()
    assert Meeting.objects.filter(status="scheduled").exists()
    before = (Mentorship.objects.count(), Meeting.objects.count(), PrivateNote.objects.count())
    seed_demo(users=60)
    assert (
        Mentorship.objects.count(),
        Meeting.objects.count(),
        PrivateNote.objects.count(),
    ) == before

    asha = Mentorship.objects.get(parties__user__email="asha@example.org", phase=Phase.ACTIVE)
    from carementor.accounts.models import User

    client.force_login(User.objects.get(email="asha@example.org"))
    page = client.get(f"/mentorships/{asha.code}/")
    assert page.status_code == 200 and "Draft the personal statement" in page.content.decode()
    assert "Overdue actions" in client.get("/dashboard/").content.decode()

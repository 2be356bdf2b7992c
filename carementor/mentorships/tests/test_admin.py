"""The Django admin cannot change a mentorship's phase or outcome: services do that."""

import pytest

from carementor.lib.testing import give_mfa, make_user
from carementor.mentorships.models import Phase


@pytest.fixture
def superuser(db):  # type: ignore[no-untyped-def]
    user = make_user("root@carementor.example", is_staff=True, is_superuser=True)
    give_mfa(user)
    return user


def test_phase_and_outcome_are_read_only(login, superuser, mentorship):
    client = login(superuser)
    url = f"/admin/mentorships/mentorship/{mentorship.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="phase"' not in page and 'name="outcome"' not in page
    client.post(url, {"phase": Phase.CLOSED, "outcome": "completed", "ends_on": ""})
    mentorship.refresh_from_db()
    assert mentorship.phase != Phase.CLOSED and mentorship.outcome == ""

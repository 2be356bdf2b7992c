"""A mentee shares a summary with their mentor: numbers only; the mentor's reads are audited."""

import pytest

from carementor.audit.models import AuditEvent
from carementor.lib.testing import assert_flat_queries
from carementor.mentorships.tests.helpers import make_mentorship, make_program
from carementor.notifications.models import Notification
from carementor.wellbeing.models import SharedSummary
from carementor.wellbeing.tests.helpers import GOOD, LOW, take


@pytest.fixture
def mentorship(hospital, mentor, mentee):  # type: ignore[no-untyped-def]
    return make_mentorship(make_program(hospital), mentor, mentee)


def test_a_mentee_shares_and_the_mentor_reads_it(login, client, mentee, mentor, mentorship):
    take(mentee, LOW, burnout=4, note="my secret note")
    take(mentee, GOOD, burnout=2)
    client = login(mentee)
    response = client.post(
        "/wellbeing/shares/", {"mentorship": mentorship.code, "message": "Rough month."}
    )
    share = SharedSummary.objects.get()
    assert response["Location"] == f"/wellbeing/shares/{share.code}/"
    assert (share.checkins, share.mean_score, share.latest_score) == (2, 46, 76)
    assert Notification.objects.filter(recipient=mentor, kind="wellbeing_summary_shared").exists()

    client.force_login(mentor)
    html = client.get(f"/wellbeing/shares/{share.code}/").content.decode()
    assert "Asha Raman shared a well-being summary with you" in html
    assert "Mean WHO-5 well-being: 46 out of 100" in html and "Rough month." in html
    assert "my secret note" not in html
    assert AuditEvent.objects.filter(action="wellbeing.summary.read", actor=mentor).count() == 1
    assert "Asha Raman" in client.get("/wellbeing/shared-with-me/").content.decode()
    received = client.get("/api/v1/wellbeing/shares/received").json()
    assert [item["code"] for item in received["items"]] == [share.code]
    # The mentor cannot withdraw it, nor see the check-ins behind it.
    assert client.post(f"/wellbeing/shares/{share.code}/withdraw/").status_code == 404
    assert client.get("/api/v1/wellbeing/checkins").json()["count"] == 0


def test_nothing_to_share_without_a_check_in(login, mentee, mentorship):
    response = login(mentee).post(
        "/api/v1/wellbeing/shares",
        {"mentorship": mentorship.code},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "nothing_to_share"


def test_the_owner_withdraws_through_the_api(login, mentee, mentorship):
    take(mentee)
    client = login(mentee)
    created = client.post(
        "/api/v1/wellbeing/shares", {"mentorship": mentorship.code}, content_type="application/json"
    )
    assert created.status_code == 201
    code = created.json()["code"]
    assert client.get(f"/api/v1/wellbeing/shares/{code}").status_code == 200
    assert client.delete(f"/api/v1/wellbeing/shares/{code}").status_code == 204
    assert not SharedSummary.objects.exists()
    assert AuditEvent.objects.filter(action="wellbeing.summary.withdrawn").exists()


def test_strangers_cannot_share_into_or_read_a_mentorship(login, mentee, outsider, mentorship):
    take(mentee)
    take(outsider)
    client = login(outsider)
    response = client.post(
        "/api/v1/wellbeing/shares", {"mentorship": mentorship.code}, content_type="application/json"
    )
    assert response.status_code == 404
    client.force_login(mentee)
    share = client.post(
        "/api/v1/wellbeing/shares", {"mentorship": mentorship.code}, content_type="application/json"
    ).json()
    client.force_login(outsider)
    assert client.get(f"/wellbeing/shares/{share['code']}/").status_code == 404
    assert client.get(f"/api/v1/wellbeing/shares/{share['code']}").status_code == 404
    assert client.delete(f"/api/v1/wellbeing/shares/{share['code']}").status_code == 404


def test_the_mentor_list_is_paginated_in_constant_queries(login, mentee, mentor, mentorship):
    take(mentee)
    client = login(mentor)

    def share(k: int) -> None:
        from carementor.wellbeing.services import summary_share

        for _ in range(k):
            summary_share(owner=mentee, mentorship=mentorship)

    assert_flat_queries(lambda: client.get("/wellbeing/shared-with-me/"), share)
    assert_flat_queries(lambda: client.get("/api/v1/wellbeing/shares/received"), share)

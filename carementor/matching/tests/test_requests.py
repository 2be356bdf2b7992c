import datetime

import pytest
import time_machine
from django.utils import timezone

from carementor.audit.models import AuditEvent
from carementor.lib.testing import add_member, make_user
from carementor.matching import services
from carementor.matching.models import MatchRequest, SuggestionMark
from carementor.matching.services import MatchError
from carementor.matching.tests.conftest import make_mentor
from carementor.programs.models import Enrollment
from carementor.programs.tests.conftest import enroll


def send(program, mentee, mentor, note="I want to apply for fellowship."):
    return services.request_send(program=program, mentee=mentee, mentor=mentor, note=note)


def test_suggestions_show_verified_mentors_with_reasons(login, program, cohort, hospital):
    unverified = make_user("nobody@example.org", full_name="Unverified Person")
    add_member(unverified, hospital, "mentor")
    enroll(program, unverified, "mentor")
    page = login(cohort["mentee"]).get(f"/programs/{program.code}/mentors/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Vikram Mehta" in text and "Meera Iyer" in text
    assert "Unverified Person" not in text
    assert text.index("Vikram Mehta") < text.index("Meera Iyer")  # shared goals rank first
    assert "Shared goals and interests: cardiology, paediatric." in text


def test_full_and_dismissed_mentors_are_hidden(login, program, cohort):
    Enrollment.objects.filter(user=cohort["meera"]).update(seats_taken=2)
    client = login(cohort["mentee"])
    client.post(
        f"/programs/{program.code}/mentors/{cohort['vikram'].code}/mark/", {"kind": "dismiss"}
    )
    assert SuggestionMark.objects.get().kind == "dismiss"
    text = client.get(f"/programs/{program.code}/mentors/").content.decode()
    assert "Vikram Mehta" not in text and "Meera Iyer" not in text


def test_outsider_gets_404(login, outsider, program, cohort):
    client = login(outsider)
    assert client.get(f"/programs/{program.code}/mentors/").status_code == 404
    req = send(program, cohort["mentee"], cohort["vikram"])
    assert client.get(f"/programs/requests/{req.code}/").status_code == 404
    assert client.post(f"/programs/requests/{req.code}/accept/").status_code == 404
    req.refresh_from_db()
    assert req.status == "pending"


def test_mentee_sends_a_request_through_the_page(login, program, cohort):
    client = login(cohort["mentee"])
    url = f"/programs/{program.code}/mentors/{cohort['vikram'].code}/request/"
    assert client.post(url, {"note": "  "}).status_code == 422
    assert not MatchRequest.objects.exists()
    response = client.post(url, {"note": "Could you guide my fellowship application?"})
    req = MatchRequest.objects.get()
    assert response["Location"] == f"/programs/requests/{req.code}/"
    assert (req.mentee, req.mentor, req.status) == (cohort["mentee"], cohort["vikram"], "pending")
    assert req.expires_at > timezone.now() + datetime.timedelta(days=13)
    assert req.reasons  # the mentor sees why the engine thinks it fits
    assert client.post(url, {"note": "again"}).status_code == 409
    assert AuditEvent.objects.filter(action="match_request.sent").count() == 1


def test_requests_beyond_the_limit_are_refused(program, cohort, hospital):
    third = make_mentor(hospital, "third@example.org", "Third Mentor")
    enroll(program, third, "mentor")
    send(program, cohort["mentee"], cohort["vikram"])
    send(program, cohort["mentee"], cohort["meera"])
    with pytest.raises(MatchError) as exc:
        send(program, cohort["mentee"], third)
    assert exc.value.code == "limit"
    assert MatchRequest.objects.count() == 2


def test_not_enrolled_mentee_cannot_request(program, cohort, hospital):
    stranger = make_user("s@example.org")
    add_member(stranger, hospital)
    with pytest.raises(MatchError) as exc:
        send(program, stranger, cohort["vikram"])
    assert exc.value.code == "not_enrolled"


def test_accept_withdraws_the_others_and_fills_capacity(login, program, cohort):
    first = send(program, cohort["mentee"], cohort["vikram"])
    second = send(program, cohort["mentee"], cohort["meera"])
    assert (
        login(cohort["mentee"]).post(f"/programs/requests/{first.code}/accept/").status_code == 403
    )
    response = login(cohort["vikram"]).post(f"/programs/requests/{first.code}/accept/")
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("accepted", "withdrawn")
    seat = Enrollment.objects.get(user=cohort["vikram"])
    assert seat.seats_taken == 1
    try:
        from carementor.mentorships.models import Mentorship
    except ImportError:
        pass
    else:
        assert Mentorship.objects.counting_against_capacity(program, cohort["vikram"]).count() == 1


def test_accept_when_full_is_refused(program, cohort, hospital):
    other = make_user("ravi@example.org", full_name="Ravi Kumar")
    add_member(other, hospital)
    enroll(program, other, "mentee")
    first = send(program, cohort["mentee"], cohort["vikram"])
    second = send(program, other, cohort["vikram"])
    services.request_accept(match_request=first, actor=cohort["vikram"])
    with pytest.raises(MatchError) as exc:
        services.request_accept(match_request=second, actor=cohort["vikram"])
    assert exc.value.code == "full"
    second.refresh_from_db()
    assert second.status == "pending"
    assert Enrollment.objects.get(user=cohort["vikram"]).seats_taken == 1


def test_accepting_an_expired_request(login, program, cohort):
    req = send(program, cohort["mentee"], cohort["vikram"])
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        response = login(cohort["vikram"]).post(f"/programs/requests/{req.code}/accept/")
    assert response.status_code == 409
    assert b"This request has expired." in response.content
    req.refresh_from_db()
    assert req.status == "expired"
    assert Enrollment.objects.get(user=cohort["vikram"]).seats_taken == 0


def test_decline_needs_a_reason_and_ask_answer_cycle(login, program, cohort):
    req = send(program, cohort["mentee"], cohort["vikram"])
    vikram = login(cohort["vikram"])
    assert vikram.post(f"/programs/requests/{req.code}/decline/", {"text": ""}).status_code == 422
    vikram.post(f"/programs/requests/{req.code}/ask/", {"text": "Which hospital?"})
    req.refresh_from_db()
    assert (req.status, req.question) == ("info_requested", "Which hospital?")
    login(cohort["mentee"]).post(f"/programs/requests/{req.code}/answer/", {"text": "Chennai"})
    req.refresh_from_db()
    assert (req.status, req.answer) == ("pending", "Chennai")
    login(cohort["vikram"]).post(f"/programs/requests/{req.code}/decline/", {"text": "Too busy"})
    req.refresh_from_db()
    assert (req.status, req.decline_reason) == ("declined", "Too busy")


def test_sweep_reminds_expires_and_pauses(program, cohort):
    program.pause_after_ignored = 1
    program.save()
    req = send(program, cohort["mentee"], cohort["vikram"])
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        assert services.requests_sweep() == {"expired": 0, "reminded": 1, "paused": 0}
        assert services.requests_sweep()["reminded"] == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        assert services.requests_sweep() == {"expired": 1, "reminded": 0, "paused": 1}
    req.refresh_from_db()
    assert req.status == "expired"
    seat = Enrollment.objects.get(user=cohort["vikram"])
    assert seat.paused_at is not None and seat.ignored_requests == 1


def test_inbox_lists_both_sides(login, program, cohort):
    send(program, cohort["mentee"], cohort["vikram"])
    assert b"Asha Raman" in login(cohort["vikram"]).get("/programs/requests/").content
    assert b"Vikram Mehta" in login(cohort["mentee"]).get("/programs/requests/?box=sent").content


def test_queue_is_for_coordinators(login, coordinator, program, cohort):
    assert login(cohort["mentee"]).get(f"/programs/{program.code}/queue/").status_code == 403
    assert login(coordinator).get(f"/programs/{program.code}/queue/").status_code == 200

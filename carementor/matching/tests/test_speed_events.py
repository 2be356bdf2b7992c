"""Speed-mentoring events: schedule, see one's rounds, choose, conclude into mentorships."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from carementor.audit.models import AuditEvent
from carementor.matching import speed
from carementor.matching.models import SpeedEvent, SpeedInterest, SpeedMeeting
from carementor.mentorships.models import Mentorship
from carementor.programs.models import Enrollment

START = datetime.datetime(2030, 3, 2, 9, 0, tzinfo=datetime.UTC)
AFTER = START + datetime.timedelta(hours=2)


@pytest.fixture
def event(run_cohort, coordinator):  # type: ignore[no-untyped-def]
    return speed.event_create(
        program=run_cohort["program"],
        actor=coordinator,
        title="Grand rounds speed mentoring",
        starts_at=START,
        round_minutes=8,
        rounds=2,
        location="Hall B",
    )


def test_coordinator_schedules_an_event_through_the_page(login, coordinator, run_cohort):
    program = run_cohort["program"]
    client = login(coordinator)
    response = client.post(
        f"/programs/{program.code}/events/new/",
        {"title": "Speed night", "starts_at": "2030-03-02T14:30", "round_minutes": 6, "rounds": 3},
    )
    event = SpeedEvent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/programs/{program.code}/events/{event.code}/"
    # Mary's timezone is Asia/Kolkata: 14:30 there is 09:00 UTC.
    assert event.starts_at == START
    # Two verified mentors, three mentees, three rounds: 6 meetings, nobody twice.
    meetings = list(SpeedMeeting.objects.all())
    assert len(meetings) == 6
    assert len({(m.mentor_id, m.mentee_id) for m in meetings}) == 6
    assert "Uma Unverified" not in {m.mentor.full_name for m in meetings}
    assert {m.table for m in meetings if m.mentor == run_cohort["vikram"]} == {1}
    assert AuditEvent.objects.get(action="speed_event.created").detail == {
        "rounds": 3,
        "meetings": 6,
    }
    page = client.get(f"/programs/{program.code}/events/{event.code}/").content.decode()
    assert "Full rotation" in page and "Recompute the rotation" in page


def test_bad_event_input_writes_nothing(login, coordinator, mentee, outsider, run_cohort):
    program = run_cohort["program"]
    url = f"/programs/{program.code}/events/new/"
    client = login(coordinator)
    bad = client.post(url, {"title": "", "starts_at": "soon", "round_minutes": 1, "rounds": 99})
    assert bad.status_code == 422
    text = bad.content.decode()
    assert "This field is required." in text and "Enter a valid date/time." in text
    assert login(mentee).post(url, {"title": "x"}).status_code == 403
    assert login(outsider).post(url, {"title": "x"}).status_code == 404
    assert login(outsider).get(f"/programs/{program.code}/events/").status_code == 404
    assert not SpeedEvent.objects.exists()


def test_each_participant_sees_their_rounds(login, event, run_cohort, outsider, reviewer):
    program, asha = run_cohort["program"], run_cohort["asha"]
    url = f"/programs/{program.code}/events/{event.code}/"
    page = login(asha).get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Rounds for Asha Raman" in text and "Full rotation" not in text
    mine = SpeedMeeting.objects.filter(event=event, mentee=asha).order_by("round")
    for meeting in mine:
        assert f"<td>{meeting.round}</td>" in text and meeting.mentor.full_name in text
    assert "14:30" in text  # round one in Asha's timezone
    assert "Whom would you like to continue with?" not in text  # not started yet
    assert login(outsider).get(url).status_code == 404
    assert login(reviewer).get(url).status_code == 404  # a member who is not taking part


def test_mutual_interest_becomes_mentorships(login, event, run_cohort, coordinator):
    program = run_cohort["program"]
    asha, ravi, vikram, meera = (run_cohort[k] for k in ("asha", "ravi", "vikram", "meera"))
    met = {(m.mentor_id, m.mentee_id) for m in event.meetings.all()}
    assert (vikram.pk, asha.pk) in met and (meera.pk, ravi.pk) in met
    url = f"/programs/{program.code}/events/{event.code}/"
    with time_machine.travel(AFTER, tick=False):
        chose = login(asha).post(f"{url}interest/", {"chosen": [vikram.code]})
        assert chose.status_code == 302
        login(vikram).post(f"{url}interest/", {"chosen": [asha.code]})
        login(ravi).post(f"{url}interest/", {"chosen": [meera.code]})
        # Meera does not choose Ravi back: no mentorship for them.
        assert SpeedInterest.objects.count() == 3
        member = login(asha).post(f"{url}conclude/")
        assert member.status_code == 403
        response = login(coordinator).post(f"{url}conclude/")
    assert response.status_code == 302
    mentorship = Mentorship.objects.get()
    assert mentorship.source == "speed_event"
    assert {p.user_id for p in mentorship.parties.all()} == {asha.pk, vikram.pk}
    assert Enrollment.objects.get(user=vikram).seats_taken == 1
    event.refresh_from_db()
    assert event.status == "concluded" and event.concluded_at is not None
    assert AuditEvent.objects.get(action="speed_event.concluded").detail == {"mentorships": 1}
    with time_machine.travel(AFTER, tick=False):
        again = login(coordinator).post(f"{url}conclude/")
    assert again.status_code == 409 and Mentorship.objects.count() == 1


def test_interest_rules(login, event, run_cohort):
    program, asha, lina = run_cohort["program"], run_cohort["asha"], run_cohort["lina"]
    url = f"/programs/{program.code}/events/{event.code}/interest/"
    before = login(asha).post(url, {"chosen": [run_cohort["vikram"].code]})
    assert before.status_code == 409
    with time_machine.travel(AFTER, tick=False):
        stranger = login(asha).post(url, {"chosen": [lina.code]})
        unknown = login(asha).post(url, {"chosen": ["nobody"]})
    assert stranger.status_code == 422 and unknown.status_code == 422
    assert "You can only choose people you met." in stranger.content.decode()
    assert not SpeedInterest.objects.exists()


def test_conclude_before_the_event_is_refused(login, event, run_cohort, coordinator):
    url = f"/programs/{run_cohort['program'].code}/events/{event.code}/conclude/"
    assert login(coordinator).post(url).status_code == 409
    assert not Mentorship.objects.exists()


def test_reschedule_only_before_start(login, event, run_cohort, coordinator):
    url = f"/programs/{run_cohort['program'].code}/events/{event.code}/schedule/"
    Enrollment.objects.filter(user=run_cohort["meera"]).update(status="withdrawn")
    assert login(coordinator).post(url).status_code == 302
    assert set(SpeedMeeting.objects.values_list("mentor__full_name", flat=True)) == {"Vikram Mehta"}
    with time_machine.travel(AFTER, tick=False):
        assert login(coordinator).post(url).status_code == 409
    assert timezone.now() < START


def test_events_through_the_api(login, run_cohort, coordinator, outsider):
    program, asha, vikram = run_cohort["program"], run_cohort["asha"], run_cohort["vikram"]
    base = f"/api/v1/programs/{program.code}/events"
    client = login(coordinator)
    bad = client.post(
        base,
        {"title": "x", "starts_at": "2030-03-02T09:00:00Z", "rounds": 0},
        content_type="application/json",
    )
    assert bad.status_code == 422 and not SpeedEvent.objects.exists()
    created = client.post(
        base,
        {
            "title": "API speed",
            "starts_at": "2030-03-02T09:00:00Z",
            "rounds": 2,
            "round_minutes": 5,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "scheduled" and len(body["meetings"]) == 4
    code = body["code"]
    mine = login(asha).get(f"{base}/{code}").json()["meetings"]
    assert mine and all(m["mentee"] == asha.code for m in mine)
    assert mine[0]["starts_at"] in ("2030-03-02T09:00:00Z", "2030-03-02T09:05:00Z")
    assert login(outsider).get(f"{base}/{code}").status_code == 404
    assert login(outsider).get(base).status_code == 404
    with time_machine.travel(AFTER, tick=False):
        for chooser, chosen in ((asha, vikram), (vikram, asha)):
            put = login(chooser).put(
                f"{base}/{code}/interest",
                {"chosen": [chosen.code]},
                content_type="application/json",
            )
            assert put.status_code == 204
        assert login(asha).post(f"{base}/{code}/conclude").status_code == 403
        done = login(coordinator).post(f"{base}/{code}/conclude")
    assert done.status_code == 200
    assert done.json() == {"mentorships": [Mentorship.objects.get().code]}

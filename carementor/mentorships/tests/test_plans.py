"""Goals, action items, the action plan across mentorships and the mentoring network."""

import datetime as dt

from django.utils import timezone

from carementor.mentorships.models import ActionItem, Goal, GoalProgress, Phase
from carementor.mentorships.plans import GoalData, action_item_create, goal_create
from carementor.mentorships.tests.helpers import make_mentorship, make_program
from carementor.notifications.models import Notification
from carementor.profiles.models import Competency


def test_goal_with_competency_and_progress_over_time(login, mentorship, mentee):
    competency = Competency.objects.filter(is_digital=True).first()
    assert competency is not None
    client = login(mentee)
    response = client.post(
        f"/mentorships/{mentorship.code}/plan/goals/",
        {
            "title": "Lead a sepsis-bundle audit",
            "measure": "Audit presented at grand rounds",
            "target_date": "2026-12-01",
            "competencies": [competency.code],
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert list(goal.competencies.all()) == [competency]
    client.post(
        f"/mentorships/{mentorship.code}/plan/goals/{goal.code}/progress/", {"progress": 40}
    )
    client.post(
        f"/mentorships/{mentorship.code}/plan/goals/{goal.code}/progress/", {"progress": 100}
    )
    goal.refresh_from_db()
    assert goal.status == "achieved"
    assert list(GoalProgress.objects.values_list("progress", flat=True)) == [0, 40, 100]
    bad = client.post(
        f"/mentorships/{mentorship.code}/plan/goals/{goal.code}/progress/", {"progress": 140}
    )
    assert bad.status_code == 302
    goal.refresh_from_db()
    assert goal.progress == 100
    page = client.get(f"/mentorships/{mentorship.code}/plan/").content.decode()
    assert "0% (" in page and "40% (" in page and competency.name in page


def test_action_item_assign_complete_and_overdue(login, mentorship, mentor, mentee):
    response = login(mentor).post(
        f"/mentorships/{mentorship.code}/plan/actions/",
        {"title": "Read the NICE sepsis guideline", "owner": mentee.code, "due_on": "2020-01-01"},
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert item.owner == mentee and item.is_overdue
    assert Notification.objects.filter(recipient=mentee, kind="action_item_assigned").exists()
    plan = login(mentee).get("/mentorships/action-plan/").content.decode()
    assert "Read the NICE sepsis guideline" in plan and "Overdue" in plan
    login(mentee).post(
        f"/mentorships/{mentorship.code}/plan/actions/{item.code}/done/",
        {"done": "1", "next": "action_plan"},
    )
    item.refresh_from_db()
    assert item.done_at is not None


def test_owner_must_be_a_party(login, mentorship, mentor, outsider):
    response = login(mentor).post(
        f"/mentorships/{mentorship.code}/plan/actions/", {"title": "x", "owner": outsider.code}
    )
    assert response.status_code == 422
    assert not ActionItem.objects.exists()


def test_plan_pages_are_party_only(login, mentorship, coordinator, outsider, mentee):
    goal = goal_create(mentorship=mentorship, user=mentee, data=GoalData(title="Secret goal"))
    for user in (coordinator, outsider):
        client = login(user)
        assert client.get(f"/mentorships/{mentorship.code}/plan/").status_code == 404
        assert (
            client.post(f"/mentorships/{mentorship.code}/plan/goals/", {"title": "x"}).status_code
            == 404
        )
        assert (
            client.post(
                f"/mentorships/{mentorship.code}/plan/goals/{goal.code}/progress/", {"progress": 9}
            ).status_code
            == 404
        )
        assert "Secret goal" not in client.get("/mentorships/action-plan/").content.decode()
    assert Goal.objects.count() == 1


def test_network_by_role_with_gaps(login, hospital, trust, mentor, mentee, outsider, mentorship):
    other = make_program(trust, name="Leadership sponsors")
    sponsor = make_mentorship(other, outsider, mentee, role="sponsor")
    closed = make_mentorship(make_program(hospital, name="Old"), mentor, mentee, role="coach")
    closed.phase, closed.closed_at = Phase.CLOSED, timezone.now()
    closed.save()
    page = login(mentee).get("/mentorships/network/").content.decode()
    assert "Leadership sponsors" in page and sponsor.code in page
    assert "Roles nobody fills for you yet:" in page
    gaps = page[page.index("Roles nobody fills") :]
    assert "Coach" in gaps and "Advisor" in gaps and "Sponsor" not in gaps


def test_action_item_create_refuses_blank(mentorship, mentor):
    import pytest

    from carementor.mentorships.services import MentorshipError

    with pytest.raises(MentorshipError):
        action_item_create(mentorship=mentorship, user=mentor, title="  ", owner=mentor)
    assert timezone.localdate() > dt.date(2020, 1, 1)


def test_dashboard_shows_overdue_actions_and_next_meetings(login, mentorship, mentor, mentee):
    from carementor.mentorships.meetings import MeetingData, meeting_schedule

    action_item_create(
        mentorship=mentorship,
        user=mentor,
        title="Draft the audit proposal",
        owner=mentee,
        due_on=timezone.localdate() - dt.timedelta(days=2),
    )
    meeting_schedule(
        mentorship=mentorship,
        user=mentor,
        data=MeetingData(
            starts_at=timezone.now() + dt.timedelta(days=2), duration_minutes=30, mode="phone"
        ),
    )
    page = login(mentee).get("/dashboard/").content.decode()
    assert "Overdue actions" in page and "Draft the audit proposal" in page
    assert "Next mentoring meetings" in page
    mentor_page = login(mentor).get("/dashboard/").content.decode()
    assert "Draft the audit proposal" not in mentor_page

"""A coordinator sets up a go-live, a super-user passes a milestone, the team answers the
pulse, and the report shows it only once five have answered. Outsiders see nothing."""

import pytest
from django.utils import timezone

from carementor.audit.models import AuditEvent
from carementor.golive.models import GoLive, Issue, IssueStatus, Milestone, PulseResponse
from carementor.golive.services import site_today
from carementor.golive.tests.helpers import (
    answer,
    colleagues,
    make_golive,
    make_team,
)
from carementor.lib.testing import assert_flat_queries
from carementor.notifications.models import Notification


@pytest.fixture
def golive(hospital, coordinator):  # type: ignore[no-untyped-def]
    return make_golive(hospital, coordinator)


@pytest.fixture
def team(golive, coordinator, mentor, mentee):  # type: ignore[no-untyped-def]
    return make_team(golive, coordinator, coach=mentor, members=[mentee])


def test_a_coordinator_sets_up_a_go_live_on_the_pages(login, coordinator, mentor, mentee, hospital):
    client = login(coordinator)
    response = client.post(
        "/golive/",
        {
            "organization": hospital.code,
            "name": "Ward 7 EHR go-live",
            "site": "Paediatric ward 7",
            "technology": "ehr",
            "go_live_on": timezone.localdate().isoformat(),
        },
    )
    golive = GoLive.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/golive/{golive.code}/"
    assert client.post(f"/golive/{golive.code}/teams/", {"name": "Night shift"}).status_code == 302
    team = golive.teams.get()
    added = client.post(
        f"/golive/{golive.code}/members/",
        {"team": team.code, "email": mentor.email, "role": "coach"},
    )
    assert added.status_code == 302
    client.post(
        f"/golive/{golive.code}/members/",
        {"team": team.code, "email": mentee.email, "role": "member"},
    )
    stranger = client.post(
        f"/golive/{golive.code}/members/",
        {"team": team.code, "email": "tom@example.org", "role": "member"},
    )
    assert stranger.status_code == 422
    assert Notification.objects.filter(recipient=mentor, kind="golive_team_joined").exists()
    client.post(f"/golive/{golive.code}/checklist/", {"title": "Super-users trained"})
    client.post(
        f"/golive/{golive.code}/milestones/",
        {"title": "Go-live day", "due_on": timezone.localdate().isoformat()},
    )
    client.post(
        f"/golive/{golive.code}/pairs/",
        {"junior": mentee.code, "senior": mentor.code, "focus": "Order sets"},
    )
    html = client.get(f"/golive/{golive.code}/").content.decode()
    assert "Night shift" in html and "Super-users trained" in html and "Go-live day" in html
    assert "Asha Raman coaches Vikram Mehta" in html
    assert AuditEvent.objects.filter(action="golive.created", actor=coordinator).exists()


def test_the_coach_passes_and_the_team_answers_the_pulse(
    login, golive, team, mentor, mentee, hospital
):
    item = golive.checklist.create(title="Downtime procedure printed")
    milestone = Milestone.objects.create(
        golive=golive, title="Go-live day", due_on=timezone.localdate()
    )
    client = login(mentee)
    # A member may neither tick the checklist nor pass a milestone.
    assert (
        client.post(f"/golive/{golive.code}/checklist/{item.code}/", {"done": "1"}).status_code
        == 403
    )
    assert (
        client.post(f"/golive/{golive.code}/milestones/{milestone.code}/pass/").status_code == 403
    )
    assert client.get(f"/golive/{golive.code}/pulse/{milestone.code}/").status_code == 200
    early = client.post(
        f"/golive/{golive.code}/pulse/{milestone.code}/",
        {"confidence": "4", "support": "4", "care": "4", "workload": "3"},
    )
    assert early.status_code == 409  # not passed yet

    client.force_login(mentor)
    assert (
        client.post(f"/golive/{golive.code}/checklist/{item.code}/", {"done": "1"}).status_code
        == 302
    )
    assert (
        client.post(f"/golive/{golive.code}/milestones/{milestone.code}/pass/").status_code == 302
    )
    milestone.refresh_from_db()
    assert milestone.passed_on == site_today(golive) and milestone.passed_by == mentor
    assert Notification.objects.filter(recipient=mentee, kind="golive_pulse_open").exists()

    client.force_login(mentee)
    sent = client.post(
        f"/golive/{golive.code}/pulse/{milestone.code}/",
        {"confidence": "4", "support": "5", "care": "4", "workload": "2", "comment": "Busy week"},
    )
    assert sent.status_code == 302
    again = client.post(
        f"/golive/{golive.code}/pulse/{milestone.code}/",
        {"confidence": "1", "support": "1", "care": "1", "workload": "1"},
    )
    assert again.status_code == 409 and PulseResponse.objects.count() == 1
    report = client.get(f"/golive/{golive.code}/report/").content.decode()
    assert "Fewer than 5 answers: withheld" in report and "Busy week" not in report
    assert "1 of 1" in report  # milestones passed, checklist done

    for person in colleagues(hospital, 4):
        from carementor.golive.services import member_add

        member_add(team=team, user=person, role="member", actor=mentor)
        answer(milestone, person, 4, "More printers please")
    report = client.get(f"/golive/{golive.code}/report/").content.decode()
    assert "withheld" not in report.split("pulse-table")[1].split("</table>")[0]
    assert "<svg" in report and "More printers please" in report and "Busy week" in report


def test_issues_are_shared_and_resolved_by_coaches(login, golive, team, mentor, mentee):
    client = login(mentee)
    raised = client.post(
        f"/golive/{golive.code}/issues/",
        {"title": "Label printer offline", "severity": "high", "team": team.code},
    )
    assert raised.status_code == 302
    issue = Issue.objects.get()
    assert Notification.objects.filter(recipient=mentor, kind="golive_issue_raised").exists()
    assert (
        client.post(
            f"/golive/{golive.code}/issues/{issue.code}/resolve/", {"resolution": "x"}
        ).status_code
        == 403
    )
    bad = client.post(f"/golive/{golive.code}/issues/", {"title": "", "severity": "high"})
    assert bad.status_code == 422
    client.force_login(mentor)
    assert (
        "Label printer offline"
        in client.get(f"/golive/{golive.code}/issues/?status=open").content.decode()
    )
    done = client.post(
        f"/golive/{golive.code}/issues/{issue.code}/resolve/", {"resolution": "Driver reinstalled"}
    )
    assert done.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED and issue.resolved_by == mentor


@pytest.mark.parametrize(
    "path",
    ["/", "/issues/", "/report/"],
)
def test_outsiders_and_other_members_get_404(login, golive, team, outsider, reviewer, path):
    client = login(outsider)
    assert client.get(f"/golive/{golive.code}{path}").status_code == 404
    client.force_login(reviewer)  # a member of the organization, not of the go-live
    assert client.get(f"/golive/{golive.code}{path}").status_code == 404
    assert golive.code not in client.get("/golive/").content.decode()


def test_the_lists_run_flat_queries(login, golive, team, coordinator, hospital):
    client = login(coordinator)

    def add_golives(k: int) -> None:
        for i in range(k):
            make_golive(
                hospital, coordinator, name=f"Telehealth clinic {GoLive.objects.count()}-{i}"
            )

    assert_flat_queries(lambda: client.get("/golive/"), add_golives)

    from carementor.golive.services import issue_raise

    def add_issues(k: int) -> None:
        for i in range(k):
            issue_raise(
                golive=golive, title=f"Issue {i}", severity="low", actor=coordinator, team=team
            )

    assert_flat_queries(lambda: client.get(f"/golive/{golive.code}/issues/"), add_issues)

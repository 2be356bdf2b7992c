"""The API twin: set up a go-live, pass a milestone, answer the pulse, read the report."""

import pytest
from django.test import Client
from django.utils import timezone

from carementor.accounts.services import token_create
from carementor.golive.models import GoLive, PulseResponse
from carementor.golive.tests.helpers import answer, colleagues, make_golive, make_team
from carementor.lib.testing import assert_flat_queries


def api(user) -> Client:  # type: ignore[no-untyped-def]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user, 'golive')[1]}")


def test_a_go_live_end_to_end_through_the_api(coordinator, mentor, mentee, hospital):
    boss = api(coordinator)
    created = boss.post(
        "/api/v1/golive/golives",
        {
            "organization": hospital.code,
            "name": "Telehealth clinic",
            "site": "Outpatients",
            "technology": "telehealth",
            "go_live_on": timezone.localdate().isoformat(),
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    team = boss.post(
        f"/api/v1/golive/golives/{code}/teams",
        {"name": "Clinic A"},
        content_type="application/json",
    ).json()
    for person, role in ((mentor, "coach"), (mentee, "member")):
        r = boss.put(
            f"/api/v1/golive/golives/{code}/teams/{team['code']}/members",
            {"person": person.code, "role": role},
            content_type="application/json",
        )
        assert r.status_code == 200 and r.json()["role"] == role
    item = boss.post(
        f"/api/v1/golive/golives/{code}/checklist",
        {"title": "Headsets tested"},
        content_type="application/json",
    ).json()
    milestone = boss.post(
        f"/api/v1/golive/golives/{code}/milestones",
        {"title": "First video clinic", "due_on": timezone.localdate().isoformat()},
        content_type="application/json",
    ).json()
    pair = boss.post(
        f"/api/v1/golive/golives/{code}/pairs",
        {"junior": mentee.code, "senior": mentor.code, "focus": "Video etiquette"},
        content_type="application/json",
    )
    assert pair.status_code == 201 and pair.json()["junior_name"] == "Asha Raman"

    member = api(mentee)
    detail = member.get(f"/api/v1/golive/golives/{code}").json()
    assert detail["my_roles"] == ["member"] and detail["teams"][0]["name"] == "Clinic A"
    assert (
        member.post(
            f"/api/v1/golive/golives/{code}/milestones/{milestone['code']}/pass"
        ).status_code
        == 403
    )
    coach = api(mentor)
    assert (
        coach.put(
            f"/api/v1/golive/golives/{code}/checklist/{item['code']}",
            {"done": True},
            content_type="application/json",
        ).json()["done"]
        is True
    )
    passed = coach.post(f"/api/v1/golive/golives/{code}/milestones/{milestone['code']}/pass")
    assert passed.status_code == 200 and passed.json()["passed"] is True
    assert (
        coach.post(f"/api/v1/golive/golives/{code}/milestones/{milestone['code']}/pass").json()[
            "code"
        ]
        == "passed"
    )

    pulse = {"confidence": 4, "support": 5, "care": 4, "workload": 3, "comment": "Going well"}
    url = f"/api/v1/golive/golives/{code}/milestones/{milestone['code']}/pulse"
    assert member.post(url, pulse, content_type="application/json").status_code == 201
    again = member.post(url, pulse, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "answered"
    assert (
        member.post(url, {**pulse, "care": 9}, content_type="application/json").status_code == 422
    )

    issue = member.post(
        f"/api/v1/golive/golives/{code}/issues",
        {"title": "Echo on calls", "severity": "medium"},
        content_type="application/json",
    ).json()
    resolved = coach.post(
        f"/api/v1/golive/golives/{code}/issues/{issue['code']}/resolve",
        {"resolution": "Headset swapped"},
        content_type="application/json",
    )
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"

    report = member.get(f"/api/v1/golive/golives/{code}/report").json()
    assert (
        report["progress"]["milestones_passed"] == 1 and report["progress"]["checklist_done"] == 1
    )
    assert report["progress"]["open_issues"] == 0 and report["pairs"] == 1
    overall = report["pulse"][0]["overall"]
    assert overall == {
        "label": "Whole go-live",
        "people": 1,
        "withheld": True,
        "means": {},
        "comments": [],
    }


def test_the_report_shows_the_pulse_of_five(coordinator, mentor, mentee, hospital):
    golive = make_golive(hospital, coordinator)
    team = make_team(golive, coordinator, coach=mentor, members=colleagues(hospital, 5))
    from carementor.golive.tests.helpers import passed_milestone

    milestone = passed_milestone(golive, mentor)
    for i, member in enumerate(team.members.filter(role="member").order_by("id")):
        answer(
            milestone, member.user, 3 + i % 2, "Need more super-users at night" if i == 0 else ""
        )
    assert PulseResponse.objects.count() == 5
    report = api(mentor).get(f"/api/v1/golive/golives/{golive.code}/report").json()
    overall = report["pulse"][0]["overall"]
    assert overall["withheld"] is False and overall["people"] == 5
    assert overall["means"]["confidence"] == pytest.approx(3.4)
    assert overall["comments"] == ["Need more super-users at night"]
    assert report["pulse"][0]["teams"][0]["label"] == "Day shift"


def test_outsiders_get_404_and_members_cannot_manage(golive_world, outsider, mentee, reviewer):
    code = golive_world.code
    for user in (outsider, reviewer):
        client = api(user)
        assert client.get(f"/api/v1/golive/golives/{code}").status_code == 404
        assert client.get(f"/api/v1/golive/golives/{code}/report").status_code == 404
        assert (
            client.post(
                f"/api/v1/golive/golives/{code}/issues",
                {"title": "x", "severity": "low"},
                content_type="application/json",
            ).status_code
            == 404
        )
        assert client.get("/api/v1/golive/golives").json()["count"] == 0
    member = api(mentee)
    assert (
        member.post(
            f"/api/v1/golive/golives/{code}/teams",
            {"name": "Mine"},
            content_type="application/json",
        ).status_code
        == 403
    )
    created = api(outsider).post(
        "/api/v1/golive/golives",
        {
            "organization": golive_world.organization.code,
            "name": "x",
            "site": "y",
            "technology": "ai",
            "go_live_on": "2027-01-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 422 and GoLive.objects.count() == 1


@pytest.fixture
def golive_world(hospital, coordinator, mentor, mentee):  # type: ignore[no-untyped-def]
    golive = make_golive(hospital, coordinator)
    make_team(golive, coordinator, coach=mentor, members=[mentee])
    return golive


def test_the_api_lists_run_flat_queries(golive_world, coordinator, hospital):
    client = api(coordinator)
    from carementor.golive.services import issue_raise, pair_add

    assert_flat_queries(
        lambda: client.get("/api/v1/golive/golives"),
        lambda k: [
            make_golive(hospital, coordinator, name=f"G{GoLive.objects.count()}") for _ in range(k)
        ],
    )
    assert_flat_queries(
        lambda: client.get(f"/api/v1/golive/golives/{golive_world.code}/issues"),
        lambda k: [
            issue_raise(golive=golive_world, title="Slow login", severity="low", actor=coordinator)
            for _ in range(k)
        ],
    )
    people = iter(colleagues(hospital, 12, "pair"))
    assert_flat_queries(
        lambda: client.get(f"/api/v1/golive/golives/{golive_world.code}/pairs"),
        lambda k: [
            pair_add(
                golive=golive_world, junior=next(people), senior=next(people), actor=coordinator
            )
            for _ in range(k)
        ],
    )

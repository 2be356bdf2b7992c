"""Every page and its API twin go through one gate: for every role, both allow or both deny."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from carementor.accounts.services import token_create
from carementor.credentials.models import ReviewPolicy
from carementor.credentials.tests.helpers import make_credential
from carementor.golive.tests.helpers import make_golive, make_team
from carementor.logbooks.services import entry_log
from carementor.mentorships.tests.helpers import make_mentorship, make_program
from carementor.profiles.models import Competency
from carementor.programs.models import ImportBatch

ROLES = ["mentee", "mentor", "coordinator", "reviewer", "org_admin", "outsider"]


@pytest.fixture
def world(hospital: Any, mentee: Any, mentor: Any, coordinator: Any) -> dict[str, str]:
    program = make_program(hospital)
    mentorship = make_mentorship(program, mentor, mentee)
    credential = make_credential(mentor, hospital)
    batch = ImportBatch.objects.create(program=program, filename="cohort.csv")
    golive = make_golive(hospital, coordinator)
    make_team(golive, coordinator, coach=mentor, members=[mentee])
    entry = entry_log(
        user=mentee,
        competency=Competency.objects.get(code="point-of-care-ultrasound"),
        activity="FAST scan",
        performed_on=timezone.localdate(),
        level=2,
        observer=mentor,
    )
    return {
        "golive": golive.code,
        "entry": entry.code,
        "org": hospital.code,
        "program": program.code,
        "import": batch.code,
        "mentorship": mentorship.code,
        "credential": credential.code,
    }


# (what, page request, API request): each a function of the world giving (method, url, data).
Request = Callable[[dict[str, str]], tuple[str, str, dict[str, Any]]]
PAIRS: list[tuple[str, Request, Request]] = [
    (
        "organization",
        lambda w: ("get", f"/organizations/{w['org']}/", {}),
        lambda w: ("get", f"/api/v1/organizations/{w['org']}", {}),
    ),
    (
        "organization members",
        lambda w: ("get", f"/organizations/{w['org']}/members/", {}),
        lambda w: ("get", f"/api/v1/organizations/{w['org']}/members", {}),
    ),
    (
        "programme",
        lambda w: ("get", f"/programs/{w['program']}/", {}),
        lambda w: ("get", f"/api/v1/programs/{w['program']}", {}),
    ),
    (
        "mentorship",
        lambda w: ("get", f"/mentorships/{w['mentorship']}/", {}),
        lambda w: ("get", f"/api/v1/mentorships/{w['mentorship']}", {}),
    ),
    (
        "mentorship agreement",
        lambda w: ("get", f"/mentorships/{w['mentorship']}/agreement/", {}),
        lambda w: ("get", f"/api/v1/mentorships/{w['mentorship']}/agreement", {}),
    ),
    (
        "relationship health",
        lambda w: ("get", f"/mentorships/oversee/{w['org']}/", {}),
        lambda w: ("get", f"/api/v1/mentorships/oversee/{w['org']}", {}),
    ),
    (
        "own credential",
        lambda w: ("get", f"/credentials/{w['credential']}/", {}),
        lambda w: ("get", f"/api/v1/credentials/{w['credential']}", {}),
    ),
    (
        "review queue",
        lambda w: ("get", f"/credentials/review/org/{w['org']}/", {}),
        lambda w: ("get", f"/api/v1/credentials/review-queues/{w['org']}", {}),
    ),
    (
        "credential under review",
        lambda w: ("get", f"/credentials/review/{w['credential']}/", {}),
        lambda w: ("get", f"/api/v1/credentials/review/{w['credential']}", {}),
    ),
    (
        "action plan and goals",
        lambda w: ("get", f"/mentorships/{w['mentorship']}/plan/", {}),
        lambda w: ("get", f"/api/v1/mentorships/{w['mentorship']}/goals", {}),
    ),
    (
        "messages",
        lambda w: ("get", f"/mentorships/{w['mentorship']}/messages/", {}),
        lambda w: ("get", f"/api/v1/mentorships/{w['mentorship']}/messages", {}),
    ),
    (
        "certificate rules",
        lambda w: ("get", f"/certificates/programs/{w['program']}/rules/", {}),
        lambda w: ("get", f"/api/v1/certificates/programs/{w['program']}/rules", {}),
    ),
    (
        "programme completion",
        lambda w: ("get", f"/certificates/programs/{w['program']}/completion/", {}),
        lambda w: ("get", f"/api/v1/certificates/programs/{w['program']}/completion", {}),
    ),
    (
        "certificate settings",
        lambda w: ("get", f"/certificates/settings/{w['org']}/", {}),
        lambda w: ("get", f"/api/v1/certificates/settings/{w['org']}", {}),
    ),
    (
        "participant import",
        lambda w: ("get", f"/programs/{w['program']}/import/{w['import']}/", {}),
        lambda w: ("get", f"/api/v1/programs/{w['program']}/imports/{w['import']}", {}),
    ),
    (
        "programme learning",
        lambda w: ("get", f"/learning/programs/{w['program']}/", {}),
        lambda w: ("get", f"/api/v1/learning/programs/{w['program']}/modules", {}),
    ),
    (
        "review policy",
        lambda w: ("post", f"/credentials/review/org/{w['org']}/policy/", {"four_eyes": "on"}),
        lambda w: (
            "put",
            f"/api/v1/credentials/review-queues/{w['org']}/policy",
            {"four_eyes": True},
        ),
    ),
    (
        "logbook entry",
        lambda w: ("get", f"/logbooks/entries/{w['entry']}/", {}),
        lambda w: ("get", f"/api/v1/logbooks/entries/{w['entry']}", {}),
    ),
    (
        "logbook rules",
        lambda w: ("get", f"/logbooks/programs/{w['program']}/requirements/", {}),
        lambda w: ("get", f"/api/v1/logbooks/programs/{w['program']}/requirements", {}),
    ),
    (
        "well-being programme trend",
        lambda w: ("get", f"/wellbeing/programs/{w['program']}/", {}),
        lambda w: ("get", f"/api/v1/wellbeing/programs/{w['program']}/trend", {}),
    ),
    (
        "support contacts",
        lambda w: (
            "post",
            f"/wellbeing/organizations/{w['org']}/support/",
            {"eap_name": "Staff help"},
        ),
        lambda w: (
            "put",
            f"/api/v1/wellbeing/organizations/{w['org']}/support",
            {"eap_name": "Staff help"},
        ),
    ),
    (
        "go-live",
        lambda w: ("get", f"/golive/{w['golive']}/", {}),
        lambda w: ("get", f"/api/v1/golive/golives/{w['golive']}", {}),
    ),
    (
        "go-live issues",
        lambda w: ("get", f"/golive/{w['golive']}/issues/", {}),
        lambda w: ("get", f"/api/v1/golive/golives/{w['golive']}/issues", {}),
    ),
    (
        "go-live report",
        lambda w: ("get", f"/golive/{w['golive']}/report/", {}),
        lambda w: ("get", f"/api/v1/golive/golives/{w['golive']}/report", {}),
    ),
    (
        "go-live team",
        lambda w: ("post", f"/golive/{w['golive']}/teams/", {"name": "Night shift"}),
        lambda w: (
            "post",
            f"/api/v1/golive/golives/{w['golive']}/teams",
            {"name": "Night shift 2"},
        ),
    ),
]


def _allowed(status: int) -> bool:
    assert status in (200, 201, 204, 302, 403, 404), status
    return status < 400


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("what", "page", "twin"), PAIRS, ids=[p[0] for p in PAIRS])
def test_the_page_and_its_api_twin_agree(
    request: pytest.FixtureRequest, world, role, what, page, twin
):
    user = request.getfixturevalue(role)
    browser = Client()
    browser.force_login(user)
    method, url, data = page(world)
    page_allowed = _allowed(getattr(browser, method)(url, data).status_code)

    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user, 'pairs')[1]}")
    method, url, data = twin(world)
    if method == "get":
        response = api.get(url)
    else:
        response = getattr(api, method)(url, data, content_type="application/json")
    assert (page_allowed, _allowed(response.status_code)) in ((True, True), (False, False)), (
        role,
        what,
        page_allowed,
        response.status_code,
    )


def test_only_organization_admins_set_the_review_policy(client, world, org_admin, reviewer):
    """Whether or not they review: the policy is an organization setting."""
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(reviewer, 'pairs')[1]}")
    url = f"/api/v1/credentials/review-queues/{world['org']}/policy"
    assert api.put(url, {"four_eyes": True}, content_type="application/json").status_code == 404
    client.force_login(org_admin)
    response = client.post(f"/credentials/review/org/{world['org']}/policy/", {"four_eyes": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/organizations/{world['org']}/"
    assert ReviewPolicy.objects.get(organization__code=world["org"]).four_eyes is True

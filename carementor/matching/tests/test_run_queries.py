"""The runs list and a run's proposals, on the page and in the API, cost a fixed number of
queries however many runs, proposals and unmatched people there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carementor.lib.testing import add_member, make_user
from carementor.matching.models import MatchProposal, MatchRun
from carementor.programs.tests.conftest import enroll

LIMIT = 15
# Pages also pay the layout (session, membership, MFA, unread count: 11 queries today), which
# the web-tier work caches; what a run page adds itself stays at 6.
PAGE_LIMIT = 20


def grow(program, hospital, run, n):
    """n more runs, and n more proposals and unmatched people on ``run``."""
    start = MatchProposal.objects.count() + MatchRun.objects.count()
    for i in range(n):
        MatchRun.objects.create(program=program, status="discarded", stats={"mentees": i})
        mentee = make_user(f"q{start + i}@example.org", full_name=f"Mentee {start + i}")
        mentor = make_user(f"r{start + i}@example.org", full_name=f"Mentor {start + i}")
        for person in (mentee, mentor):
            add_member(person, hospital)
        enroll(program, mentee, "mentee")
        enroll(program, mentor, "mentor")
        MatchProposal.objects.create(run=run, mentee=mentee, mentor=mentor, score=0.5)
        run.unmatched.append({"user": mentee.code, "name": mentee.full_name, "code": "no_seats"})
    run.save(update_fields=["unmatched"])


def count(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    "path",
    [
        "/programs/{p}/runs/",
        "/programs/{p}/runs/{r}/",
        "/programs/{p}/runs/{r}/?page=2",
        "/programs/{p}/runs/{r}/?unmatched=2",
        "/api/v1/programs/{p}/runs",
        "/api/v1/programs/{p}/runs/{r}",
        "/api/v1/programs/{p}/runs/{r}/proposals",
        "/api/v1/programs/{p}/runs/{r}/proposals?offset=20",
    ],
)
def test_query_count_does_not_grow_with_rows(login, coordinator, run_cohort, hospital, path):
    program = run_cohort["program"]
    client = login(coordinator)
    client.post(f"/programs/{program.code}/runs/start/", {"mode": "optimal"})
    run = MatchRun.objects.get()
    url = path.format(p=program.code, r=run.code)
    grow(program, hospital, run, 5)
    client.get(url)  # warm the per-person layout cache, as any second page view finds it
    small = count(client, url)
    grow(program, hospital, run, 60)
    if "unmatched=2" in url:
        page = client.get(url).content.decode()
        assert "65 people" in page and "Page 2 of 2" in page
    large = count(client, url)
    assert large == small <= (PAGE_LIMIT if path.startswith("/programs") else LIMIT), (small, large)

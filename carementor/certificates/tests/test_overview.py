"""The coordinators' completion table: same verdicts as each person's own checklist, in a
fixed number of queries, for coordinators only."""

from decimal import Decimal

import pytest
from django.utils import timezone

from carementor.certificates.completion import checklist
from carementor.certificates.overview import overview, participants
from carementor.certificates.tests.helpers import finished_mentorship, progress, rule
from carementor.learning.models import Module, ModuleProgress, Quiz, QuizProgress
from carementor.lib.testing import add_member, make_user
from carementor.mentorships.tests.helpers import make_mentorship
from carementor.programs.models import Enrollment

pytestmark = pytest.mark.django_db


def people(hospital, n):  # type: ignore[no-untyped-def]
    found = []
    for i in range(n):
        user = make_user(f"trainee{i}@example.org", full_name=f"Trainee {i:02d}")
        add_member(user, hospital)
        found.append(user)
    return found


def test_overview_agrees_with_each_checklist(program, hospital, mentor, mentee, reviewer):
    finished_mentorship(program, mentor, mentee)
    progress(make_mentorship(program, mentor, reviewer), meetings=1, open_goals=("Audit",))
    Enrollment.objects.create(
        program=program, user=reviewer, role="both", status=Enrollment.Status.APPROVED
    )
    module = Module.objects.create(
        program=program, title="Agenda", audience="mentees", required=True
    )
    quiz = Quiz.objects.create(program=program, title="Check", required=True)
    ModuleProgress.objects.create(
        module=module, user=mentee, opened_at=timezone.now(), completed_at=timezone.now()
    )
    QuizProgress.objects.create(quiz=quiz, user=reviewer, passed_at=timezone.now())
    rule(
        program,
        "mentee",
        meetings_held=2,
        goals_achieved=1,
        all_goals_achieved=True,
        modules_completed=True,
        quizzes_passed=True,
        closure_survey=True,
    )
    rule(program, "mentor", meetings_held=3)
    pairs = participants(program)
    assert len(pairs) == 4  # Asha (mentee), Priya (mentee, mentor), Vikram (mentor)
    rows = overview(program, pairs)
    for row in rows:
        own = checklist(row.user, program, row.checklist.role)
        assert row.checklist.items == own.items, (row.user, row.checklist.role)
        assert row.checklist.completed_on == own.completed_on


def test_page_costs_a_fixed_number_of_queries(
    login, coordinator, program, hospital, mentor, django_assert_max_num_queries
):
    for trainee in people(hospital, 30):
        progress(make_mentorship(program, mentor, trainee), meetings=2, goals=("Case",))
    rule(program, "mentee", meetings_held=2, goals_achieved=1, modules_completed=True)
    rule(program, "mentor", meetings_held=1, closure_survey=True)
    client = login(coordinator)
    with django_assert_max_num_queries(30):
        response = client.get(f"/certificates/programs/{program.code}/completion/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trainee 00" in html and "Trainee 24" in html and "Trainee 25" not in html
    with django_assert_max_num_queries(30):
        body = client.get(
            f"/api/v1/certificates/programs/{program.code}/completion?limit=100"
        ).json()
    assert body["count"] == 31 and len(body["items"]) == 31


def test_only_coordinators_see_it(login, mentee, outsider, coordinator, program, certificate):
    url = f"/certificates/programs/{program.code}/completion/"
    api = f"/api/v1/certificates/programs/{program.code}/completion"
    assert login(outsider).get(url).status_code == 404
    assert login(outsider).get(api).status_code == 404
    assert login(mentee).get(url).status_code == 403
    assert login(mentee).get(api).status_code == 403
    html = login(coordinator).get(url).content.decode()
    assert "Asha Raman" in html and "Valid" in html
    item = login(coordinator).get(api).json()["items"][0]
    assert item["checklist"]["certificate"] == certificate.code
    assert Decimal(certificate.cpd_hours) == Decimal("12.0")

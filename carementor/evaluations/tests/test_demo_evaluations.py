"""The evaluations demo: answered surveys that make the report meaningful, seeded once."""

from io import StringIO

import pytest
from django.core.management import call_command

from carementor.demo.evaluations import seed_evaluations
from carementor.demo.organizations import seed_organizations
from carementor.evaluations import analytics
from carementor.evaluations.models import (
    HasResponded,
    Response,
    ScheduleEntry,
    SurveyAssignment,
)
from carementor.programs.models import Program

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        ScheduleEntry.objects.count(),
        SurveyAssignment.objects.count(),
        HasResponded.objects.count(),
        Response.objects.count(),
    )


def test_seed_twice_gives_one_set_of_surveys_and_a_report_with_results(client) -> None:
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO(), users=120, seed=3)
    first = counts()
    assert first[3] > 100

    # The step alone, from scratch, gives the same answers; run again, it adds nothing.
    SurveyAssignment.objects.all().delete()
    Response.objects.all().delete()
    ScheduleEntry.objects.all().delete()
    assert seed_evaluations(organizations=seed_organizations(), seed=3) == first[3]
    assert seed_evaluations(organizations=seed_organizations(), seed=3) == 0
    assert counts() == first

    program = Program.objects.get(organization__slug="indus-ims", template="career-one-to-one")
    report = analytics.program_analytics(program)
    outcome = report.outcomes[0]
    assert not outcome.withheld and outcome.named and outcome.n >= 10
    assert {d.area for d in outcome.domains if d.change} == {"practice", "wellbeing", "development"}
    for domain in outcome.domains:
        assert domain.change is not None and domain.change.difference > 0
        assert domain.change.effect_size is not None and domain.change.effect_size > 0.2
        assert domain.reliability_after is not None and domain.reliability_after.alpha > 0.6
    assert outcome.correlations is not None and not outcome.correlations.withheld
    shown_cohorts = [c for c in outcome.cohorts if c.n]
    assert len(shown_cohorts) >= 2
    relationship = report.relationships[0]
    assert not relationship.withheld
    # Which answers are released in whole batches depends on the order of row ids, so the
    # grid's cells vary between databases; the small-cell rule they obey does not.
    threshold = analytics.min_group_size_for(program)
    shown = [n for n in relationship.quadrants.values() if n is not None]
    assert relationship.n >= threshold and relationship.n % threshold == 0
    assert shown and all(n >= threshold for n in shown)
    assert relationship.n - sum(shown) in (0, *range(threshold, relationship.n + 1))
    shown_rates = {(r.instrument, r.occasion) for r in report.rates if r.rate is not None}
    assert ("Mentee outcome survey", "closure") in shown_rates
    assert len(report.format_comparison) == 2

    # The second programme's small cohort answered at closure and is withheld.
    second = Program.objects.get(organization__slug="indus-ims", template="digital-adoption")
    cohorts = analytics.program_analytics(second).outcomes[0].cohorts
    assert any(c.n is None for c in cohorts) and any(c.n for c in cohorts)

    # The demo logins see it: Mary's college report, Vikram's ratings, Asha's own scores.
    from carementor.accounts.models import User

    mary = User.objects.get(email="mary@example.org")
    college = Program.objects.get(
        organization__slug="vembanad-nursing", template="career-one-to-one"
    )
    client.force_login(mary)
    page = client.get(f"/evaluations/programs/{college.code}/report/").content.decode()
    assert "Did it work? Yes in" in page and page.count('<svg role="img"') >= 6
    client.force_login(User.objects.get(email="vikram@example.org"))
    page = client.get("/evaluations/results/").content.decode()
    assert "Your mentoring competencies" in page and "How to grow" in page
    assert "fewer than" not in page.split("Your mentoring competencies")[1].split("</table>")[0]
    client.force_login(User.objects.get(email="asha@example.org"))
    page = client.get("/evaluations/results/").content.decode()
    assert "Your scores over time: Mentee outcome survey" in page

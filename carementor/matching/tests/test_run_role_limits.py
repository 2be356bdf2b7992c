"""Match runs honour the programme's role limits: a mentee below the limit for the run's role
is proposed another mentor (never one they already have), a mentee at the limit is left out,
and publishing re-checks both."""

import pytest

from carementor.matching import runs
from carementor.matching.models import MatchRun
from carementor.matching.services import MatchError
from carementor.mentorships.models import OPEN_PHASES, Mentorship
from carementor.programs.models import Enrollment

pytestmark = pytest.mark.django_db


def held(program, person, role="mentor"):  # type: ignore[no-untyped-def]
    return (
        Mentorship.objects.filter(
            program=program,
            role=role,
            phase__in=OPEN_PHASES,
            parties__user=person,
            parties__role="mentee",
        )
        .distinct()
        .count()
    )


def proposed(run):  # type: ignore[no-untyped-def]
    return {(p.mentee.full_name, p.mentor.full_name) for p in run.proposals.all()}


@pytest.fixture
def two_mentors_each(run_cohort):  # type: ignore[no-untyped-def]
    program = run_cohort["program"]
    program.role_limits = {"mentor": 2}
    program.save(update_fields=["role_limits"])
    Enrollment.objects.filter(user__in=[run_cohort["vikram"], run_cohort["meera"]]).update(
        capacity=3
    )
    return run_cohort


def test_a_run_gives_a_second_mentor_up_to_the_limit(two_mentors_each, coordinator):
    c = two_mentors_each
    program = c["program"]
    runs.pair_create(program=program, mentee=c["asha"], mentor=c["vikram"], actor=coordinator)
    runs.pair_create(program=program, mentee=c["lina"], mentor=c["vikram"], actor=coordinator)
    runs.pair_create(program=program, mentee=c["lina"], mentor=c["meera"], actor=coordinator)
    run = runs.run_start(program=program, actor=coordinator, mode="optimal")
    # Lina holds two mentors (the limit); Asha holds one and may have one more, not Vikram.
    assert run.stats["mentees"] == 2
    pairs = proposed(run)
    assert ("Asha Raman", "Meera Iyer") in pairs
    assert ("Asha Raman", "Vikram Mehta") not in pairs
    assert not any(mentee == "Lina Das" for mentee, _mentor in pairs)
    runs.run_publish(run=run, actor=coordinator)
    assert MatchRun.objects.get().status == "published"
    assert held(program, c["asha"]) == 2 and held(program, c["lina"]) == 2


def test_publishing_rechecks_the_limit(two_mentors_each, coordinator):
    c = two_mentors_each
    program = c["program"]
    runs.pair_create(program=program, mentee=c["asha"], mentor=c["vikram"], actor=coordinator)
    run = runs.run_start(program=program, actor=coordinator, mode="optimal")
    assert ("Asha Raman", "Meera Iyer") in proposed(run)
    # Meanwhile Asha reaches her limit another way: the run's proposal no longer fits.
    runs.pair_create(program=program, mentee=c["asha"], mentor=c["meera"], actor=coordinator)
    with pytest.raises(MatchError) as refused:
        runs.run_publish(run=run, actor=coordinator)
    assert refused.value.code == "role_limit"
    assert held(program, c["asha"]) == 2


def test_pairing_the_same_two_again_is_refused(two_mentors_each, coordinator):
    c = two_mentors_each
    program = c["program"]
    runs.pair_create(program=program, mentee=c["asha"], mentor=c["vikram"], actor=coordinator)
    with pytest.raises(MatchError) as refused:
        runs.pair_create(program=program, mentee=c["asha"], mentor=c["vikram"], actor=coordinator)
    assert refused.value.code == "together"
    runs.pair_create(program=program, mentee=c["asha"], mentor=c["meera"], actor=coordinator)
    with pytest.raises(MatchError) as full:
        runs.pair_create(program=program, mentee=c["asha"], mentor=c["meera"], actor=coordinator)
    assert full.value.code == "already_matched"


def test_by_default_one_relationship_per_role(run_cohort, coordinator):
    program = run_cohort["program"]
    program.roles = ["mentor", "sponsor"]
    program.save(update_fields=["roles"])
    Enrollment.objects.filter(user__in=[run_cohort["vikram"], run_cohort["meera"]]).update(
        capacity=3
    )
    runs.pair_create(
        program=program, mentee=run_cohort["asha"], mentor=run_cohort["vikram"], actor=coordinator
    )
    runs.pair_create(
        program=program,
        mentee=run_cohort["ravi"],
        mentor=run_cohort["meera"],
        actor=coordinator,
        role="sponsor",
    )
    run = runs.run_start(program=program, actor=coordinator, mode="optimal")
    # Asha has her one mentor; Ravi's sponsor does not stop him getting a mentor (another one).
    assert run.stats["mentees"] == 2
    pairs = proposed(run)
    assert not any(mentee == "Asha Raman" for mentee, _mentor in pairs)
    assert ("Ravi Kumar", "Vikram Mehta") in pairs


def test_the_pairing_form_offers_each_role_with_its_definition(login, coordinator, run_cohort):
    from django.utils.html import escape

    from carementor.profiles.roles import ROLES

    program = run_cohort["program"]
    program.roles = ["mentor", "sponsor"]
    program.save(update_fields=["roles"])
    client = login(coordinator)
    text = client.get(f"/programs/{program.code}/runs/").content.decode()
    assert 'name="role" value="sponsor"' in text
    assert escape(str(ROLES["sponsor"].definition)) in text
    response = client.post(
        f"/programs/{program.code}/runs/pair/",
        {"mentee": run_cohort["asha"].code, "mentor": run_cohort["meera"].code, "role": "sponsor"},
    )
    assert response.status_code == 302
    assert Mentorship.objects.get().role == "sponsor"

"""Near-peer families (faculty + resident + students): forming, showing, editing, publishing."""

from typing import Any

import pytest

from carementor.matching import runs
from carementor.matching.models import MatchRun
from carementor.matching.services import MatchError
from carementor.matching.tests.conftest import make_mentee, make_mentor, verify
from carementor.mentorships.models import Mentorship, PartyRole
from carementor.programs.models import Enrollment
from carementor.programs.tests.conftest import enroll, make_program


@pytest.fixture
def families(hospital, mentor):  # type: ignore[no-untyped-def]
    """Vikram (faculty) leads one family; two residents, one of them unverified so she cannot
    lead students; three students and families of up to two students."""
    program = make_program(
        hospital,
        name="Near-peer families 2026",
        format="near_peer",
        circle_size=2,
        matching_mode="coordinator",
        verification_kind="licence",
    )
    verify(mentor, hospital)
    enroll(program, mentor, "mentor", capacity=1)
    nikhil = make_mentor(hospital, "nikhil@example.org", "Nikhil Rao", goals="cardiology")
    enroll(program, nikhil, "both", capacity=1)
    lina = make_mentee(hospital, "lina@example.org", "Lina Joseph", goals="cardiology")
    enroll(program, lina, "both", capacity=1)  # not verified: cannot lead students
    students = [
        make_mentee(hospital, f"st{i}@example.org", name, goals="cardiology")
        for i, name in enumerate(["Anu Das", "Bala Nair", "Chitra Rao"])
    ]
    for s in students:
        enroll(program, s, "mentee")
    return {
        "program": program,
        "faculty": mentor,
        "nikhil": nikhil,
        "lina": lina,
        "students": students,
    }


def start(client: Any, program: Any) -> MatchRun:
    response = client.post(f"/programs/{program.code}/runs/start/", {"mode": "optimal"})
    assert response.status_code == 302
    return MatchRun.objects.latest("created_at")


def pairs(run: MatchRun) -> set[tuple[str, str]]:
    return {
        (p.mentee.full_name, p.mentor.full_name)
        for p in run.proposals.select_related("mentee", "mentor")
    }


def test_a_run_places_residents_with_faculty_and_students_with_residents(
    login, coordinator, families
):
    client = login(coordinator)
    run = start(client, families["program"])
    placed = pairs(run)
    # Vikram has one place: one resident joins him; Nikhil leads two students.
    residents_with_faculty = {(e, m) for e, m in placed if m == "Vikram Mehta"}
    assert len(residents_with_faculty) == 1
    assert {m for e, m in placed if e.startswith(("Anu", "Bala", "Chitra"))} == {"Nikhil Rao"}
    assert sum(1 for e, m in placed if m == "Nikhil Rao") == 2
    assert run.stats["residents"] == 2 and run.stats["students"] == 3
    assert run.stats["faculty"] == 1
    reasons = {row["code"] for row in run.unmatched}
    assert len(run.unmatched) == 2 and reasons <= {"outranked_optimal", "no_eligible"}

    page = client.get(f"/programs/{families['program'].code}/runs/{run.code}/").content.decode()
    assert "Families formed" in page and "(near-peer mentor)" in page and "(faculty)" in page
    body = client.get(f"/api/v1/programs/{families['program'].code}/runs/{run.code}").json()
    assert body["shape"] == "families"


def test_publishing_makes_one_mentorship_per_family(login, coordinator, families):
    program = families["program"]
    client = login(coordinator)
    run = start(client, program)
    # Put Nikhil with Vikram so that the family has all three tiers.
    runs.proposal_swap(
        run=run, mentee=families["nikhil"], mentor=families["faculty"], actor=coordinator
    )
    run.refresh_from_db()
    runs.run_publish(run=run, actor=coordinator)
    family = Mentorship.objects.get(parties__user=families["students"][0])
    roles = {(p.user.full_name, p.role) for p in family.parties.select_related("user")}
    students = {(e, PartyRole.MENTEE) for e, m in pairs(run) if m == "Nikhil Rao"}
    assert roles == {("Vikram Mehta", PartyRole.MENTOR), ("Nikhil Rao", PartyRole.MENTOR)} | {
        (name, role) for name, role in students
    }
    assert Mentorship.objects.filter(program=program).count() == 1
    seats = {
        e.user.full_name: e.seats_taken
        for e in Enrollment.objects.filter(
            program=program, role__in=["mentor", "both"]
        ).select_related("user")
    }
    assert seats["Vikram Mehta"] == 1 and seats["Nikhil Rao"] == 1
    # Published people are not placed again by the next run.
    again = start(client, program)
    assert not any(e in {"Nikhil Rao", "Anu Das", "Bala Nair"} for e, _m in pairs(again))


def test_a_resident_without_students_becomes_the_faculty_members_mentee(
    login, coordinator, families
):
    program = families["program"]
    Enrollment.objects.filter(user=families["faculty"]).update(capacity=2)
    run = start(login(coordinator), program)
    lina = families["lina"]
    assert ("Lina Joseph", "Vikram Mehta") in pairs(run)
    run.proposals.exclude(mentee=lina).delete()
    runs.run_publish(run=run, actor=coordinator)
    mentorship = Mentorship.objects.get(program=program)
    assert mentorship.mentors() == [families["faculty"]] and mentorship.mentees() == [lina]


def test_swaps_keep_the_tiers(login, coordinator, families):
    run = start(login(coordinator), families["program"])
    student = families["students"][0]
    with pytest.raises(MatchError) as error:
        runs.proposal_swap(run=run, mentee=student, mentor=families["faculty"], actor=coordinator)
    assert error.value.code == "wrong_tier"
    with pytest.raises(MatchError):
        runs.proposal_swap(
            run=run, mentee=families["lina"], mentor=families["nikhil"], actor=coordinator
        )


def test_the_mentor_picker_is_rendered_for_one_person_at_a_time(login, coordinator, families):
    client = login(coordinator)
    program = families["program"]
    run = start(client, program)
    url = f"/programs/{program.code}/runs/{run.code}/"
    page = client.get(url).content.decode()
    assert page.count('<select id="swap-') == 0 and page.count("Change mentor") >= 3
    student = run.proposals.exclude(mentee__in=[families["nikhil"], families["lina"]]).first()
    page = client.get(f"{url}?swap={student.mentee.code}").content.decode()
    assert page.count('<select id="swap-') == 1 and 'id="swap-form"' in page

"""Match runs for group (circle) and peer programmes: forming, showing and publishing them."""

from typing import Any

import pytest

from carementor.audit.models import AuditEvent
from carementor.matching import publishing, runs
from carementor.matching.models import MatchRun
from carementor.matching.tests.conftest import make_mentee, make_mentor, verify
from carementor.mentorships.models import Mentorship, MentorshipParty
from carementor.profiles.models import CareerStage, Profile
from carementor.programs.models import Enrollment
from carementor.programs.tests.conftest import enroll, make_program

JSON = "application/json"


def stage(rank: int) -> CareerStage:
    found = CareerStage.objects.filter(rank=rank).first()
    return found or CareerStage.objects.create(
        code=f"stage-{rank}", name=f"Stage {rank}", rank=rank
    )


@pytest.fixture
def circle_cohort(hospital, mentor):  # type: ignore[no-untyped-def]
    """A group programme with circles of two: Vikram and Meera lead one circle each; five
    nursing students want a circle, so one is left out."""
    program = make_program(
        hospital,
        name="Nursing circles",
        format="group",
        circle_size=2,
        matching_mode="coordinator",
        verification_kind="licence",
    )
    verify(mentor, hospital)
    Profile.objects.update_or_create(user=mentor, defaults={"goals": "paediatric cardiology"})
    meera = make_mentor(hospital, "meera@example.org", "Meera Iyer", goals="research methods")
    enroll(program, mentor, "mentor", capacity=1)
    enroll(program, meera, "mentor", capacity=1)
    students = [
        make_mentee(hospital, f"s{i}@example.org", name, goals=goals)
        for i, (name, goals) in enumerate(
            [
                ("Anu Das", "paediatric cardiology"),
                ("Bala Nair", "paediatric cardiology nursing"),
                ("Chitra Rao", "research methods"),
                ("Deepa Pillai", "research methods statistics"),
                ("Esha Menon", "leadership"),
            ]
        )
    ]
    for s in students:
        enroll(program, s, "mentee")
    return {"program": program, "vikram": mentor, "meera": meera, "students": students}


def start(client: Any, program: Any) -> MatchRun:
    response = client.post(f"/programs/{program.code}/runs/start/", {"mode": "optimal"})
    assert response.status_code == 302
    return MatchRun.objects.latest("created_at")


def test_circles_respect_circle_size_and_capacity(login, coordinator, circle_cohort):
    program = circle_cohort["program"]
    client = login(coordinator)
    run = start(client, program)
    assert run.status == "draft"
    circles: dict[str, set[str]] = {}
    for p in run.proposals.select_related("mentee", "mentor"):
        circles.setdefault(p.mentor.full_name, set()).add(p.mentee.full_name)
    assert circles == {
        "Vikram Mehta": {"Anu Das", "Bala Nair"},
        "Meera Iyer": {"Chitra Rao", "Deepa Pillai"},
    }
    assert run.stats["circles"] == 2 and run.stats["circle_size"] == 2
    assert run.stats["matched"] == 4 and run.stats["mentees"] == 5
    assert [row["name"] for row in run.unmatched] == ["Esha Menon"]
    page = client.get(f"/programs/{program.code}/runs/{run.code}/").content.decode()
    assert "Circle led by Vikram Mehta" in page and "Circle led by Meera Iyer" in page
    assert "Circles formed" in page and "up to 2 mentees each" in page
    assert 'style="' not in page
    listing = client.get(f"/programs/{program.code}/runs/").content.decode()
    assert "leads one circle of up to 2 mentees with similar goals" in listing
    assert not Mentorship.objects.exists()


def test_a_full_mentor_leads_no_circle(login, coordinator, circle_cohort):
    program = circle_cohort["program"]
    Enrollment.objects.filter(user=circle_cohort["meera"]).update(capacity=0)
    run = start(login(coordinator), program)
    assert {p.mentor.full_name for p in run.proposals.all()} == {"Vikram Mehta"}
    assert run.proposals.count() == 2 and len(run.unmatched) == 3


def test_publishing_creates_one_group_mentorship_per_circle(login, coordinator, circle_cohort):
    program = circle_cohort["program"]
    client = login(coordinator)
    run = start(client, program)
    response = client.post(f"/programs/{program.code}/runs/{run.code}/publish/")
    assert response.status_code == 302
    made = Mentorship.objects.filter(program=program, source="match_run")
    assert made.count() == 2
    for mentorship in made:
        roles = sorted(mentorship.parties.values_list("role", flat=True))
        assert roles == ["mentee", "mentee", "mentor"]
    vikram = made.get(parties__user=circle_cohort["vikram"])
    assert set(vikram.parties.filter(role="mentee").values_list("user__full_name", flat=True)) == {
        "Anu Das",
        "Bala Nair",
    }
    assert set(Enrollment.objects.filter(role="mentor").values_list("seats_taken", flat=True)) == {
        1
    }
    assert AuditEvent.objects.get(action="match_run.published").detail == {
        "mentorships": 2,
        "unmatched": 1,
    }
    # The next run only sees Esha, and nobody has a free place left.
    again = start(client, program)
    assert again.stats["mentees"] == 1 and again.stats["matched"] == 0


def test_publishing_circles_resumes_after_a_crash(coordinator, circle_cohort, monkeypatch):
    program = circle_cohort["program"]
    runs.run_start(program=program, actor=coordinator, mode="optimal")
    run = MatchRun.objects.get()
    monkeypatch.setattr(publishing, "CHUNK", 1)  # one circle per transaction
    real, calls = publishing.publish_chunk, []

    def crash_after_first(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(publishing, "publish_chunk", crash_after_first)
    with pytest.raises(RuntimeError):
        runs.run_publish(run=run, actor=coordinator)
    run.refresh_from_db()
    assert run.status == "publishing" and Mentorship.objects.count() == 1
    assert sorted(Enrollment.objects.values_list("seats_taken", flat=True)) == [0, 0, 0, 0, 0, 0, 1]
    runs.run_publish(run=run, actor=coordinator)  # "publish" again resumes it
    run.refresh_from_db()
    assert run.status == "published" and Mentorship.objects.count() == 2
    assert MentorshipParty.objects.filter(role="mentee").count() == 4


def test_publishing_circles_rechecks_capacity(login, coordinator, circle_cohort):
    program = circle_cohort["program"]
    client = login(coordinator)
    run = start(client, program)
    Enrollment.objects.filter(user=circle_cohort["meera"]).update(capacity=0)
    response = client.post(f"/programs/{program.code}/runs/{run.code}/publish/")
    assert response.status_code == 409
    assert "Meera Iyer has no free places left" in response.content.decode()
    assert not Mentorship.objects.exists()


def test_a_swap_cannot_overfill_a_circle(login, coordinator, circle_cohort):
    program = circle_cohort["program"]
    client = login(coordinator)
    run = start(client, program)
    esha = circle_cohort["students"][4]
    response = client.post(
        f"/programs/{program.code}/runs/{run.code}/proposals/{esha.code}/",
        {"mentor": circle_cohort["vikram"].code},
    )
    assert response.status_code == 409
    assert not run.proposals.filter(mentee=esha).exists()


def test_circles_api_and_outsider(login, coordinator, outsider, circle_cohort):
    program = circle_cohort["program"]
    client = login(coordinator)
    base = f"/api/v1/programs/{program.code}"
    started = client.post(f"{base}/runs", {"mode": "optimal"}, content_type=JSON)
    assert started.status_code == 201 and started.json()["shape"] == "circles"
    code = started.json()["code"]
    body = client.get(f"{base}/runs/{code}/circles").json()
    assert body["count"] == 2
    named = {c["mentor_name"]: {m["name"] for m in c["mentees"]} for c in body["items"]}
    assert named == {
        "Vikram Mehta": {"Anu Das", "Bala Nair"},
        "Meera Iyer": {"Chitra Rao", "Deepa Pillai"},
    }
    assert all(c["mean_score"] is not None for c in body["items"])
    other = login(outsider)
    assert other.get(f"{base}/runs/{code}/circles").status_code == 404
    assert other.get(f"/programs/{program.code}/runs/{code}/").status_code == 404
    assert other.post(f"{base}/runs/{code}/publish").status_code == 404
    assert not Mentorship.objects.exists()


# --- Peers ------------------------------------------------------------------------------------


@pytest.fixture
def peer_cohort(hospital):  # type: ignore[no-untyped-def]
    program = make_program(
        hospital, name="Peer coaching", format="peer", roles=["peer"], matching_mode="coordinator"
    )
    people = {}
    for email, name, rank, goals in [
        ("p1@example.org", "Priya Shah", 3, "telehealth clinics"),
        ("p2@example.org", "Rahul Sen", 2, "telehealth clinics"),
        ("p3@example.org", "Sara Joseph", 2, "ai tools radiology"),
        ("p4@example.org", "Tara Bose", 4, "ai tools radiology"),
        ("p5@example.org", "Usha Rao", 3, "ehr optimisation"),
    ]:
        user = make_mentee(hospital, email, name, goals=goals, career_stage=stage(rank))
        enroll(program, user, "both" if rank > 2 else "mentee")
        people[name] = user
    return {"program": program, **people}


def test_peers_pair_within_one_pool_and_publish_as_peer_mentorships(
    login, coordinator, peer_cohort
):
    program = peer_cohort["program"]
    client = login(coordinator)
    run = start(client, program)
    pairs = {(p.mentor.full_name, p.mentee.full_name) for p in run.proposals.all()}
    assert len(pairs) == 2
    paired = {name for pair in pairs for name in pair}
    assert len(paired) == 4 and len(run.unmatched) == 1
    assert run.stats["matched"] == 4 and run.stats["mentees"] == 5
    for p in run.proposals.select_related(
        "mentee__profile__career_stage", "mentor__profile__career_stage"
    ):
        # The more senior peer is the mentor side.
        assert p.mentor.profile.career_stage.rank >= p.mentee.profile.career_stage.rank
    page = client.get(f"/programs/{program.code}/runs/{run.code}/").content.decode()
    assert "Peer (more senior)" in page and "Participants paired" in page
    response = client.post(f"/programs/{program.code}/runs/{run.code}/publish/")
    assert response.status_code == 302
    made = Mentorship.objects.filter(program=program)
    assert made.count() == 2 and set(made.values_list("role", flat=True)) == {"peer"}
    assert MentorshipParty.objects.filter(mentorship__program=program).count() == 4
    assert set(Enrollment.objects.values_list("seats_taken", flat=True)) == {0}
    again = start(client, program)
    assert again.stats["mentees"] == 1 and again.unmatched[0]["code"] == "no_peer"


def test_peer_runs_cannot_be_swapped_and_forbidden_pairs_hold(login, coordinator, peer_cohort):
    from carementor.matching.models import PairRule

    program = peer_cohort["program"]
    client = login(coordinator)
    run = start(client, program)
    first = run.proposals.select_related("mentee", "mentor").first()
    assert first is not None
    response = client.post(
        f"/programs/{program.code}/runs/{run.code}/proposals/{first.mentee.code}/",
        {"mentor": first.mentor.code},
    )
    assert response.status_code == 409
    PairRule.objects.create(
        program=program, mentee=first.mentee, mentor=first.mentor, kind="forbid"
    )
    rerun = start(client, program)
    assert not rerun.proposals.filter(mentee=first.mentee, mentor=first.mentor).exists()
    assert not rerun.proposals.filter(mentee=first.mentor, mentor=first.mentee).exists()


def test_a_locked_pair_stays_in_its_circle(login, coordinator, circle_cohort):
    program = circle_cohort["program"]
    esha, meera = circle_cohort["students"][4], circle_cohort["meera"]
    client = login(coordinator)
    response = client.post(
        f"/programs/{program.code}/runs/rules/",
        {"mentee": esha.code, "mentor": meera.code, "kind": "lock"},
    )
    assert response.status_code == 302
    second = circle_cohort["students"][0]
    # Circles of two: a second lock fits, a third does not.
    client.post(
        f"/programs/{program.code}/runs/rules/",
        {"mentee": second.code, "mentor": meera.code, "kind": "lock"},
    )
    third = client.post(
        f"/programs/{program.code}/runs/rules/",
        {"mentee": circle_cohort["students"][1].code, "mentor": meera.code, "kind": "lock"},
    )
    assert third.status_code == 409
    run = start(client, program)
    meeras = run.proposals.filter(mentor=meera)
    assert set(meeras.values_list("mentee__full_name", flat=True)) == {"Esha Menon", "Anu Das"}
    assert all(meeras.values_list("locked", flat=True)) and run.stats["locked"] == 2
    assert run.proposals.filter(mentor=circle_cohort["vikram"]).count() == 2


def test_large_peer_pools_go_to_the_background_task(
    coordinator, peer_cohort, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(runs, "INLINE_PAIRS", 24)  # five peers: 25 possible pairs
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_start(program=peer_cohort["program"], actor=coordinator, mode="optimal")
    assert run.status == "queued"
    run.refresh_from_db()
    assert run.status == "draft" and run.proposals.count() == 2

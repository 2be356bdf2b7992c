"""Hybrid matching: mentees rank mentors; the coordinator's stable run follows their order."""

from carementor.audit.models import AuditEvent
from carementor.matching.models import MatchRun, MentorRanking
from carementor.programs.models import Program

JSON = "application/json"


def hybrid(run_cohort):  # type: ignore[no-untyped-def]
    program = run_cohort["program"]
    Program.objects.filter(pk=program.pk).update(matching_mode="hybrid")
    program.refresh_from_db()
    return program


def pairs(run):  # type: ignore[no-untyped-def]
    return {(p.mentee.full_name, p.mentor.full_name) for p in run.proposals.all()}


def test_mentees_rank_on_the_page_and_the_stable_run_follows(login, coordinator, run_cohort):
    program = hybrid(run_cohort)
    asha, lina = run_cohort["asha"], run_cohort["lina"]
    vikram, meera = run_cohort["vikram"], run_cohort["meera"]
    client = login(asha)
    home = client.get(f"/programs/{program.code}/").content.decode()
    assert f'href="/programs/{program.code}/ranking/">Rank your mentors</a>' in home
    page = client.get(f"/programs/{program.code}/ranking/")
    text = page.content.decode()
    assert page.status_code == 200
    assert '<label for="choice-1">Choice 1</label>' in text
    assert '<label for="choice-5">Choice 5</label>' in text
    assert f'<option value="{meera.code}" >Meera Iyer</option>' in text
    assert "Uma Unverified" not in text and 'style="' not in text
    saved = client.post(f"/programs/{program.code}/ranking/", {"choice_1": meera.code})
    assert saved.status_code == 302 and saved["Location"] == f"/programs/{program.code}/ranking/"
    assert (
        f'<option value="{meera.code}" selected>Meera Iyer</option>'
        in client.get(f"/programs/{program.code}/ranking/").content.decode()
    )
    lina_client = login(lina)
    lina_client.post(
        f"/programs/{program.code}/ranking/", {"choice_1": vikram.code, "choice_2": meera.code}
    )
    assert list(
        MentorRanking.objects.filter(mentee=lina).values_list("mentor__full_name", "rank")
    ) == [("Vikram Mehta", 1), ("Meera Iyer", 2)]
    event = AuditEvent.objects.filter(action="mentor_ranking.saved", actor=lina).get()
    assert event.detail == {"mentors": [vikram.code, meera.code]}
    coordinator_client = login(coordinator)
    coordinator_client.post(f"/programs/{program.code}/runs/start/", {"mode": "stable"})
    run = MatchRun.objects.get()
    assert pairs(run) == {
        ("Asha Raman", "Meera Iyer"),
        ("Lina Das", "Vikram Mehta"),
        ("Ravi Kumar", "Meera Iyer"),
    }
    assert run.stats["ranked"] == 2 and run.stats["first_choice"] == 2
    detail = coordinator_client.get(f"/programs/{program.code}/runs/{run.code}/").content.decode()
    assert "Mentees who ranked mentors" in detail and "2 got their first choice" in detail
    listing = coordinator_client.get(f"/programs/{program.code}/runs/").content.decode()
    assert "Stable runs follow the mentees' own rankings first" in listing
    # Without rankings (an optimal run) the scores alone decide.
    coordinator_client.post(f"/programs/{program.code}/runs/start/", {"mode": "optimal"})
    optimal = MatchRun.objects.latest("created_at")
    assert ("Asha Raman", "Vikram Mehta") in pairs(optimal)
    assert "ranked" not in optimal.stats


def test_ranking_api_and_bad_input(login, mentee, run_cohort):
    program = hybrid(run_cohort)
    vikram, meera, uma = run_cohort["vikram"], run_cohort["meera"], run_cohort["uma"]
    client = login(mentee)
    url = f"/api/v1/programs/{program.code}/ranking"
    assert client.get(url).json() == {"max": 5, "mentors": []}
    ok = client.put(url, {"mentors": [meera.code, vikram.code]}, content_type=JSON)
    assert ok.status_code == 200
    assert ok.json() == {
        "max": 5,
        "mentors": [
            {"rank": 1, "code": meera.code, "name": "Meera Iyer"},
            {"rank": 2, "code": vikram.code, "name": "Vikram Mehta"},
        ],
    }
    for mentors, code in (
        ([vikram.code, vikram.code], "duplicate"),
        ([uma.code], "unavailable"),
        (["nobody"], "unavailable"),
        ([mentee.code], "unavailable"),
        ([meera.code] * 6, "too_many"),
    ):
        bad = client.put(url, {"mentors": mentors}, content_type=JSON)
        assert bad.status_code == 422 and bad.json()["code"] == code, mentors
    assert MentorRanking.objects.filter(mentee=mentee).count() == 2
    page = client.post(
        f"/programs/{program.code}/ranking/", {"choice_1": vikram.code, "choice_2": vikram.code}
    )
    assert page.status_code == 422 and "Choose each mentor only once." in page.content.decode()
    assert MentorRanking.objects.filter(mentee=mentee).count() == 2


def test_only_hybrid_mentees_rank_and_outsiders_get_404(login, mentee, outsider, run_cohort):
    program = run_cohort["program"]  # coordinator-matched, not hybrid
    vikram = run_cohort["vikram"]
    url = f"/api/v1/programs/{program.code}/ranking"
    not_hybrid = login(mentee).put(url, {"mentors": [vikram.code]}, content_type=JSON)
    assert not_hybrid.status_code == 409 and not_hybrid.json()["code"] == "not_hybrid"
    hybrid(run_cohort)
    as_mentor = login(vikram).put(url, {"mentors": [run_cohort["meera"].code]}, content_type=JSON)
    assert as_mentor.status_code == 403 and as_mentor.json()["code"] == "not_enrolled"
    other = login(outsider)
    assert other.get(url).status_code == 404
    assert other.put(url, {"mentors": [vikram.code]}, content_type=JSON).status_code == 404
    assert other.get(f"/programs/{program.code}/ranking/").status_code == 404
    assert (
        other.post(f"/programs/{program.code}/ranking/", {"choice_1": vikram.code}).status_code
        == 404
    )
    assert not MentorRanking.objects.exists()

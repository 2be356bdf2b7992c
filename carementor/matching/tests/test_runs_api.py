"""Coordinator matching through the API: the same gates and services as the pages."""

from carementor.audit.models import AuditEvent
from carementor.matching.models import MatchRun, PairRule
from carementor.mentorships.models import Mentorship
from carementor.programs.models import Enrollment

JSON = "application/json"


def test_run_adjust_and_publish(login, coordinator, run_cohort):
    program, asha, meera = run_cohort["program"], run_cohort["asha"], run_cohort["meera"]
    client = login(coordinator)
    base = f"/api/v1/programs/{program.code}"
    started = client.post(f"{base}/runs", {"mode": "stable"}, content_type=JSON)
    assert started.status_code == 201, started.content
    body = started.json()
    assert (body["status"], body["mode"], body["maximize_matched"]) == ("draft", "stable", False)
    assert body["stats"]["matched"] == 3 and body["unmatched"] == []
    code = body["code"]
    listed = client.get(f"{base}/runs").json()
    assert listed["count"] == 1 and listed["items"][0]["code"] == code
    proposals = client.get(f"{base}/runs/{code}/proposals").json()
    assert proposals["count"] == 3
    first = proposals["items"][0]
    assert set(first) == {
        "mentee",
        "mentee_name",
        "mentor",
        "mentor_name",
        "score",
        "reasons",
        "locked",
    }
    Enrollment.objects.filter(user=meera).update(capacity=3)
    swapped = client.put(
        f"{base}/runs/{code}/proposals/{asha.code}", {"mentor": meera.code}, content_type=JSON
    )
    assert swapped.status_code == 200 and swapped.json()["mentor"] == meera.code
    assert swapped.json()["locked"] is True
    rule = client.post(
        f"{base}/pair-rules",
        {"mentee": run_cohort["ravi"].code, "mentor": run_cohort["vikram"].code, "kind": "forbid"},
        content_type=JSON,
    )
    assert rule.status_code == 200 and rule.json()["kind"] == "forbid"
    assert [r["kind"] for r in client.get(f"{base}/pair-rules").json()] == ["forbid", "lock"]
    published = client.post(f"{base}/runs/{code}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert Mentorship.objects.filter(source="match_run").count() == 3
    again = client.post(f"{base}/runs/{code}/publish")
    assert again.status_code == 409 and again.json()["code"] == "status"


def test_bad_input_and_strangers(login, coordinator, mentee, outsider, run_cohort):
    program = run_cohort["program"]
    base = f"/api/v1/programs/{program.code}"
    client = login(coordinator)
    assert client.post(f"{base}/runs", {"mode": "greedy"}, content_type=JSON).status_code == 422
    assert not MatchRun.objects.exists()
    clear = client.post(
        f"{base}/pair-rules",
        {"mentee": mentee.code, "mentor": run_cohort["vikram"].code, "kind": ""},
        content_type=JSON,
    )
    assert clear.status_code == 204
    unknown = client.post(
        f"{base}/pair-rules",
        {"mentee": "zzz", "mentor": mentee.code, "kind": "lock"},
        content_type=JSON,
    )
    assert unknown.status_code == 404
    for user, status in ((mentee, 403), (outsider, 404)):
        other = login(user)
        assert other.get(f"{base}/runs").status_code == status
        assert (
            other.post(f"{base}/runs", {"mode": "stable"}, content_type=JSON).status_code == status
        )
        assert other.get(f"{base}/pair-rules").status_code == status
        assert (
            other.post(
                f"{base}/pairs",
                {"mentee": mentee.code, "mentor": run_cohort["vikram"].code},
                content_type=JSON,
            ).status_code
            == status
        )
    assert not MatchRun.objects.exists() and not PairRule.objects.exists()
    assert not Mentorship.objects.exists()


def test_manual_pairing(login, coordinator, run_cohort):
    program, asha, vikram = run_cohort["program"], run_cohort["asha"], run_cohort["vikram"]
    client = login(coordinator)
    base = f"/api/v1/programs/{program.code}"
    created = client.post(
        f"{base}/pairs", {"mentee": asha.code, "mentor": vikram.code}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    mentorship = Mentorship.objects.get()
    assert created.json() == {"mentorship": mentorship.code}
    assert mentorship.source == "coordinator" and mentorship.program == program
    assert Enrollment.objects.get(user=vikram).seats_taken == 1
    assert AuditEvent.objects.get(action="match.paired").detail == {
        "mentee": asha.code,
        "mentor": vikram.code,
        "role": "mentor",
    }
    twice = client.post(
        f"{base}/pairs",
        {"mentee": asha.code, "mentor": run_cohort["meera"].code},
        content_type=JSON,
    )
    assert twice.status_code == 409 and twice.json()["code"] == "already_matched"
    full = client.post(
        f"{base}/pairs",
        {"mentee": run_cohort["ravi"].code, "mentor": vikram.code},
        content_type=JSON,
    )
    assert full.status_code == 409 and full.json()["code"] == "unavailable"
    unverified = client.post(
        f"{base}/pairs",
        {"mentee": run_cohort["lina"].code, "mentor": run_cohort["uma"].code},
        content_type=JSON,
    )
    assert unverified.status_code == 409
    PairRule.objects.create(
        program=program, mentee=run_cohort["lina"], mentor=run_cohort["meera"], kind="forbid"
    )
    forbidden = client.post(
        f"{base}/pairs",
        {"mentee": run_cohort["lina"].code, "mentor": run_cohort["meera"].code},
        content_type=JSON,
    )
    assert forbidden.status_code == 409 and forbidden.json()["code"] == "forbidden_pair"
    bad_role = client.post(
        f"{base}/pairs",
        {"mentee": run_cohort["lina"].code, "mentor": run_cohort["meera"].code, "role": "sponsor"},
        content_type=JSON,
    )
    assert bad_role.status_code == 422
    assert Mentorship.objects.count() == 1


def test_manual_pairing_page(login, coordinator, run_cohort):
    program = run_cohort["program"]
    client = login(coordinator)
    page = client.get(f"/programs/{program.code}/runs/")
    text = page.content.decode()
    assert (
        page.status_code == 200 and "Pair two people now" in text and "Uma Unverified" not in text
    )
    response = client.post(
        f"/programs/{program.code}/runs/pair/",
        {"mentee": run_cohort["asha"].code, "mentor": run_cohort["meera"].code},
    )
    assert response.status_code == 302
    assert Mentorship.objects.get().source == "coordinator"
    refused = client.post(
        f"/programs/{program.code}/runs/pair/",
        {"mentee": run_cohort["asha"].code, "mentor": run_cohort["vikram"].code},
    )
    assert refused.status_code == 409
    assert "This mentee already has a mentor here." in refused.content.decode()
    assert Mentorship.objects.count() == 1


def test_manual_pairing_refuses_a_full_mentor_and_takes_one_place(login, coordinator, run_cohort):
    from carementor.programs.models import Enrollment

    program, vikram = run_cohort["program"], run_cohort["vikram"]
    client = login(coordinator)
    url = f"/programs/{program.code}/runs/pair/"
    first = client.post(url, {"mentee": run_cohort["asha"].code, "mentor": vikram.code})
    assert first.status_code == 302
    assert Enrollment.objects.get(program=program, user=vikram).seats_taken == 1
    refused = client.post(url, {"mentee": run_cohort["ravi"].code, "mentor": vikram.code})
    assert refused.status_code == 409
    assert Mentorship.objects.count() == 1

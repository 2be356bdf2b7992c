"""The results API: aggregate outcomes and files for managers, personal results for everyone;
the same threshold as the pages; strangers get 404."""

import csv
import datetime
import io

import pytest

from carementor.evaluations.tests.test_report_analytics import (
    answered,
    library,
    outcomes_for,
    people,
)
from carementor.mentorships.tests.helpers import make_program

pytestmark = pytest.mark.django_db

API = "/api/v1/evaluations"
PAST = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)


@pytest.fixture
def program(hospital):  # type: ignore[no-untyped-def]
    program = make_program(hospital)
    outcomes_for(program, people(6))
    return program


def test_managers_get_aggregate_results(login, coordinator, program):
    body = login(coordinator).get(f"{API}/programs/{program.code}/results").json()
    assert body["program"] == program.code and body["min_group_size"] == 5
    outcome = body["outcomes"][0]
    assert outcome["named"] and not outcome["withheld"] and outcome["n"] == 6
    practice = next(d for d in outcome["domains"] if d["key"] == "practice")
    assert practice["change"]["difference"] == pytest.approx(1.25)
    assert practice["change"]["effect_type"] == "d_av"
    assert body["summary"][0].startswith("Did it work? Yes")


def test_below_the_threshold_the_api_has_no_numbers(login, coordinator, hospital):
    program = make_program(hospital)
    outcomes_for(program, people(4))
    client = login(coordinator)
    body = client.get(f"{API}/programs/{program.code}/results").json()
    outcome = body["outcomes"][0]
    assert outcome["withheld"] and outcome["domains"] == [] and outcome["correlations"] == []
    assert all(r["withheld"] and r["assigned"] is None for r in body["response_rates"])
    data = client.get(f"{API}/programs/{program.code}/results/csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert rows and all(r["change"] == "" and r["baseline_mean"] == "" for r in rows)


def test_files_come_as_csv_xlsx_and_pdf(login, coordinator, program):
    client = login(coordinator)
    for kind, content_type in (
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("pdf", "application/pdf"),
    ):
        response = client.get(f"{API}/programs/{program.code}/results/{kind}")
        assert response.status_code == 200 and response["Content-Type"] == content_type
    assert client.get(f"{API}/programs/{program.code}/results/zip").status_code == 404


def test_named_answers_only_for_named_instruments(login, coordinator, program):
    client = login(coordinator)
    named, anonymous = library("mentee-outcomes"), library("relationship-quality")
    ok = client.get(f"{API}/programs/{program.code}/answers/{named.code}")
    assert ok.status_code == 200 and b"p0@example.org" in ok.content
    missing = client.get(f"{API}/programs/{program.code}/answers/{anonymous.code}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_strangers_get_404_and_participants_403(login, outsider, mentee, program):
    client = login(outsider)
    for path in (
        "results",
        "results/csv",
        "results/pdf",
        f"answers/{library('mentee-outcomes').code}",
    ):
        assert client.get(f"{API}/programs/{program.code}/{path}").status_code == 404
    assert login(mentee).get(f"{API}/programs/{program.code}/results").status_code == 403


def test_my_results_are_mine_and_anonymous_answers_only_counted(login, hospital, mentee):
    program = make_program(hospital)
    outcomes = library("mentee-outcomes")
    answered(program, outcomes, "baseline", mentee, {"practice": 2, "wellbeing": 3})
    answered(
        program,
        outcomes,
        "closure",
        mentee,
        {"practice": 4, "wellbeing": 3},
        opens=PAST + datetime.timedelta(days=100),
    )
    answered(
        program, library("relationship-quality"), "closure", mentee, {"support": 5, "challenge": 1}
    )
    outcomes_for(program, people(5))  # other people's answers never show here
    body = login(mentee).get(f"{API}/results/mine").json()
    assert body["anonymous_answered"] == 1
    assert len(body["series"]) == 1
    series = body["series"][0]
    assert series["occasions"] == ["baseline", "closure"]
    assert series["scores"]["practice"] == [2.0, 4.0]
    page = login(mentee).get("/evaluations/results/").content.decode()
    assert "You also answered 1 anonymous survey" in page
    assert '<svg role="img"' in page


def test_a_mentor_sees_ratings_only_in_whole_batches_of_the_threshold(login, hospital, mentor):
    program = make_program(hospital)
    rating = library("mentor-competency-rating")
    raters = people(7, "m")
    for n, user in enumerate(raters[:4]):
        answered(
            program,
            rating,
            "closure",
            user,
            {"communication": 4, "independence": 2 + n % 2},
            subject=mentor,
            opens=PAST,
        )
    answered(
        program,
        library("mentor-competency-self"),
        "baseline",
        mentor,
        {"communication": 5, "independence": 4},
        role="mentor",
        opens=PAST,
    )
    client = login(mentor)
    body = client.get(f"{API}/results/competency").json()
    assert body["withheld"] and body["ratings"] == 4 and body["released"] == 0
    assert all(row["mentees_mean"] is None for row in body["competencies"])
    page = client.get("/evaluations/results/").content.decode()
    assert "shown once at least 5 of them have rated you" in page
    # Six ratings: one batch of five is shown; the sixth waits for four more.
    for user in raters[4:6]:
        answered(
            program,
            rating,
            "closure",
            user,
            {"communication": 2, "independence": 2},
            subject=mentor,
            opens=PAST + datetime.timedelta(days=10),
        )
    body = client.get(f"{API}/results/competency").json()
    assert not body["withheld"] and body["ratings"] == 6 and body["released"] == 5
    communication = next(r for r in body["competencies"] if r["key"] == "communication")
    assert communication["mentees_mean"] == pytest.approx((4 * 4 + 2) / 5)
    assert communication["self_rating"] == 5.0
    assert body["grow_in"][0] == "independence"
    page = client.get("/evaluations/results/").content.decode()
    assert "How to grow" in page and "Let your mentee lead the agenda" in page

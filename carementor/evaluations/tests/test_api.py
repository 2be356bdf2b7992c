"""The API: instruments, schedule, my surveys and answering; outsiders get 404."""

import pytest

from carementor.evaluations.models import Instrument, Response, ScheduleEntry
from carementor.evaluations.tests.core_helpers import (
    active_mentorship,
    assign,
    full_answers,
    library,
)
from carementor.mentorships.tests.helpers import make_program

pytestmark = pytest.mark.django_db

API = "/api/v1/evaluations"


@pytest.fixture
def program(hospital):
    return make_program(hospital)


@pytest.fixture
def mentorship(program, mentor, mentee):
    return active_mentorship(program, mentor, mentee)


NEW = {
    "name": "Theatre confidence",
    "anonymity": "named",
    "respondent": "mentee",
    "domains": [{"key": "conf", "label": "Confidence", "area": "practice"}],
    "items": [
        {"key": "c1", "text": "I am calm in theatre.", "domain": "conf"},
        {"key": "c2", "text": "I freeze when asked.", "domain": "conf", "reverse": True},
    ],
}


def test_instruments_list_detail_and_create(login, coordinator, hospital):
    client = login(coordinator)
    listing = client.get(f"{API}/instruments").json()
    assert listing["count"] == 7
    outcomes = next(i for i in listing["items"] if i["slug"] == "mentee-outcomes")
    assert outcomes["locked"] and outcomes["organization"] is None
    detail = client.get(f"{API}/instruments/{outcomes['code']}").json()
    assert len(detail["items"]) == 16 and detail["items"][3]["reverse"]

    created = client.post(
        f"{API}/instruments",
        {**NEW, "organization": hospital.code},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["licence_status"] == "own" and [i["key"] for i in body["items"]] == ["c1", "c2"]
    bad = client.post(
        f"{API}/instruments",
        {**NEW, "organization": hospital.code, "items": [{"text": "Q", "domain": "nope"}]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"]
    assert Instrument.objects.filter(organization=hospital).count() == 1


def test_api_import_and_versions(login, coordinator, hospital):
    client = login(coordinator)
    refused = client.post(
        f"{API}/instruments/import",
        {
            "organization": hospital.code,
            "definition": NEW,
            "source": "X",
            "permission_declared": False,
        },
        content_type="application/json",
    )
    assert refused.status_code == 422
    done = client.post(
        f"{API}/instruments/import",
        {
            "organization": hospital.code,
            "definition": NEW,
            "source": "X 2020",
            "permission_declared": True,
        },
        content_type="application/json",
    )
    assert done.status_code == 201 and done.json()["licence_status"] == "permission"
    shipped = library("psychological-safety")
    copy = client.post(
        f"{API}/instruments/{shipped.code}/versions",
        {"organization": hospital.code},
        content_type="application/json",
    )
    assert copy.status_code == 201 and copy.json()["organization"] == hospital.code
    put = client.put(f"{API}/instruments/{shipped.code}", {**NEW}, content_type="application/json")
    assert put.status_code == 403


def test_outsider_gets_404_on_instruments_and_schedule(
    login, coordinator, outsider, hospital, program
):
    own = (
        login(coordinator)
        .post(
            f"{API}/instruments",
            {**NEW, "organization": hospital.code},
            content_type="application/json",
        )
        .json()
    )
    client = login(outsider)
    assert own["code"] not in str(client.get(f"{API}/instruments").json())
    assert client.get(f"{API}/instruments/{own['code']}").status_code == 404
    assert (
        client.put(
            f"{API}/instruments/{own['code']}", NEW, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{API}/instruments",
            {**NEW, "organization": hospital.code},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.get(f"{API}/programs/{program.code}/schedule").status_code == 404
    assert (
        client.put(
            f"{API}/programs/{program.code}/schedule",
            {"entries": []},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_schedule_get_and_put(login, coordinator, mentee, program):
    client = login(coordinator)
    got = client.get(f"{API}/programs/{program.code}/schedule").json()
    assert got["entries"] == [] and len(got["proposed"]) == 12 and got["min_group_size"] == 5
    put = client.put(
        f"{API}/programs/{program.code}/schedule",
        {"entries": got["proposed"], "min_group_size": 6},
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    assert len(put.json()["entries"]) == 12 and put.json()["min_group_size"] == 6
    low = client.put(
        f"{API}/programs/{program.code}/schedule",
        {"entries": [], "min_group_size": 2},
        content_type="application/json",
    )
    assert low.status_code == 422
    wrong = client.put(
        f"{API}/programs/{program.code}/schedule",
        {
            "entries": [
                {
                    "instrument": library("mentor-competency-self").code,
                    "occasion": "baseline",
                    "role": "mentee",
                }
            ]
        },
        content_type="application/json",
    )
    assert wrong.status_code == 422
    assert ScheduleEntry.objects.filter(program=program).count() == 12
    assert login(mentee).get(f"{API}/programs/{program.code}/schedule").status_code == 403


def test_my_assignments_and_answering(login, program, mentorship, mentee, mentor, outsider):
    assignment = assign(mentee, program, mentorship=mentorship)
    client = login(mentee)
    listing = client.get(f"{API}/assignments").json()
    assert [a["code"] for a in listing["items"]] == [assignment.code]
    assert listing["items"][0]["answered"] is False
    detail = client.get(f"{API}/assignments/{assignment.code}").json()
    assert len(detail["items"]) == 10 and "Anonymous" in detail["visibility"]
    for other in (mentor, outsider):
        assert login(other).get(f"{API}/assignments/{assignment.code}").status_code == 404
        assert (
            login(other)
            .post(
                f"{API}/assignments/{assignment.code}/response",
                {"answers": full_answers(assignment.instrument)},
                content_type="application/json",
            )
            .status_code
            == 404
        )
    client = login(mentee)
    bad = client.post(
        f"{API}/assignments/{assignment.code}/response",
        {"answers": {"support_listens": 9}},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"
    url = f"{API}/assignments/{assignment.code}/response"
    ok = client.post(
        url, {"answers": full_answers(assignment.instrument)}, content_type="application/json"
    )
    assert ok.status_code == 201 and ok.json()["anonymous"] is True
    assert set(ok.json()) == {"assignment", "answered_on", "anonymous"}
    again = client.post(
        url, {"answers": full_answers(assignment.instrument)}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "answered"
    listing = client.get(f"{API}/assignments").json()
    assert listing["items"][0]["answered"] is True
    assert Response.objects.count() == 1


def test_no_operation_returns_a_respondent_or_response_id(
    login, program, mentorship, mentee, coordinator
):
    assignment = assign(mentee, program, mentorship=mentorship)
    login(mentee).post(
        f"{API}/assignments/{assignment.code}/response",
        {"answers": full_answers(assignment.instrument)},
        content_type="application/json",
    )
    response = Response.objects.get()
    for client, urls in (
        (login(mentee), [f"{API}/assignments", f"{API}/assignments/{assignment.code}"]),
        (login(coordinator), [f"{API}/instruments", f"{API}/programs/{program.code}/schedule"]),
    ):
        for url in urls:
            text = client.get(url).content.decode()
            assert str(response.pk) not in text and response.pk.hex not in text
            if "assignments" not in url:
                assert mentee.email not in text and mentee.get_full_name() not in text


def test_instrument_list_costs_a_fixed_number_of_queries(
    login, coordinator, hospital, django_assert_max_num_queries
):
    from carementor.evaluations import services

    for n in range(8):
        services.instrument_create(
            organization=hospital,
            user=coordinator,
            data=services.clean_instrument_data({**NEW, "name": f"Check {n}"}),
        )
    client = login(coordinator)
    # Session, user, MFA and membership checks, then count and one page: no query per row.
    with django_assert_max_num_queries(11):
        body = client.get(f"{API}/instruments").json()
    assert body["count"] == 15


def test_import_a_csv_file_through_the_api(login, coordinator, hospital, outsider):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"{API}/instruments/import-file"
    csv = b"key,text,domain,reverse\ns1,I feel supported,support,\ns2,I feel alone,support,yes\n"
    meta = {
        "organization": hospital.code,
        "source": "Author 2019; permission letter 2026-03",
        "name": "Licensed support scale",
    }
    refused = login(coordinator).post(url, {**meta, "file": SimpleUploadedFile("s.csv", csv)})
    assert refused.status_code == 422
    assert (
        login(outsider)
        .post(
            url, {**meta, "permission_declared": "true", "file": SimpleUploadedFile("s.csv", csv)}
        )
        .status_code
        == 404
    )
    done = login(coordinator).post(
        url, {**meta, "permission_declared": "true", "file": SimpleUploadedFile("s.csv", csv)}
    )
    assert done.status_code == 201, done.content
    body = done.json()
    assert body["licence_status"] == "permission" and body["items"][1]["reverse"] is True
    assert Instrument.objects.filter(organization=hospital).count() == 1


@pytest.mark.parametrize("word", ["import", "import-file"])
def test_the_import_paths_read_as_codes_answer_404_not_405(login, coordinator, word):
    client = login(coordinator)
    assert client.get(f"{API}/instruments/{word}").status_code == 404
    put = client.put(f"{API}/instruments/{word}", {**NEW}, content_type="application/json")
    assert put.status_code in (404, 422)

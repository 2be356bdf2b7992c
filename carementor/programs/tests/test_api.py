import io

from carementor.lib.testing import add_member, make_user
from carementor.matching.models import MatchRequest
from carementor.matching.tests.conftest import make_mentor
from carementor.programs.models import Enrollment, ImportBatch, Program
from carementor.programs.tests.conftest import enroll

JSON = "application/json"


def test_coordinator_creates_publishes_and_lists(login, coordinator, hospital, mentee, outsider):
    client = login(coordinator)
    response = client.post(
        f"/api/v1/programs/?org={hospital.code}",
        {"name": "EHR coaching", "template": "digital-adoption", "max_open_requests": 2},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["format"], body["focus"], body["status"]) == ("reverse", "digital", "draft")
    code = body["code"]
    assert login(mentee).get(f"/api/v1/programs/{code}").status_code == 404
    client = login(coordinator)
    status = client.post(
        f"/api/v1/programs/{code}/status", {"status": "published"}, content_type=JSON
    )
    assert status.json()["status"] == "published"
    again = client.post(
        f"/api/v1/programs/{code}/status", {"status": "published"}, content_type=JSON
    )
    assert again.status_code == 409 and again.json()["code"] == "status"
    assert login(mentee).get("/api/v1/programs/").json()["count"] == 1
    assert login(outsider).get(f"/api/v1/programs/{code}").status_code == 404
    assert login(outsider).get("/api/v1/programs/").json()["count"] == 0


def test_create_validation(login, coordinator, mentee, hospital):
    client = login(coordinator)
    bad = client.post(
        f"/api/v1/programs/?org={hospital.code}",
        {"name": "X", "weights": {"charm": 1}},
        content_type=JSON,
    )
    assert bad.status_code == 422
    nope = login(mentee).post(
        f"/api/v1/programs/?org={hospital.code}", {"name": "X"}, content_type=JSON
    )
    assert nope.status_code == 403
    assert not Program.objects.exists()


def test_enrol_decide_and_import(login, coordinator, mentee, program, hospital):
    applied = login(mentee).post(
        f"/api/v1/programs/{program.code}/enrollments", {"role": "mentee"}, content_type=JSON
    )
    assert applied.status_code == 201
    code = applied.json()["code"]
    assert login(mentee).get(f"/api/v1/programs/{program.code}/enrollments").status_code == 403
    decided = login(coordinator).post(
        f"/api/v1/programs/enrollments/{code}/decide", {"status": "approved"}, content_type=JSON
    )
    assert decided.json()["status"] == "approved"
    add_member(make_user("new@example.org"), hospital)
    upload = io.BytesIO(b"email,role\nnew@example.org,mentor\nbad,mentee\n")
    upload.name = "x.csv"
    preview = login(coordinator).post(f"/api/v1/programs/{program.code}/imports", {"file": upload})
    assert preview.status_code == 201
    assert preview.json()["errors"] == [{"line": 3, "reason": "“bad” is not an e-mail address."}]
    batch = preview.json()["code"]
    applied_batch = login(coordinator).post(
        f"/api/v1/programs/{program.code}/imports/{batch}/apply"
    )
    assert applied_batch.json()["report"]["created"] == 1
    assert ImportBatch.objects.get().status == "applied"
    assert Enrollment.objects.filter(user__email="new@example.org", role="mentor").exists()


def test_find_request_and_accept_through_the_api(login, program, hospital, mentee, outsider):
    program.verification_kind = "licence"
    program.save()
    enroll(program, mentee, "mentee")
    vikram = make_mentor(hospital, "v2@example.org", "Vikram Mehta", goals="cardiology")
    enroll(program, vikram, "mentor", capacity=1)
    found = login(mentee).get(f"/api/v1/programs/{program.code}/suggestions").json()
    assert [s["user"] for s in found] == [vikram.code]
    sent = login(mentee).post(
        f"/api/v1/programs/{program.code}/requests",
        {"mentor": vikram.code, "note": "Please"},
        content_type=JSON,
    )
    assert sent.status_code == 201
    code = sent.json()["code"]
    assert (
        login(outsider)
        .post(f"/api/v1/programs/requests/{code}/accept", {}, content_type=JSON)
        .status_code
        == 404
    )
    accepted = login(vikram).post(f"/api/v1/programs/requests/{code}/accept", {}, content_type=JSON)
    assert accepted.json()["status"] == "accepted"
    twice = login(vikram).post(f"/api/v1/programs/requests/{code}/accept", {}, content_type=JSON)
    assert twice.status_code == 409
    assert MatchRequest.objects.get().status == "accepted"
    assert login(vikram).get("/api/v1/programs/requests").json()["count"] == 1

import io

from openpyxl import Workbook

from carementor.audit.models import AuditEvent
from carementor.lib.testing import add_member, make_user
from carementor.profiles.models import Profession, Profile
from carementor.programs.models import Enrollment, ImportBatch
from carementor.programs.tests.conftest import enroll


def test_mentee_applies_with_answers(login, mentee, program):
    question = program.questions.create(prompt="Why?", kind="text", required=True)
    client = login(mentee)
    missing = client.post(f"/programs/{program.code}/apply/", {"role": "mentee"})
    assert missing.status_code == 400
    assert b"Please answer: Why?" in missing.content
    assert not Enrollment.objects.exists()
    response = client.post(
        f"/programs/{program.code}/apply/", {"role": "mentee", f"q_{question.code}": "Fellowship"}
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get()
    assert (enrollment.user, enrollment.status, enrollment.role) == (mentee, "applied", "mentee")
    assert enrollment.answers == {question.code: "Fellowship"}
    again = client.post(
        f"/programs/{program.code}/apply/", {"role": "mentee", f"q_{question.code}": "x"}
    )
    assert again.status_code == 409
    assert Enrollment.objects.count() == 1


def test_ineligible_profession_is_refused(login, mentee, program):
    nurse = Profession.objects.get(code="registered-nurse")
    program.eligible_professions.add(nurse)
    Profile.objects.update_or_create(
        user=mentee, defaults={"profession": Profession.objects.get(code="physician")}
    )
    response = login(mentee).post(f"/programs/{program.code}/apply/", {"role": "mentee"})
    assert response.status_code == 400
    assert b"other professions" in response.content
    assert not Enrollment.objects.exists()


def test_mentor_capacity_defaults_from_the_profile(login, mentor, program):
    Profile.objects.update_or_create(user=mentor, defaults={"mentoring_capacity": 3})
    login(mentor).post(f"/programs/{program.code}/apply/", {"role": "mentor"})
    assert Enrollment.objects.get().capacity == 3


def test_coordinator_decides_and_outsider_cannot(login, coordinator, outsider, mentee, program):
    enrollment = enroll(program, mentee, status="applied")
    assert (
        login(outsider)
        .post(f"/programs/enrollments/{enrollment.code}/decide/", {"status": "approved"})
        .status_code
        == 404
    )
    assert (
        login(mentee)
        .post(f"/programs/enrollments/{enrollment.code}/decide/", {"status": "approved"})
        .status_code
        == 403
    )
    response = login(coordinator).post(
        f"/programs/enrollments/{enrollment.code}/decide/", {"status": "waitlisted", "note": "Full"}
    )
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.decision_note, enrollment.decided_by) == (
        "waitlisted",
        "Full",
        coordinator,
    )
    assert AuditEvent.objects.filter(action="enrollment.waitlisted").exists()
    page = login(coordinator).get(f"/programs/{program.code}/participants/?status=waitlisted")
    assert b"Asha Raman" in page.content


def test_withdraw(login, mentee, program):
    enrollment = enroll(program, mentee)
    login(mentee).post(f"/programs/enrollments/{enrollment.code}/withdraw/")
    enrollment.refresh_from_db()
    assert enrollment.status == "withdrawn"


def test_import_csv_preview_then_apply(login, coordinator, hospital, trust, program):
    for i in range(3):
        add_member(make_user(f"student{i}@example.org"), hospital)
    stranger = make_user("stranger@example.org")
    add_member(stranger, trust)
    csv = (
        "Email,Role,Capacity\n"
        "student0@example.org,mentee,\n"
        "student1@example.org,mentor,4\n"
        "not-an-email,mentee,\n"
        "student2@example.org,boss,\n"
        "stranger@example.org,mentee,\n"
        "student0@example.org,mentee,\n"
        "student2@example.org,mentor,99\n"
    )
    client = login(coordinator)
    upload = io.BytesIO(csv.encode())
    upload.name = "students.csv"
    response = client.post(f"/programs/{program.code}/import/", {"file": upload})
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/programs/{program.code}/import/{batch.code}/"
    assert not Enrollment.objects.exists()  # a dry run writes no enrolment
    assert [e["line"] for e in batch.errors] == [4, 5, 6, 7, 8]
    page = client.get(response["Location"])
    assert b"2 people will be enrolled" in page.content
    assert b"is not a member of a participating organization" in page.content
    client.post(response["Location"])
    batch.refresh_from_db()
    assert batch.report == {"created": 2, "updated": 0, "skipped": 5}
    mentor = Enrollment.objects.get(user__email="student1@example.org")
    assert (mentor.role, mentor.capacity, mentor.status) == ("mentor", 4, "approved")
    again = client.post(response["Location"])
    assert again.status_code == 302
    assert Enrollment.objects.count() == 2
    export = client.get(f"/programs/{program.code}/participants.csv")
    assert export["Content-Type"] == "text/csv"
    assert b"student1@example.org" in export.content


def test_import_xlsx(login, coordinator, hospital, program):
    add_member(make_user("nurse@example.org"), hospital)
    book = Workbook()
    sheet = book.active
    sheet.append(["email", "role"])
    sheet.append(["nurse@example.org", "both"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "cohort.xlsx"
    login(coordinator).post(f"/programs/{program.code}/import/", {"file": data})
    batch = ImportBatch.objects.get()
    assert batch.rows[0]["email"] == "nurse@example.org" and batch.errors == []


def test_import_rejects_a_file_without_header(login, coordinator, program):
    upload = io.BytesIO(b"\xff\xfe garbage")
    upload.name = "x.csv"
    response = login(coordinator).post(f"/programs/{program.code}/import/", {"file": upload})
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()


def test_hostile_imports_are_refused_with_a_clear_4xx(login, coordinator, program):
    from carementor.lib.tests.test_tabular import sheet, with_sheet

    client = login(coordinator)
    bomb = with_sheet(sheet(b""), {"xl/media/padding.bin": b"\0" * (21 * 1024 * 1024)})
    response = client.post(
        f"/api/v1/programs/{program.code}/imports",
        {"file": io.BytesIO(bomb)},
        format="multipart",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "unpacks to more than 20 MB" in response.json()["detail"]
    upload = io.BytesIO(b"email\nasha@example.org\x00\n")
    upload.name = "people.csv"
    page = client.post(f"/programs/{program.code}/import/", {"file": upload})
    assert page.status_code == 400 and b"The file contains NUL characters." in page.content
    too_many = io.BytesIO(b"email\n" + b"x@example.org\n" * 5001)
    too_many.name = "people.csv"
    page = client.post(f"/programs/{program.code}/import/", {"file": too_many})
    assert page.status_code == 400 and b"Import at most 5000 rows at a time." in page.content
    assert not ImportBatch.objects.exists()

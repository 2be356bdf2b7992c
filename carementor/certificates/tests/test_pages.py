"""Pages: progress checklists, check now, rules, settings, revoke, re-issue, CPD log."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carementor.audit.models import AuditEvent
from carementor.certificates.models import (
    Certificate,
    CertificateSettings,
    CompletionRule,
    CpdEntry,
)
from carementor.certificates.tests.helpers import rule
from carementor.certificates.tests.test_pdf import png

pytestmark = pytest.mark.django_db


def test_progress_page_shows_what_remains(login, program, finished, mentee):
    rule(program, "mentee", meetings_held=5)
    response = login(mentee).get(f"/certificates/progress/{program.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hold at least 5 meetings" in html and "3 of 5" in html
    assert "1 requirement remains." in html
    listing = login(mentee).get("/certificates/progress/").content.decode()
    assert program.name in listing and "2 of 3 requirements met" in listing


def test_check_now_issues_the_certificate(login, program, finished, mentee):
    rule(program, "mentee", meetings_held=3)
    client = login(mentee)
    assert "Check now" in client.get(f"/certificates/progress/{program.code}/").content.decode()
    response = client.post(f"/certificates/progress/{program.code}/check/", follow=True)
    assert "Congratulations" in response.content.decode()
    certificate = Certificate.objects.get(holder=mentee)
    assert certificate.code in response.content.decode()  # the download link
    again = client.post(f"/certificates/progress/{program.code}/check/", follow=True)
    assert "Nothing new to issue" in again.content.decode()
    assert "Check now" not in again.content.decode()  # nothing left to check
    assert Certificate.objects.count() == 1
    mine = client.get("/certificates/").content.decode()
    assert f"/certificates/c/{certificate.code}/certificate.pdf" in mine


def test_outsider_gets_404_everywhere(login, outsider, program, certificate, hospital):
    client = login(outsider)
    for url in (
        f"/certificates/progress/{program.code}/",
        f"/certificates/programs/{program.code}/rules/",
        f"/certificates/settings/{hospital.code}/",
        f"/certificates/c/{certificate.code}/revoke/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/certificates/progress/{program.code}/check/").status_code == 404
    assert client.post(f"/certificates/c/{certificate.code}/reissue/").status_code == 404
    entry = CpdEntry.objects.get(user=certificate.holder)
    assert client.post(f"/certificates/cpd/{entry.code}/delete/").status_code == 404
    assert CpdEntry.objects.filter(pk=entry.pk).exists()


def test_participant_cannot_manage(login, mentee, program, hospital, certificate):
    client = login(mentee)
    assert client.get(f"/certificates/programs/{program.code}/rules/").status_code == 403
    assert client.get(f"/certificates/settings/{hospital.code}/").status_code == 403
    assert client.get(f"/certificates/c/{certificate.code}/revoke/").status_code == 403


def test_coordinator_sets_a_rule(login, coordinator, program):
    client = login(coordinator)
    assert client.get(f"/certificates/programs/{program.code}/rules/").status_code == 200
    response = client.post(
        f"/certificates/programs/{program.code}/rules/",
        {
            "role": "mentor",
            "mentor-agreement_signed": "on",
            "mentor-meetings_held": "4",
            "mentor-goals_achieved": "0",
            "mentor-closure_survey": "on",
        },
    )
    assert response.status_code == 302
    saved = CompletionRule.objects.get(program=program, role="mentor")
    assert saved.meetings_held == 4 and saved.closure_survey and not saved.mentorship_ended
    assert AuditEvent.objects.filter(action="certificates.rule_set").exists()
    empty = client.post(
        f"/certificates/programs/{program.code}/rules/",
        {"role": "mentor", "mentor-meetings_held": "0", "mentor-goals_achieved": "0"},
    )
    assert empty.status_code == 400 and "at least one requirement" in empty.content.decode()
    bad = client.post(
        f"/certificates/programs/{program.code}/rules/",
        {"role": "mentor", "mentor-meetings_held": "-1", "mentor-goals_achieved": "x"},
    )
    assert bad.status_code == 400
    assert CompletionRule.objects.get(program=program, role="mentor").meetings_held == 4
    client.post(f"/certificates/programs/{program.code}/rules/mentor/delete/")
    assert not CompletionRule.objects.filter(program=program).exists()


def test_coordinator_revokes_from_the_rules_page(login, coordinator, program, certificate):
    client = login(coordinator)
    listing = client.get(f"/certificates/programs/{program.code}/rules/").content.decode()
    assert f"/certificates/c/{certificate.code}/revoke/" in listing
    assert (
        client.post(f"/certificates/c/{certificate.code}/revoke/", {"reason": ""}).status_code
        == 400
    )
    client.post(f"/certificates/c/{certificate.code}/revoke/", {"reason": "Attendance was wrong"})
    certificate.refresh_from_db()
    assert certificate.status == "revoked"


def test_logo_upload_is_checked(login, coordinator, hospital):
    client = login(coordinator)
    url = f"/certificates/settings/{hospital.code}/"
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(url, {"signatory_name": "Dr Meera", "logo": fake})
    assert response.status_code == 400
    assert not CertificateSettings.objects.exists()
    huge = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * 600_000, content_type="image/png")
    assert client.post(url, {"logo": huge}).status_code == 400
    good = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    response = client.post(
        url, {"signatory_name": "Dr Meera", "signatory_title": "Dean", "logo": good}
    )
    assert response.status_code == 302
    saved = CertificateSettings.objects.get(organization=hospital)
    assert saved.signatory_name == "Dr Meera" and saved.logo_type == "image/png"
    assert bytes(saved.logo).startswith(b"\x89PNG")
    client.post(url, {"signatory_name": "Dr Meera", "remove_logo": "on"})
    saved.refresh_from_db()
    assert not saved.logo


def test_holder_reissues_after_a_name_change(login, mentee, certificate):
    client = login(mentee)
    assert "Re-issue" not in client.get("/certificates/").content.decode()
    mentee.full_name = "Asha R. Iyer"
    mentee.save(update_fields=["full_name"])
    assert "Re-issue in my current name" in client.get("/certificates/").content.decode()
    client.post(f"/certificates/c/{certificate.code}/reissue/")
    assert Certificate.objects.get(holder=mentee, status="valid").holder_name == "Asha R. Iyer"


def test_cpd_log_add_export_and_delete(login, mentee, certificate):
    client = login(mentee)
    bad = client.post("/certificates/cpd/", {"activity": "x", "hours": "0", "date": "2026-01-01"})
    assert bad.status_code == 400
    future = client.post(
        "/certificates/cpd/", {"activity": "Course", "hours": "2", "date": "2099-01-01"}
    )
    assert future.status_code == 400
    response = client.post(
        "/certificates/cpd/",
        {
            "activity": '=HYPERLINK("x") neonatal resuscitation course',
            "hours": "6.5",
            "date": "2026-03-14",
            "evidence": "NRP card 4471",
        },
    )
    assert response.status_code == 302
    page = client.get("/certificates/cpd/").content.decode()
    assert "18.5 hours counted, 12.0 of them from CareMentor certificates." in page
    csv_text = client.get("/certificates/cpd/export.csv").content.decode()
    lines = csv_text.strip().splitlines()
    assert lines[0] == "date,activity,hours,counted,source,evidence"
    assert lines[1].startswith(f"{certificate.completed_on.isoformat()},Being mentored in ")
    assert lines[1].endswith(f",12.0,yes,certificate,{certificate.verification_url()}")
    assert (
        lines[2]
        == '2026-03-14,"\'=HYPERLINK(""x"") neonatal resuscitation course",6.5,yes,manual,NRP card 4471'
    )
    manual = CpdEntry.objects.get(source="manual")
    earned = CpdEntry.objects.get(source="certificate")
    client.post(f"/certificates/cpd/{earned.code}/delete/")
    assert CpdEntry.objects.filter(pk=earned.pk).exists()
    client.post(f"/certificates/cpd/{manual.code}/delete/")
    assert not CpdEntry.objects.filter(pk=manual.pk).exists()
    assert CpdEntry.objects.get().hours == Decimal("12.0")


def test_cpd_pdf_export(login, mentee, certificate):
    from pypdf import PdfReader

    response = login(mentee).get("/certificates/cpd/export.pdf")
    assert response.status_code == 200
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "Asha Raman" in text and "12.0" in text and certificate.code in text


def test_lists_do_not_grow_queries(
    login, mentee, program, certificate, django_assert_max_num_queries
):
    for n in range(30):
        CpdEntry.objects.create(
            user=mentee, activity=f"Course {n}", hours=Decimal("1.0"), date=certificate.completed_on
        )
    client = login(mentee)
    with django_assert_max_num_queries(16):
        assert client.get("/certificates/cpd/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/certificates/").status_code == 200


def test_profile_page_offers_the_download(login, mentee, certificate):
    html = login(mentee).get("/profiles/me/").content.decode()
    assert f"/certificates/c/{certificate.code}/certificate.pdf" in html


def test_coordinator_issues_for_everyone_now(login, coordinator, mentee, mentor, program, finished):
    rule(program, "mentee")
    rule(program, "mentor")
    assert login(mentee).post(f"/certificates/programs/{program.code}/issue/").status_code == 403
    response = login(coordinator).post(f"/certificates/programs/{program.code}/issue/", follow=True)
    assert "issued 2 certificates" in response.content.decode()
    assert set(Certificate.objects.values_list("role", flat=True)) == {"mentee", "mentor"}
    event = AuditEvent.objects.filter(action="certificate.issued").first()
    assert event is not None and event.actor == coordinator

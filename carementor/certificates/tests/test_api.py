"""The certificates API: parity with the pages, same gates, the standard error shape."""

import io
import json

import pytest

from carementor.certificates.models import Certificate, CompletionRule, CpdEntry
from carementor.certificates.tests.helpers import rule
from carementor.certificates.tests.test_pdf import png

pytestmark = pytest.mark.django_db

API = "/api/v1/certificates"


def put(client, url, body):  # type: ignore[no-untyped-def]
    return client.put(url, data=json.dumps(body), content_type="application/json")


def post(client, url, body=None):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_progress_and_check_now(login, program, finished, mentee):
    rule(program, "mentee", meetings_held=3)
    client = login(mentee)
    body = client.get(f"{API}/progress/{program.code}").json()
    assert body["program"] == program.code
    [checklist] = body["checklists"]
    assert (
        checklist["role"] == "mentee" and checklist["complete"] and checklist["certificate"] is None
    )
    assert [i["key"] for i in checklist["items"]] == [
        "agreement_signed",
        "meetings_held",
        "mentorship_ended",
    ]
    issued = post(client, f"{API}/progress/{program.code}/check").json()
    assert len(issued) == 1 and issued[0]["holder_name"] == "Asha Raman"
    assert post(client, f"{API}/progress/{program.code}/check").json() == []
    listing = client.get(f"{API}/progress").json()
    assert listing["count"] == 1
    assert listing["items"][0]["checklists"][0]["certificate"] == issued[0]["code"]
    mine = client.get(f"{API}/mine").json()
    assert mine["count"] == 1 and mine["items"][0]["verification_url"].endswith(
        f"/certificates/verify/{issued[0]['code']}/"
    )


def test_rules_for_managers_only(login, coordinator, mentee, outsider, program):
    url = f"{API}/programs/{program.code}/rules/mentee"
    body = {"agreement_signed": True, "meetings_held": 2, "closure_survey": True}
    assert put(login(outsider), url, body).status_code == 404
    refused = put(login(mentee), url, body)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    saved = put(login(coordinator), url, body)
    assert saved.status_code == 200 and saved.json()["meetings_held"] == 2
    assert saved.json()["mentorship_ended"] is False
    bad = put(login(coordinator), url, {"meetings_held": 500})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"
    empty = put(login(coordinator), url, {})
    assert empty.status_code == 422 and empty.json()["code"] == "empty"
    unknown = put(login(coordinator), f"{API}/programs/{program.code}/rules/sponsor", body)
    assert unknown.status_code == 404
    assert CompletionRule.objects.get().meetings_held == 2
    rules = login(coordinator).get(f"{API}/programs/{program.code}/rules").json()
    assert [r["role"] for r in rules] == ["mentee"]
    assert login(coordinator).delete(url).status_code == 204
    assert login(coordinator).delete(url).status_code == 404


def test_revoke_and_programme_listing(login, coordinator, mentee, outsider, certificate, program):
    url = f"{API}/c/{certificate.code}/revoke"
    assert post(login(outsider), url, {"reason": "x"}).status_code == 404
    assert post(login(mentee), url, {"reason": "x"}).status_code == 403
    assert post(login(coordinator), url, {"reason": ""}).status_code == 422
    revoked = post(login(coordinator), url, {"reason": "Attendance records were wrong"})
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    again = post(login(coordinator), url, {"reason": "again"})
    assert again.status_code == 409 and again.json()["code"] == "status"
    listing = login(coordinator).get(f"{API}/programs/{program.code}/certificates").json()
    assert listing["count"] == 1 and listing["items"][0]["status"] == "revoked"
    assert login(outsider).get(f"{API}/programs/{program.code}/certificates").status_code == 404


def test_reissue(login, mentee, mentor, certificate):
    url = f"{API}/c/{certificate.code}/reissue"
    assert post(login(mentor), url).status_code == 404
    unchanged = post(login(mentee), url)
    assert unchanged.status_code == 409 and unchanged.json()["code"] == "unchanged"
    mentee.full_name = "Asha Iyer"
    mentee.save(update_fields=["full_name"])
    new = post(login(mentee), url)
    assert new.status_code == 201 and new.json()["holder_name"] == "Asha Iyer"
    assert Certificate.objects.get(code=certificate.code).status == "superseded"


def test_settings_and_logo(login, coordinator, mentee, outsider, hospital):
    url = f"{API}/settings/{hospital.code}"
    assert login(outsider).get(url).status_code == 404
    assert login(mentee).get(url).status_code == 403
    client = login(coordinator)
    saved = put(client, url, {"signatory_name": "Dr Meera Krishnan", "signatory_title": "Dean"})
    assert saved.json() == {
        "organization": hospital.code,
        "signatory_name": "Dr Meera Krishnan",
        "signatory_title": "Dean",
        "has_logo": False,
    }
    bad = client.post(f"{url}/logo", {"file": io.BytesIO(b"GIF89a....")})
    assert bad.status_code == 422
    logo = io.BytesIO(png())
    logo.name = "logo.png"
    uploaded = client.post(f"{url}/logo", {"file": logo})
    assert uploaded.status_code == 200 and uploaded.json()["has_logo"] is True
    assert client.delete(f"{url}/logo").json()["has_logo"] is False


def test_cpd_log(login, mentee, outsider, certificate):
    client = login(mentee)
    created = post(
        client,
        f"{API}/cpd",
        {"activity": "Grand rounds", "hours": "1.5", "date": "2026-02-03", "evidence": ""},
    )
    assert created.status_code == 201 and created.json()["source"] == "manual"
    assert (
        post(
            client, f"{API}/cpd", {"activity": "x", "hours": "0", "date": "2026-02-03"}
        ).status_code
        == 422
    )
    assert (
        post(
            client, f"{API}/cpd", {"activity": "x", "hours": "1.25", "date": "2026-02-03"}
        ).status_code
        == 422
    )
    assert (
        post(
            client, f"{API}/cpd", {"activity": "x", "hours": "1", "date": "2999-02-03"}
        ).status_code
        == 422
    )
    log = client.get(f"{API}/cpd").json()
    assert log["count"] == 2 and log["total_hours"] == "13.5"
    earned = next(e for e in log["items"] if e["source"] == "certificate")
    assert earned["certificate"] == certificate.code and earned["counted"] is True
    csv_text = client.get(f"{API}/cpd-export/csv").content.decode()
    assert "Grand rounds,1.5,yes,manual" in csv_text
    assert login(outsider).delete(f"{API}/cpd/{created.json()['code']}").status_code == 404
    assert login(mentee).delete(f"{API}/cpd/{earned['code']}").status_code == 409
    assert login(mentee).delete(f"{API}/cpd/{created.json()['code']}").status_code == 204
    assert CpdEntry.objects.count() == 1
    assert login(outsider).get(f"{API}/cpd").json()["count"] == 0


def test_outsider_sees_no_certificate_or_progress(login, outsider, certificate, program):
    client = login(outsider)
    assert client.get(f"{API}/c/{certificate.code}").status_code == 404
    assert client.get(f"{API}/progress/{program.code}").status_code == 404
    assert post(client, f"{API}/progress/{program.code}/check").status_code == 404
    assert client.get(f"{API}/mine").json()["count"] == 0


def test_issue_now_for_managers(login, coordinator, mentee, outsider, program, finished):
    rule(program, "mentee")
    url = f"{API}/programs/{program.code}/issue"
    assert post(login(outsider), url).status_code == 404
    assert post(login(mentee), url).status_code == 403
    assert post(login(coordinator), url).json() == {"checked": 1, "issued": 1}
    assert post(login(coordinator), url).json() == {"checked": 0, "issued": 0}

"""Professionals exported as FHIR R4 Practitioner resources, checked with fhir.resources."""

import datetime

from fhir.resources.bundle import Bundle
from fhir.resources.practitioner import Practitioner

from carementor.audit.models import AuditEvent
from carementor.credentials.models import Credential
from carementor.credentials.tests.helpers import VALID_NPI, make_credential


def _verify(mentor, hospital):  # type: ignore[no-untyped-def]
    make_credential(
        mentor,
        hospital,
        scheme="us_npi",
        number=VALID_NPI,
        status=Credential.Status.VERIFIED,
        title="MD Paediatrics",
        issuing_body="NPPES",
        issued_on=datetime.date(2019, 7, 1),
    )
    make_credential(mentor, hospital, scheme="gb_gmc", number="7654321")  # only submitted


def test_a_professional_reads_their_own_practitioner(login, mentor, hospital):
    _verify(mentor, hospital)
    url = f"/api/v1/fhir/Practitioner/{mentor.code}"
    response = login(mentor).get(url, HTTP_ACCEPT="application/fhir+json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    # A client that asks for plain JSON gets the same resource labelled as the schema says.
    plain = login(mentor).get(url)
    assert plain["Content-Type"] == "application/json" and plain.json() == response.json()
    resource = Practitioner.model_validate(response.json())
    assert resource.id == mentor.code
    assert resource.name[0].family == "Mehta" and resource.name[0].given == ["Vikram"]
    systems = {(i.system, i.value) for i in resource.identifier}
    assert ("http://hl7.org/fhir/sid/us-npi", VALID_NPI) in systems
    assert all(value != "7654321" for _system, value in systems)
    (qualification,) = resource.qualification
    assert qualification.code.text == "MD Paediatrics"
    assert qualification.identifier[0].system == "http://hl7.org/fhir/sid/us-npi"
    assert str(qualification.period.start) == "2019-07-01"
    assert not AuditEvent.objects.filter(action="fhir.practitioner_read").exists()


def test_a_coordinator_reads_a_member_and_the_read_is_audited(login, coordinator, mentor, hospital):
    _verify(mentor, hospital)
    response = login(coordinator).get(f"/api/v1/fhir/Practitioner/{mentor.code}")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        action="fhir.practitioner_read", actor=coordinator, subject=mentor
    ).exists()


def test_strangers_get_an_operation_outcome_404(login, outsider, mentee, mentor, hospital):
    _verify(mentor, hospital)
    for reader in (outsider, mentee):
        response = login(reader).get(f"/api/v1/fhir/Practitioner/{mentor.code}")
        assert response.status_code == 404
        body = response.json()
        assert body["resourceType"] == "OperationOutcome"
        assert body["issue"][0]["code"] == "not-found"
    missing = login(outsider).get("/api/v1/fhir/Practitioner/nobody")
    assert missing.status_code == 404
    bundle = login(outsider).get(f"/api/v1/fhir/Practitioner?organization={hospital.code}")
    assert bundle.status_code == 404


def test_the_organization_bundle_lists_verified_professionals(
    login, org_admin, mentor, mentee, hospital
):
    _verify(mentor, hospital)
    response = login(org_admin).get(f"/api/v1/fhir/Practitioner?organization={hospital.code}")
    assert response.status_code == 200
    bundle = Bundle.model_validate(response.json())
    assert bundle.type == "searchset" and bundle.total == 1
    matched = [e for e in bundle.entry if e.search.mode == "match"]
    assert [e.resource.id for e in matched] == [mentor.code]
    (included,) = [e for e in bundle.entry if e.search.mode == "include"]
    assert included.resource.get_resource_type() == "PractitionerRole"
    assert included.resource.practitioner.reference == f"Practitioner/{mentor.code}"
    assert included.fullUrl.endswith(f"/PractitionerRole/{included.resource.id}")
    assert AuditEvent.objects.filter(action="fhir.practitioners_exported").exists()


def test_the_bundle_pages_and_runs_flat_queries(login, org_admin, hospital):
    from carementor.lib.testing import add_member, assert_flat_queries, make_user

    client = login(org_admin)
    counter = iter(range(1000))

    def add_rows(k: int) -> None:
        for _ in range(k):
            n = next(counter)
            person = make_user(f"doc{n}@example.org", full_name=f"Doc Tor{n}")
            add_member(person, hospital, "mentor")
            make_credential(person, hospital, scheme="gb_gmc", number=f"{n:07d}", status="verified")

    url = f"/api/v1/fhir/Practitioner?organization={hospital.code}"
    assert_flat_queries(lambda: client.get(url), add_rows)
    add_rows(50)
    first = client.get(url).json()
    assert len([e for e in first["entry"] if e["search"]["mode"] == "match"]) == 50
    assert [link["relation"] for link in first["link"]] == ["self", "next"]
    second = client.get(f"{url}&page=2").json()
    matched = [e for e in second["entry"] if e["search"]["mode"] == "match"]
    assert len(matched) == first["total"] - 50


def _practitioner_bundle(*practitioners):  # type: ignore[no-untyped-def]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": p} for p in practitioners],
    }


def _gmc(email: str, number: str) -> dict:  # type: ignore[type-arg]
    return {
        "resourceType": "Practitioner",
        "telecom": [{"system": "email", "value": email}],
        "qualification": [
            {
                "identifier": [
                    {"system": "https://fhir.hl7.org.uk/Id/gmc-number", "value": number}
                ],
                "code": {"text": "MBBS"},
                "period": {"start": "2015-08-01", "end": "2019"},
                "issuer": {"display": "General Medical Council"},
            }
        ],
    }


def test_an_admin_imports_practitioners_as_credentials_to_review(
    login, org_admin, mentor, hospital
):
    client = login(org_admin)
    url = f"/api/v1/fhir/Bundle?organization={hospital.code}"
    body = _practitioner_bundle(_gmc("vikram@example.org", "7654321"))

    response = client.post(url, body, content_type="application/fhir+json")

    assert response.status_code == 200, response.content
    assert response.json()["resourceType"] == "OperationOutcome"
    credential = Credential.objects.get(holder=mentor)
    assert (credential.scheme, credential.number, credential.status) == (
        "gb_gmc",
        "7654321",
        "submitted",
    )
    assert credential.issued_on == datetime.date(2015, 8, 1) and credential.expires_on is None
    assert AuditEvent.objects.filter(action="fhir.practitioners_imported").exists()
    again = client.post(url, body, content_type="application/fhir+json")
    assert again.status_code == 200
    assert Credential.objects.filter(holder=mentor).count() == 1


def test_a_bad_import_writes_nothing(login, org_admin, mentor, outsider, hospital):
    client = login(org_admin)
    url = f"/api/v1/fhir/Bundle?organization={hospital.code}"
    stranger = _practitioner_bundle(
        _gmc("vikram@example.org", "7654321"), _gmc("tom@example.org", "1111111")
    )
    refused = client.post(url, stranger, content_type="application/fhir+json")
    assert refused.status_code == 422
    assert "Entry 2" in refused.json()["issue"][0]["diagnostics"]
    malformed = client.post(
        url,
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": {"resourceType": "Practitioner", "active": "sometimes"}}],
        },
        content_type="application/fhir+json",
    )
    assert malformed.status_code == 400
    assert malformed.json()["resourceType"] == "OperationOutcome"
    not_json = client.post(url, "{", content_type="application/fhir+json")
    assert not_json.status_code == 400
    assert not Credential.objects.exists()
    outsider_try = login(outsider).post(
        url,
        _practitioner_bundle(_gmc("vikram@example.org", "7654321")),
        content_type="application/json",
    )
    assert outsider_try.status_code == 404
    assert not Credential.objects.exists()

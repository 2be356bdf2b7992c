"""A professional's role in an organization as a FHIR PractitionerRole (R4 and R5)."""

from fhir.resources.bundle import Bundle
from fhir.resources.practitionerrole import PractitionerRole
from fhir.resources.R4B.practitionerrole import PractitionerRole as PractitionerRoleR4

from carementor.audit.models import AuditEvent
from carementor.integrations.fhir import NUCC_SYSTEM
from carementor.lib.testing import add_member
from carementor.organizations.models import Membership
from carementor.profiles.models import Profession, Profile, Specialty


def _profile(person) -> None:  # type: ignore[no-untyped-def]
    profile, _created = Profile.objects.get_or_create(user=person)
    profile.profession = Profession.objects.get(code="physician")
    profile.save()
    profile.specialties.set(
        Specialty.objects.filter(code__in=["paediatric-cardiology", "interventional-cardiology"])
    )


def test_a_professional_reads_their_role_as_a_valid_practitioner_role(login, mentor, hospital):
    _profile(mentor)
    membership = Membership.objects.get(user=mentor, organization=hospital)

    response = login(mentor).get(
        f"/api/v1/fhir/PractitionerRole/{membership.code}", HTTP_ACCEPT="application/fhir+json"
    )

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    PractitionerRoleR4.model_validate(body)
    role = PractitionerRole.model_validate(body)
    assert role.id == membership.code and role.active
    assert role.practitioner.reference == f"Practitioner/{mentor.code}"
    assert role.organization.identifier.value == hospital.code
    codes = {(c.system, c.code) for concept in role.code for c in concept.coding}
    assert ("http://terminology.hl7.org/CodeSystem/practitioner-role", "doctor") in codes
    assert ("https://carementor.org/fhir/CodeSystem/organization-role", "mentor") in codes
    nucc = {c.code for s in role.specialty for c in s.coding if c.system == NUCC_SYSTEM}
    assert nucc == {"2080P0202X", "207RI0011X"}
    assert not AuditEvent.objects.filter(action="fhir.practitioner_role_read").exists()


def test_search_by_practitioner_gives_only_the_roles_the_reader_oversees(
    login, coordinator, mentor, hospital, trust, outsider
):
    add_member(mentor, trust)  # the mentor also works at the trust, which Mary cannot see
    url = f"/api/v1/fhir/PractitionerRole?practitioner=Practitioner/{mentor.code}"

    own = Bundle.model_validate(login(mentor).get(url).json())
    assert own.total == 2

    response = login(coordinator).get(url)
    assert response.status_code == 200
    bundle = Bundle.model_validate(response.json())
    assert bundle.total == 1
    assert bundle.entry[0].resource.organization.identifier.value == hospital.code
    assert AuditEvent.objects.filter(
        action="fhir.practitioner_roles_searched", actor=coordinator
    ).exists()

    by_org = Bundle.model_validate(
        login(outsider).get(f"/api/v1/fhir/PractitionerRole?organization={hospital.code}").json()
    )
    assert by_org.total == 0


def test_strangers_and_bad_searches_get_operation_outcomes(
    login, outsider, mentee, mentor, hospital
):
    membership = Membership.objects.get(user=mentor, organization=hospital)
    for reader in (outsider, mentee):
        response = login(reader).get(f"/api/v1/fhir/PractitionerRole/{membership.code}")
        assert response.status_code == 404
        assert response.json()["resourceType"] == "OperationOutcome"
    assert login(mentee).get("/api/v1/fhir/PractitionerRole/nobody").status_code == 404
    empty = login(mentee).get("/api/v1/fhir/PractitionerRole")
    assert empty.status_code == 400
    assert empty.json()["issue"][0]["code"] == "required"


def test_the_search_pages_with_flat_queries(login, org_admin, hospital):
    from carementor.lib.testing import assert_flat_queries, make_user

    client = login(org_admin)
    counter = iter(range(1000))

    def add_rows(k: int) -> None:
        for _ in range(k):
            n = next(counter)
            person = make_user(f"nurse{n}@example.org", full_name=f"Nurse {n}")
            add_member(person, hospital, "mentor")
            _profile(person)

    url = f"/api/v1/fhir/PractitionerRole?organization={hospital.code}"
    assert_flat_queries(lambda: client.get(url), add_rows)

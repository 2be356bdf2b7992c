"""Professionals as FHIR R4 Practitioner resources, validated with fhir.resources.

Only verified, unexpired credentials become ``qualification`` entries. Each register's
numbers carry the identifier system below (the US NPI and UK systems are the published
ones; India's registers publish none, so CareMentor documents its own under its namespace).
"""

from typing import Any

from fhir.resources.bundle import Bundle
from fhir.resources.operationoutcome import OperationOutcome
from fhir.resources.practitioner import Practitioner
from fhir.resources.practitionerrole import PractitionerRole
from fhir.resources.R4B.practitionerrole import PractitionerRole as PractitionerRoleR4

from carementor.credentials.models import Credential

CAREMENTOR_SYSTEM = "https://carementor.org/fhir/sid"
PERSON_SYSTEM = f"{CAREMENTOR_SYSTEM}/person"
ORGANIZATION_SYSTEM = f"{CAREMENTOR_SYSTEM}/organization"
MEMBERSHIP_SYSTEM = f"{CAREMENTOR_SYSTEM}/practitioner-role"
# HL7's practitioner role codes for the professions that have one.
HL7_ROLE_SYSTEM = "http://terminology.hl7.org/CodeSystem/practitioner-role"
HL7_ROLES = {
    "medicine": ("doctor", "Doctor"),
    "nursing": ("nurse", "Nurse"),
    "pharmacy": ("pharmacist", "Pharmacist"),
    "informatics": ("ict", "ICT professional"),
    "education": ("teacher", "Teacher/educator"),
}
# What the person does here (mentor, coordinator…): CareMentor's own code system.
CAREMENTOR_ROLE_SYSTEM = "https://carementor.org/fhir/CodeSystem/organization-role"
NUCC_SYSTEM = "http://nucc.org/provider-taxonomy"
SPECIALTY_SYSTEM = "https://carementor.org/fhir/CodeSystem/specialty"

IDENTIFIER_SYSTEMS = {
    "us_npi": "http://hl7.org/fhir/sid/us-npi",
    "gb_gmc": "https://fhir.hl7.org.uk/Id/gmc-number",
    "gb_nmc": "https://fhir.hl7.org.uk/Id/nmc-number",
    "gb_gphc": "https://fhir.hl7.org.uk/Id/gphc-number",
    "gb_gdc": "https://fhir.hl7.org.uk/Id/gdc-number",
    "gb_hcpc": "https://fhir.hl7.org.uk/Id/hcpc-number",
    "in_nmr": f"{CAREMENTOR_SYSTEM}/in-nmr",
    "in_medical_council": f"{CAREMENTOR_SYSTEM}/in-medical-council",
    "in_nursing_council": f"{CAREMENTOR_SYSTEM}/in-nursing-council",
    "in_pharmacy_council": f"{CAREMENTOR_SYSTEM}/in-pharmacy-council",
    "in_dental_council": f"{CAREMENTOR_SYSTEM}/in-dental-council",
    "in_ayush_council": f"{CAREMENTOR_SYSTEM}/in-ayush-council",
    "in_allied_council": f"{CAREMENTOR_SYSTEM}/in-allied-council",
}


def identifier_system(scheme: str) -> str:
    return IDENTIFIER_SYSTEMS.get(scheme, f"{CAREMENTOR_SYSTEM}/{scheme.replace('_', '-')}")


def _qualification(credential: Credential) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "code": {"text": credential.title or credential.scheme_label},
    }
    if credential.number:
        entry["identifier"] = [
            {"system": identifier_system(credential.scheme), "value": credential.number}
        ]
    period = {
        key: value.isoformat()
        for key, value in (("start", credential.issued_on), ("end", credential.expires_on))
        if value
    }
    if period:
        entry["period"] = period
    issuer = " · ".join(p for p in (credential.issuing_body, credential.jurisdiction) if p)
    if issuer:
        entry["issuer"] = {"display": issuer}
    return entry


def practitioner(user: Any, credentials: list[Credential]) -> dict[str, Any]:
    """One person as a validated Practitioner (JSON-ready)."""
    identifiers = [{"system": PERSON_SYSTEM, "value": user.code}]
    for credential in credentials:
        if credential.number and credential.scheme in IDENTIFIER_SYSTEMS:
            identifiers.append(
                {"system": identifier_system(credential.scheme), "value": credential.number}
            )
    name: dict[str, Any] = {"text": user.full_name or user.code}
    parts = user.full_name.split()
    if len(parts) > 1:
        name["family"] = parts[-1]
        name["given"] = parts[:-1]
    body: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": user.code,
        "identifier": identifiers,
        "active": bool(user.is_active),
        "name": [name],
    }
    qualifications = [_qualification(c) for c in credentials]
    if qualifications:
        body["qualification"] = qualifications
    return Practitioner.model_validate(body).model_dump(mode="json")


def practitioner_role(membership: Any, profile: Any) -> dict[str, Any]:
    """One membership as a PractitionerRole: who, where, as what, in which specialties.

    Built from the elements R4 and R5 share and validated against both, so R4 clients and
    the R5 models used elsewhere here read it alike. Qualifications stay on the Practitioner,
    where FHIR puts them.
    """
    person = membership.user
    organization = membership.organization
    codes: list[dict[str, Any]] = []
    profession = getattr(profile, "profession", None) if profile is not None else None
    if profession is not None and profession.group in HL7_ROLES:
        code, display = HL7_ROLES[profession.group]
        codes.append(
            {
                "coding": [{"system": HL7_ROLE_SYSTEM, "code": code, "display": display}],
                "text": profession.name,
            }
        )
    for role in membership.roles:
        codes.append({"coding": [{"system": CAREMENTOR_ROLE_SYSTEM, "code": role}], "text": role})
    specialties = []
    for specialty in getattr(profile, "fhir_specialties", []) if profile is not None else []:
        coding = [{"system": SPECIALTY_SYSTEM, "code": specialty.code, "display": specialty.name}]
        if specialty.nucc_code:
            coding.insert(
                0, {"system": NUCC_SYSTEM, "code": specialty.nucc_code, "display": specialty.name}
            )
        specialties.append({"coding": coding, "text": specialty.name})
    body: dict[str, Any] = {
        "resourceType": "PractitionerRole",
        "id": membership.code,
        "identifier": [{"system": MEMBERSHIP_SYSTEM, "value": membership.code}],
        "active": bool(person.is_active),
        "period": {"start": membership.joined_at.date().isoformat()},
        "practitioner": {
            "reference": f"Practitioner/{person.code}",
            "identifier": {"system": PERSON_SYSTEM, "value": person.code},
            "display": person.full_name or person.code,
        },
        "organization": {
            "identifier": {"system": ORGANIZATION_SYSTEM, "value": organization.code},
            "display": organization.name,
        },
        "code": codes,
    }
    if specialties:
        body["specialty"] = specialties
    PractitionerRoleR4.model_validate(body)
    return PractitionerRole.model_validate(body).model_dump(mode="json")


def bundle(
    resources: list[dict[str, Any]],
    *,
    base: str,
    total: int,
    self_url: str,
    next_url: str,
    included: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A searchset: ``resources`` matched (Practitioner or PractitionerRole, each by its own
    resourceType), ``included`` came along with them (search mode "include")."""
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    entries = [(r, "match") for r in resources] + [(r, "include") for r in included or []]
    body = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": mode},
            }
            for r, mode in entries
        ],
    }
    return Bundle.model_validate(body).model_dump(mode="json")


def operation_outcome(code: str, diagnostics: str) -> dict[str, Any]:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
    }
    return OperationOutcome.model_validate(body).model_dump(mode="json")


SCHEMES_BY_SYSTEM = {system: scheme for scheme, system in IDENTIFIER_SYSTEMS.items()}


def read_bundle(body: Any) -> list[Practitioner]:
    """The Practitioners of a posted Bundle; ValueError says what is wrong with it."""
    if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
        raise ValueError("Send a FHIR Bundle resource.")
    bundle = Bundle.model_validate(body)
    found: list[Practitioner] = []
    for entry in bundle.entry or []:
        resource = entry.resource
        if not isinstance(resource, Practitioner):
            raise ValueError("Every entry must be a Practitioner.")
        found.append(resource)
    if not found:
        raise ValueError("The Bundle has no Practitioner entries.")
    return found


def person_key(resource: Any) -> tuple[str, str]:
    """How a Practitioner names the person: ("code", …) or ("email", …), or ("", "")."""
    for identifier in resource.identifier or []:
        if identifier.system == PERSON_SYSTEM and identifier.value:
            return "code", str(identifier.value)
    for telecom in resource.telecom or []:
        if telecom.system == "email" and telecom.value:
            return "email", str(telecom.value).strip().lower()
    return "", ""


def qualifications(resource: Any) -> list[dict[str, Any]]:
    """Registrations a Practitioner declares, for registers CareMentor knows."""
    found = []
    for qualification in resource.qualification or []:
        for identifier in qualification.identifier or []:
            scheme = SCHEMES_BY_SYSTEM.get(str(identifier.system or ""))
            if scheme is None or not identifier.value:
                continue
            period = qualification.period
            found.append(
                {
                    "scheme": scheme,
                    "number": str(identifier.value),
                    "title": (qualification.code.text or "") if qualification.code else "",
                    "issuing_body": (qualification.issuer.display or "")
                    if qualification.issuer
                    else "",
                    "issued_on": period.start if period and period.start else None,
                    "expires_on": period.end if period and period.end else None,
                }
            )
    return found

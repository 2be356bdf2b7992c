"""FHIR R4 in the JSON API: professionals as Practitioner resources (application/fhir+json).

Errors are OperationOutcome resources, as FHIR clients expect, not the API's usual shape.
"""

import datetime
import json
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ValidationError as PydanticValidationError

from carementor.accounts.models import User
from carementor.audit.services import record, record_read
from carementor.credentials.models import Credential
from carementor.credentials.schemes import validate_number
from carementor.credentials.services import CredentialData, credential_submit
from carementor.integrations import fhir
from carementor.integrations.permissions import (
    get_practitioner_for,
    get_practitioner_role_for,
    practitioner_roles_for,
)
from carementor.lib.paging import MAX_PAGE
from carementor.organizations.models import Membership, Role
from carementor.organizations.permissions import get_access_for
from carementor.profiles.models import Profile, Specialty

router = Router(tags=["fhir"])

CONTENT_TYPE = "application/fhir+json"
PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    """The signed-in person: the API's authentication lets no one else through."""
    return request.user  # type: ignore[return-value]


def _fhir(request: HttpRequest, body: dict[str, Any], status: int = 200) -> HttpResponse:
    """FHIR JSON, labelled ``application/fhir+json`` for clients that ask for it (FHIR clients
    do) and ``application/json``, as the OpenAPI schema documents, for everybody else."""
    wanted = request.headers.get("Accept", "")
    content_type = CONTENT_TYPE if "fhir+json" in wanted else "application/json"
    return HttpResponse(json.dumps(body), status=status, content_type=content_type)


def _not_found(request: HttpRequest) -> HttpResponse:
    return _fhir(
        request, fhir.operation_outcome("not-found", _("There is no such practitioner.")), 404
    )


def _valid_credentials() -> Prefetch:
    return Prefetch(
        "credentials",
        queryset=Credential.objects.valid().order_by("issued_on", "id"),
        to_attr="valid_credentials",
    )


@router.get(
    "/Practitioner/{code}",
    response={200: dict[str, Any], 404: dict[str, Any]},
    summary="A professional as a FHIR Practitioner",
)
def read_practitioner(request: HttpRequest, code: str) -> HttpResponse:
    try:
        person = get_practitioner_for(_user(request), code)
    except Http404:
        return _not_found(request)
    person = User.objects.prefetch_related(_valid_credentials()).get(pk=person.pk)
    if person.pk != request.user.pk:
        record_read(request.user, "fhir.practitioner_read", person, request=request)
    return _fhir(request, fhir.practitioner(person, person.valid_credentials))  # type: ignore[attr-defined]


class PractitionerSearch(Schema):
    organization: str = Field(description="The organization's code.", max_length=16)
    page: int = Field(1, ge=1, le=MAX_PAGE)


@router.get(
    "/Practitioner",
    response={200: dict[str, Any], 404: dict[str, Any]},
    summary="An organization's verified professionals as a FHIR Bundle (admin, coordinator)",
)
def search_practitioners(request: HttpRequest, params: Query[PractitionerSearch]) -> HttpResponse:
    try:
        access = get_access_for(
            _user(request), params.organization, role=[Role.ADMIN, Role.COORDINATOR]
        )
    except Http404:
        return _fhir(
            request, fhir.operation_outcome("not-found", _("There is no such organization.")), 404
        )
    verified = Credential.objects.valid().values("holder")
    people = (
        User.objects.filter(
            pk__in=Membership.objects.filter(organization=access.organization).values("user"),
            is_active=True,
        )
        .filter(pk__in=verified)
        .order_by("full_name", "id")
    )
    total = people.count()
    start = (params.page - 1) * PAGE_SIZE
    page = list(people.prefetch_related(_valid_credentials())[start : start + PAGE_SIZE])
    base = request.build_absolute_uri("/api/v1/fhir")
    self_url = f"{base}/Practitioner?organization={access.organization.code}&page={params.page}"
    next_url = (
        f"{base}/Practitioner?organization={access.organization.code}&page={params.page + 1}"
        if start + PAGE_SIZE < total
        else ""
    )
    resources = [fhir.practitioner(p, p.valid_credentials) for p in page]  # type: ignore[attr-defined]
    # Each professional's role here comes along (search mode "include"), as _include would.
    roles = _with_profiles(
        Membership.objects.filter(organization=access.organization, user__in=page)
        .select_related("user", "organization")
        .order_by("user__full_name", "user_id")
    )
    included = [fhir.practitioner_role(m, m.fhir_profile) for m in roles]  # type: ignore[attr-defined]
    record_read(
        request.user,
        "fhir.practitioners_exported",
        access.organization,
        organization=access.organization,
        request=request,
        detail={"page": params.page, "count": len(resources)},
    )
    return _fhir(
        request,
        fhir.bundle(
            resources,
            base=base,
            total=total,
            self_url=self_url,
            next_url=next_url,
            included=included,
        ),
    )


def _with_profiles(memberships: Any) -> list[Membership]:
    """The memberships with each person's profile and specialties (in name order), read in
    three queries whatever their number."""
    rows = list(memberships)
    profiles = {
        p.user_id: p
        for p in Profile.objects.filter(user_id__in={m.user_id for m in rows})
        .select_related("profession")
        .prefetch_related(
            Prefetch(
                "specialties",
                queryset=Specialty.objects.order_by("name", "id"),
                to_attr="fhir_specialties",
            )
        )
    }
    for membership in rows:
        membership.fhir_profile = profiles.get(membership.user_id)  # type: ignore[attr-defined]
    return rows


def _role_not_found(request: HttpRequest) -> HttpResponse:
    return _fhir(
        request,
        fhir.operation_outcome("not-found", _("There is no such practitioner role.")),
        404,
    )


@router.get(
    "/PractitionerRole/{code}",
    response={200: dict[str, Any], 404: dict[str, Any]},
    summary="A professional's role in one organization as a FHIR PractitionerRole",
)
def read_practitioner_role(request: HttpRequest, code: str) -> HttpResponse:
    try:
        membership = get_practitioner_role_for(_user(request), code)
    except Http404:
        return _role_not_found(request)
    (membership,) = _with_profiles([membership])
    if membership.user_id != request.user.pk:
        record_read(
            request.user,
            "fhir.practitioner_role_read",
            membership,
            organization=membership.organization,
            request=request,
            detail={"person": membership.user.code},
        )
    return _fhir(request, fhir.practitioner_role(membership, membership.fhir_profile))  # type: ignore[attr-defined]


class PractitionerRoleSearch(Schema):
    practitioner: str = Field(
        "", max_length=40, description="The person's code, or Practitioner/{code}."
    )
    organization: str = Field("", max_length=16, description="The organization's code.")
    page: int = Field(1, ge=1, le=MAX_PAGE)


@router.get(
    "/PractitionerRole",
    response={200: dict[str, Any], 400: dict[str, Any]},
    summary="Search PractitionerRoles by practitioner or organization (a searchset Bundle)",
)
def search_practitioner_roles(
    request: HttpRequest, params: Query[PractitionerRoleSearch]
) -> HttpResponse:
    if not params.practitioner and not params.organization:
        return _fhir(
            request,
            fhir.operation_outcome(
                "required", _("Search by practitioner or organization (or both).")
            ),
            400,
        )
    rows = practitioner_roles_for(_user(request))
    query = []
    if params.practitioner:
        person = params.practitioner.removeprefix("Practitioner/")
        rows = rows.filter(user__code=person)
        query.append(f"practitioner={person}")
    if params.organization:
        rows = rows.filter(organization__code=params.organization)
        query.append(f"organization={params.organization}")
    rows = rows.select_related("user", "organization").order_by(
        "user__full_name", "organization__name", "id"
    )
    total = rows.count()
    start = (params.page - 1) * PAGE_SIZE
    page = _with_profiles(rows[start : start + PAGE_SIZE])
    others = [m for m in page if m.user_id != request.user.pk]
    if others:
        record_read(
            request.user,
            "fhir.practitioner_roles_searched",
            others[0].user if params.practitioner else others[0].organization,
            request=request,
            detail={"query": "&".join(query), "count": len(others)},
        )
    base = request.build_absolute_uri("/api/v1/fhir")
    url = f"{base}/PractitionerRole?{'&'.join(query)}"
    return _fhir(
        request,
        fhir.bundle(
            [fhir.practitioner_role(m, m.fhir_profile) for m in page],  # type: ignore[attr-defined]
            base=base,
            total=total,
            self_url=f"{url}&page={params.page}",
            next_url=f"{url}&page={params.page + 1}" if start + PAGE_SIZE < total else "",
        ),
    )


class BundleImportParams(Schema):
    organization: str = Field(description="The organization's code.", max_length=16)


def _date(value: Any) -> datetime.date | None:
    # A partial date ("2019") says too little for a registration's validity: left empty.
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return None


@router.post(
    "/Bundle",
    response={200: dict[str, Any], 400: dict[str, Any], 404: dict[str, Any], 422: dict[str, Any]},
    summary="Import Practitioners as unverified credentials of members (admin)",
)
def import_bundle(request: HttpRequest, params: Query[BundleImportParams]) -> HttpResponse:
    """Each Practitioner names a member (CareMentor person identifier or e-mail telecom); its
    qualifications for known registers become credentials awaiting review. All or nothing."""
    try:
        access = get_access_for(_user(request), params.organization, role=Role.ADMIN)
    except Http404:
        return _fhir(
            request, fhir.operation_outcome("not-found", _("There is no such organization.")), 404
        )
    try:
        resources = fhir.read_bundle(json.loads(request.body or b"null"))
    except (ValueError, PydanticValidationError) as exc:
        return _fhir(request, fhir.operation_outcome("invalid", str(exc)[:1000]), 400)
    members = Membership.objects.filter(organization=access.organization).select_related("user")
    problems: list[str] = []
    created = 0
    try:
        with transaction.atomic():
            for index, resource in enumerate(resources):
                kind, value = fhir.person_key(resource)
                lookup = {"user__code": value} if kind == "code" else {"user__email__iexact": value}
                membership = members.filter(**lookup).first() if kind else None
                if membership is None:
                    problems.append(
                        _("Entry %(n)d: no member of this organization matches.") % {"n": index + 1}
                    )
                    continue
                for entry in fhir.qualifications(resource):
                    result = validate_number(entry["scheme"], entry["number"])
                    if not result.valid:
                        problems.append(
                            _("Entry %(n)d: %(errors)s")
                            % {"n": index + 1, "errors": " ".join(result.errors)}
                        )
                        continue
                    exists = Credential.objects.filter(
                        holder=membership.user, scheme=entry["scheme"], number=result.normalized
                    ).exists()
                    if exists:
                        continue
                    credential_submit(
                        holder=membership.user,
                        organization=access.organization,
                        data=CredentialData(
                            scheme=entry["scheme"],
                            number=result.normalized,
                            title=entry["title"][:160],
                            issuing_body=entry["issuing_body"][:160],
                            issued_on=_date(entry["issued_on"]),
                            expires_on=_date(entry["expires_on"]),
                        ),
                        request=request,
                    )
                    created += 1
            if problems:
                raise _Refused
            record(
                request.user,
                "fhir.practitioners_imported",
                access.organization,
                organization=access.organization,
                request=request,
                detail={"practitioners": len(resources), "credentials": created},
            )
    except _Refused:
        return _fhir(
            request,
            {
                "resourceType": "OperationOutcome",
                "issue": [
                    {"severity": "error", "code": "processing", "diagnostics": p} for p in problems
                ],
            },
            422,
        )
    message = _("%(count)d credentials imported for review.") % {"count": created}
    outcome = fhir.operation_outcome("informational", message)
    outcome["issue"][0]["severity"] = "information"
    return _fhir(request, outcome)


class _Refused(Exception):
    """Rolls the whole import back when any entry is refused."""

"""An organization's single sign-on in the JSON API: what its admins set on the page."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_domain_name
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS
from carementor.lib.text import Text
from carementor.organizations.models import Role
from carementor.sso import services
from carementor.sso.adapter import callback_url
from carementor.sso.models import SsoConnection
from carementor.sso.permissions import get_sso_access_for
from carementor.sso.services import ConnectionSettings

router = Router(tags=["single sign-on"])

_url = URLValidator(schemes=["http", "https"])


class SsoConnectionOut(Schema):
    code: str
    protocol: SsoConnection.Protocol
    is_enabled: bool
    domains: list[str]
    oidc_issuer: str
    oidc_client_id: str
    has_client_secret: bool = Field(description="The secret itself is never returned.")
    saml_idp_entity_id: str
    saml_metadata_url: str
    has_saml_metadata_xml: bool
    attr_name: str
    attr_email: str
    attr_employee_number: str
    attr_department: str
    default_role: Role
    sso_required: bool
    redirect_uri: str = Field(
        description="Register this at the identity provider: the OIDC redirect URI or the "
        "SAML assertion consumer service URL."
    )
    updated_at: datetime


class SsoConnectionIn(Schema):
    protocol: SsoConnection.Protocol
    is_enabled: bool = True
    domains: list[Text] = Field(default_factory=list, max_length=50)
    oidc_issuer: Text = Field("", max_length=200)
    oidc_client_id: Text = Field("", max_length=200)
    oidc_client_secret: Text | None = Field(
        None, max_length=500, description="Omit or null to keep the stored secret."
    )
    saml_idp_entity_id: Text = Field("", max_length=500)
    saml_metadata_url: Text = Field("", max_length=200)
    saml_metadata_xml: Text = Field("", max_length=512 * 1024)
    attr_name: Text = Field("name", min_length=1, max_length=200)
    attr_email: Text = Field("email", min_length=1, max_length=200)
    attr_employee_number: Text = Field("", max_length=200)
    attr_department: Text = Field("", max_length=200)
    default_role: Role = Role.MEMBER
    sso_required: bool = False

    @field_validator("oidc_issuer", "saml_metadata_url")
    @classmethod
    def _is_url(cls, value: str) -> str:
        if value:
            try:
                _url(value)
            except ValidationError as exc:
                raise ValueError("Enter a valid http(s) URL.") from exc
        return value

    @field_validator("domains")
    @classmethod
    def _are_domains(cls, value: list[str]) -> list[str]:
        clean = [services.normalize_domain(d) for d in value if services.normalize_domain(d)]
        for domain in clean:
            try:
                validate_domain_name(domain)
            except ValidationError as exc:
                raise ValueError(f"Not a domain name: {domain}") from exc
        return clean

    @field_validator("saml_metadata_xml")
    @classmethod
    def _is_metadata(cls, value: str) -> str:
        if value and "EntityDescriptor" not in value:
            raise ValueError("This is not SAML metadata (no EntityDescriptor).")
        return value


def _out(request: HttpRequest, connection: SsoConnection) -> SsoConnectionOut:
    return SsoConnectionOut(
        code=connection.code,
        protocol=SsoConnection.Protocol(connection.protocol),
        is_enabled=connection.is_enabled,
        domains=[d.domain for d in connection.domains.all()],
        oidc_issuer=connection.oidc_issuer,
        oidc_client_id=connection.oidc_client_id,
        has_client_secret=connection.has_client_secret,
        saml_idp_entity_id=connection.saml_idp_entity_id,
        saml_metadata_url=connection.saml_metadata_url,
        has_saml_metadata_xml=bool(connection.saml_metadata_xml),
        attr_name=connection.attr_name,
        attr_email=connection.attr_email,
        attr_employee_number=connection.attr_employee_number,
        attr_department=connection.attr_department,
        default_role=Role(connection.default_role),
        sso_required=connection.sso_required,
        redirect_uri=callback_url(request, connection),
        updated_at=connection.updated_at,
    )


def _connection_of(request: HttpRequest, code: str) -> tuple[object, SsoConnection | None]:
    access = get_sso_access_for(request.user, code)
    connection = SsoConnection.objects.filter(organization=access.organization).first()
    return access, connection


@router.get(
    "/{code}/sso",
    response={200: SsoConnectionOut, **READ_ERRORS},
    summary="Single sign-on settings (admin)",
)
def get_connection(request: HttpRequest, code: str) -> SsoConnectionOut:
    _access, connection = _connection_of(request, code)
    if connection is None:
        raise Http404
    return _out(request, connection)


@router.put(
    "/{code}/sso",
    response={200: SsoConnectionOut, **WRITE_ERRORS},
    summary="Set up or change single sign-on (admin)",
)
def put_connection(request: HttpRequest, code: str, payload: SsoConnectionIn) -> SsoConnectionOut:
    access = get_sso_access_for(request.user, code)
    values = ConnectionSettings(
        **{
            **payload.dict(),
            "protocol": payload.protocol.value,
            "default_role": payload.default_role.value,
            "domains": tuple(payload.domains),
        }
    )
    connection = services.connection_save(
        access.organization, values, request.user, request=request
    )
    return _out(request, connection)


@router.delete(
    "/{code}/sso",
    response={204: None, **WRITE_ERRORS},
    summary="Remove single sign-on (admin)",
)
def delete_connection(request: HttpRequest, code: str) -> Status[None]:
    _access, connection = _connection_of(request, code)
    if connection is None:
        raise Http404
    services.connection_delete(connection, request.user, request=request)
    return Status(204, None)

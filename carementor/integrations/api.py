"""An organization's integrations in the JSON API: SCIM tokens, provisioned people, groups.

The SCIM protocol itself lives at /scim/v2/ (RFC 7644); these operations are what the
integrations page offers its admins.
"""

from datetime import datetime

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from carementor.accounts.models import User
from carementor.integrations import services, webhooks
from carementor.integrations.hr_feed_api import router as hr_feed_router
from carementor.integrations.models import (
    ScimGroup,
    ScimToken,
    ScimUser,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from carementor.integrations.permissions import (
    get_integrations_access_for,
    get_scim_group_for,
    get_scim_token_for,
    get_webhook_endpoint_for,
)
from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS
from carementor.lib.paging import BoundedPageNumberPagination
from carementor.lib.text import Name, Text
from carementor.organizations.models import Role

router = Router(tags=["integrations"])


def _user(request: HttpRequest) -> User:
    """The signed-in person: the API's authentication lets no one else through."""
    return request.user  # type: ignore[return-value]


class ScimTokenOut(Schema):
    code: str
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ScimTokenCreatedOut(ScimTokenOut):
    token: str = Field(description="The bearer token. Shown once: it is never stored.")
    scim_base_url: str


class ScimTokenIn(Schema):
    name: Name = Field(min_length=1, max_length=100)


class ScimPersonOut(Schema):
    code: str = Field(description="The SCIM id.")
    user_name: str
    external_id: str
    display_name: str
    employee_number: str
    department: str
    active: bool
    groups: list[str] = Field(description="Codes of the groups the person is in.")

    @staticmethod
    def resolve_groups(obj: ScimUser) -> list[str]:
        return [group.code for group in obj.groups.all()]


class ScimGroupOut(Schema):
    code: str = Field(description="The SCIM id.")
    display_name: str
    external_id: str
    role: str = Field(description="The role the group grants here; empty for none.")
    member_count: int


class GroupRoleIn(Schema):
    role: Role | None = Field(None, description="The role members get; null for none.")


def _group_out(group: ScimGroup) -> ScimGroupOut:
    return ScimGroupOut(
        code=group.code,
        display_name=group.display_name,
        external_id=group.external_id,
        role=group.role,
        member_count=group.members.count(),
    )


@router.get(
    "/{code}/scim/tokens",
    response={200: list[ScimTokenOut], **READ_ERRORS},
    summary="SCIM tokens (admin)",
)
@paginate(BoundedPageNumberPagination, page_size=25)
def list_tokens(request: HttpRequest, code: str) -> QuerySet[ScimToken]:
    access = get_integrations_access_for(_user(request), code)
    return ScimToken.objects.filter(organization=access.organization).order_by("-created_at")


@router.post(
    "/{code}/scim/tokens",
    response={201: ScimTokenCreatedOut, **WRITE_ERRORS},
    summary="Create a SCIM token (admin)",
)
def create_token(
    request: HttpRequest, code: str, payload: ScimTokenIn
) -> Status[ScimTokenCreatedOut]:
    access = get_integrations_access_for(_user(request), code)
    token, raw = services.scim_token_create(
        access.organization, payload.name, _user(request), request=request
    )
    return Status(
        201,
        ScimTokenCreatedOut(
            code=token.code,
            name=token.name,
            prefix=token.prefix,
            created_at=token.created_at,
            last_used_at=None,
            revoked_at=None,
            token=raw,
            scim_base_url=request.build_absolute_uri("/scim/v2/"),
        ),
    )


@router.post(
    "/{code}/scim/tokens/{token_code}/revoke",
    response={200: ScimTokenOut, **WRITE_ERRORS},
    summary="Revoke a SCIM token (admin)",
)
def revoke_token(request: HttpRequest, code: str, token_code: str) -> ScimToken:
    access = get_integrations_access_for(_user(request), code)
    token = get_scim_token_for(access.organization, token_code)
    return services.scim_token_revoke(token, _user(request), request=request)


@router.get(
    "/{code}/scim/people",
    response={200: list[ScimPersonOut], **READ_ERRORS},
    summary="Provisioned people (admin)",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_people(request: HttpRequest, code: str) -> QuerySet[ScimUser]:
    access = get_integrations_access_for(_user(request), code)
    return (
        ScimUser.objects.filter(organization=access.organization)
        .prefetch_related(Prefetch("groups", queryset=ScimGroup.objects.order_by("id")))
        .order_by("user_name")
    )


@router.get(
    "/{code}/scim/groups",
    response={200: list[ScimGroupOut], **READ_ERRORS},
    summary="Provisioned groups (admin)",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_groups(request: HttpRequest, code: str) -> QuerySet[ScimGroup]:
    access = get_integrations_access_for(_user(request), code)
    return (
        ScimGroup.objects.filter(organization=access.organization)
        .annotate(member_count=Count("members"))
        .order_by("display_name")
    )


@router.put(
    "/{code}/scim/groups/{group_code}/role",
    response={200: ScimGroupOut, **WRITE_ERRORS},
    summary="Map a group to a role (admin)",
)
def set_group_role(
    request: HttpRequest, code: str, group_code: str, payload: GroupRoleIn
) -> ScimGroupOut:
    access = get_integrations_access_for(_user(request), code)
    group = get_scim_group_for(access.organization, group_code)
    role = payload.role.value if payload.role else ""
    return _group_out(services.scim_group_map_role(group, role, _user(request), request=request))


# --- Webhooks -----------------------------------------------------------------------------


class WebhookEndpointOut(Schema):
    code: str
    url: str
    description: str
    events: list[str]
    is_active: bool
    created_at: datetime


class WebhookEndpointCreatedOut(WebhookEndpointOut):
    secret: str = Field(description="The signing secret. Shown once: store it now.")


class WebhookEndpointIn(Schema):
    url: Text = Field(min_length=1, max_length=500, description="An https:// address.")
    description: Name = Field("", max_length=200)
    events: list[WebhookEvent] = Field(min_length=1)


class WebhookEndpointPatchIn(Schema):
    events: list[WebhookEvent] | None = Field(None, min_length=1)
    is_active: bool | None = None


class WebhookDeliveryOut(Schema):
    code: str
    event_type: str
    status: str = Field(description="pending, succeeded or failed")
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None


@router.get(
    "/{code}/webhooks",
    response={200: list[WebhookEndpointOut], **READ_ERRORS},
    summary="Webhook endpoints (admin)",
)
@paginate(BoundedPageNumberPagination, page_size=25)
def list_webhooks(request: HttpRequest, code: str) -> QuerySet[WebhookEndpoint]:
    access = get_integrations_access_for(_user(request), code)
    return WebhookEndpoint.objects.filter(organization=access.organization)


@router.post(
    "/{code}/webhooks",
    response={201: WebhookEndpointCreatedOut, **WRITE_ERRORS},
    summary="Register a webhook endpoint (admin)",
)
def create_webhook(
    request: HttpRequest, code: str, payload: WebhookEndpointIn
) -> Status[WebhookEndpointCreatedOut]:
    access = get_integrations_access_for(_user(request), code)
    endpoint, secret = webhooks.endpoint_create(
        access.organization,
        payload.url,
        [event.value for event in payload.events],
        _user(request),
        description=payload.description,
        request=request,
    )
    return Status(
        201,
        WebhookEndpointCreatedOut(
            code=endpoint.code,
            url=endpoint.url,
            description=endpoint.description,
            events=endpoint.events,
            is_active=endpoint.is_active,
            created_at=endpoint.created_at,
            secret=secret,
        ),
    )


@router.patch(
    "/{code}/webhooks/{endpoint_code}",
    response={200: WebhookEndpointOut, **WRITE_ERRORS},
    summary="Change events or pause a webhook endpoint (admin)",
)
def update_webhook(
    request: HttpRequest, code: str, endpoint_code: str, payload: WebhookEndpointPatchIn
) -> WebhookEndpoint:
    access = get_integrations_access_for(_user(request), code)
    endpoint = get_webhook_endpoint_for(access.organization, endpoint_code)
    events = [event.value for event in payload.events] if payload.events is not None else None
    return webhooks.endpoint_update(
        endpoint, _user(request), events=events, is_active=payload.is_active, request=request
    )


@router.delete(
    "/{code}/webhooks/{endpoint_code}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete a webhook endpoint (admin)",
)
def delete_webhook(request: HttpRequest, code: str, endpoint_code: str) -> Status[None]:
    access = get_integrations_access_for(_user(request), code)
    endpoint = get_webhook_endpoint_for(access.organization, endpoint_code)
    webhooks.endpoint_delete(endpoint, _user(request), request=request)
    return Status(204, None)


@router.post(
    "/{code}/webhooks/{endpoint_code}/test",
    response={202: WebhookDeliveryOut, **WRITE_ERRORS},
    summary="Send a test event (admin)",
)
def test_webhook(request: HttpRequest, code: str, endpoint_code: str) -> Status[WebhookDelivery]:
    access = get_integrations_access_for(_user(request), code)
    endpoint = get_webhook_endpoint_for(access.organization, endpoint_code)
    return Status(202, webhooks.send_test_event(endpoint, _user(request), request=request))


@router.get(
    "/{code}/webhooks/{endpoint_code}/deliveries",
    response={200: list[WebhookDeliveryOut], **READ_ERRORS},
    summary="Delivery log of a webhook endpoint (admin)",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_deliveries(
    request: HttpRequest, code: str, endpoint_code: str
) -> QuerySet[WebhookDelivery]:
    access = get_integrations_access_for(_user(request), code)
    endpoint = get_webhook_endpoint_for(access.organization, endpoint_code)
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")


# HR feeds share this router's /integrations/{code}/ prefix.
router.add_router("", hr_feed_router)

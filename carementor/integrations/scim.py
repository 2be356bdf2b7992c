"""The SCIM 2.0 endpoints (RFC 7644) at /scim/v2/, one organization per bearer token.

Every lookup is scoped by the token's organization: another organization's people and groups
answer 404 exactly as ids that never existed do.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from carementor.integrations import scim_schema, services
from carementor.integrations.models import ScimGroup, ScimToken, ScimUser
from carementor.integrations.scim_filter import GROUP_COLUMNS, USER_COLUMNS, Column, parse_filter
from carementor.integrations.scim_resources import (
    group_resource,
    parse_group,
    parse_user,
    patch_group,
    patch_user,
    user_resource,
)
from carementor.integrations.services import ScimError
from carementor.lib.paging import MAX_OFFSET

CONTENT_TYPE = "application/scim+json"
DEFAULT_COUNT = 100
# Attributes RFC 7643 returns whatever ``attributes`` asks for.
ALWAYS_RETURNED = {"id", "schemas", "meta"}


def _response(
    body: dict[str, Any] | None, status: int = 200, *, etag: str = "", location: str = ""
) -> HttpResponse:
    content = json.dumps(body) if body is not None else ""
    response = HttpResponse(content, status=status, content_type=CONTENT_TYPE)
    if etag:
        response["ETag"] = etag
    if location:
        response["Location"] = location
    return response


def error_response(status: int, detail: str, scim_type: str = "") -> HttpResponse:
    body: dict[str, Any] = {
        "schemas": [scim_schema.ERROR_SCHEMA],
        "status": str(status),
        "detail": detail,
    }
    if scim_type:
        body["scimType"] = scim_type
    response = _response(body, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("integrations:scim_root")).rstrip("/")


class ScimRequest(HttpRequest):
    scim_token: ScimToken
    scim_body: Any


View = Callable[..., HttpResponse]


def scim_view(*methods: str) -> Callable[[View], View]:
    """Authenticate the bearer token, read the JSON body and answer errors in SCIM's shape."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            header = request.headers.get("Authorization", "")
            scheme, _sep, raw = header.partition(" ")
            token = (
                services.scim_token_authenticate(raw.strip())
                if scheme.lower() == "bearer"
                else None
            )
            if token is None:
                return error_response(
                    401, _("Send a valid SCIM bearer token in the Authorization header.")
                )
            if request.method not in methods:
                return error_response(
                    405, _("%(method)s is not allowed here.") % {"method": request.method}
                )
            scim_request: Any = request
            scim_request.scim_token = token
            scim_request.scim_body = None
            if request.method in ("POST", "PUT", "PATCH"):
                try:
                    scim_request.scim_body = json.loads(request.body or b"null")
                except (ValueError, UnicodeDecodeError):
                    return error_response(400, _("The body is not valid JSON."), "invalidSyntax")
            try:
                return view(scim_request, *args, **kwargs)
            except ScimError as exc:
                return error_response(exc.status, exc.message, exc.scim_type)
            except Http404:
                return error_response(404, _("There is no such resource here."))

        return wrapper

    return decorate


# --- Discovery ----------------------------------------------------------------------------


def _docs(request: HttpRequest) -> str:
    return request.build_absolute_uri("/api/v1/docs")


def _list(resources: list[dict[str, Any]], total: int, start: int) -> dict[str, Any]:
    return {
        "schemas": [scim_schema.LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


@scim_view("GET")
def root(request: ScimRequest) -> HttpResponse:
    # The base of the service: nothing lives here, as RFC 7644 names no resource for it.
    raise Http404


@scim_view("GET", "POST", "PUT", "PATCH", "DELETE")
def unknown(request: ScimRequest, rest: str) -> HttpResponse:
    raise Http404


@scim_view("POST")
def root_search(request: ScimRequest) -> HttpResponse:
    # RFC 7644 section 3.12 names 501 for an operation a server does not offer; searching
    # every resource type at once is one, and clients search /Users/.search or /Groups/.search.
    return error_response(
        501, _("Search one resource type at a time: POST /Users/.search or /Groups/.search.")
    )


@scim_view("GET")
def service_provider_config(request: ScimRequest) -> HttpResponse:
    return _response(scim_schema.service_provider_config(base_url(request), _docs(request)))


@scim_view("GET")
def resource_types(request: ScimRequest) -> HttpResponse:
    items = scim_schema.resource_types(base_url(request))
    return _response(_list(items, len(items), 1))


@scim_view("GET")
def resource_type(request: ScimRequest, name: str) -> HttpResponse:
    for item in scim_schema.resource_types(base_url(request)):
        if item["id"] == name:
            return _response(item)
    raise Http404


@scim_view("GET")
def schemas(request: ScimRequest) -> HttpResponse:
    items = scim_schema.schemas(base_url(request))
    return _response(_list(items, len(items), 1))


@scim_view("GET")
def schema(request: ScimRequest, schema_id: str) -> HttpResponse:
    for item in scim_schema.schemas(base_url(request)):
        if item["id"] == schema_id:
            return _response(item)
    raise Http404


# --- Listing ------------------------------------------------------------------------------


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    parts = [str(v) for v in value] if isinstance(value, list) else str(value).split(",")
    return [p.strip() for p in parts if p.strip()]


def _split(path: str) -> tuple[str, str]:
    """An attribute path as (top-level name, sub-attribute), extension URNs kept whole."""
    lowered = path.lower()
    for urn in (scim_schema.ENTERPRISE_SCHEMA.lower(),):
        if lowered.startswith(urn + ":"):
            return urn, lowered[len(urn) + 1 :]
    for urn in (scim_schema.USER_SCHEMA.lower(), scim_schema.GROUP_SCHEMA.lower()):
        if lowered.startswith(urn + ":"):
            lowered = lowered[len(urn) + 1 :]
    top, _dot, sub = lowered.partition(".")
    return top, sub


def project(resource: dict[str, Any], attributes: list[str], excluded: list[str]) -> dict[str, Any]:
    """Apply ``attributes`` / ``excludedAttributes`` (RFC 7644 §3.4.2.5)."""
    if not attributes and not excluded:
        return resource
    keys = {key.lower(): key for key in resource}
    if attributes:
        wanted: dict[str, set[str]] = {}
        for path in attributes:
            top, sub = _split(path)
            wanted.setdefault(top, set())
            if sub:
                wanted[top].add(sub)
            elif top in keys and isinstance(resource[keys[top]], dict):
                wanted[top] = set()
        result = {}
        for lowered, key in keys.items():
            if lowered in ALWAYS_RETURNED:
                result[key] = resource[key]
            elif lowered in wanted:
                result[key] = _subset(resource[key], wanted[lowered])
        return result
    result = dict(resource)
    for path in excluded:
        top, sub = _split(path)
        if top in ALWAYS_RETURNED or top not in keys:
            continue
        key = keys[top]
        if not sub:
            del result[key]
        elif isinstance(result[key], dict):
            result[key] = {k: v for k, v in result[key].items() if k.lower() != sub}
    return result


def _subset(value: Any, subs: set[str]) -> Any:
    if not subs:
        return value
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k.lower() in subs}
    if isinstance(value, list):
        return [_subset(item, subs) for item in value]
    return value


def _int_param(raw: Any, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except (TypeError, ValueError) as exc:
        raise ScimError(
            _("“%(name)s” must be a whole number.") % {"name": name}, scim_type="invalidValue"
        ) from exc


def _listing(
    request: ScimRequest,
    rows: QuerySet[Any],
    columns: dict[str, Column],
    render: Callable[[Any, str], dict[str, Any]],
    params: Any,
) -> HttpResponse:
    query = parse_filter(str(params.get("filter") or ""), columns)
    # Clamped: a startIndex past any real list must not overflow the database's OFFSET.
    start = min(max(_int_param(params.get("startIndex"), "startIndex", 1), 1), MAX_OFFSET)
    count = min(
        max(_int_param(params.get("count"), "count", DEFAULT_COUNT), 0), scim_schema.MAX_RESULTS
    )
    rows = rows.filter(query).distinct()
    total = rows.count()
    page = list(rows[start - 1 : start - 1 + count]) if count else []
    base = base_url(request)
    attributes = _names(params.get("attributes"))
    excluded = _names(params.get("excludedAttributes"))
    items = [project(render(row, base), attributes, excluded) for row in page]
    return _response(_list(items, total, start))


def _users(request: ScimRequest) -> QuerySet[ScimUser]:
    return (
        ScimUser.objects.filter(organization=request.scim_token.organization)
        .prefetch_related(Prefetch("groups", queryset=ScimGroup.objects.order_by("id")))
        .order_by("created_at", "id")
    )


def _groups(request: ScimRequest) -> QuerySet[ScimGroup]:
    return (
        ScimGroup.objects.filter(organization=request.scim_token.organization)
        .prefetch_related(Prefetch("members", queryset=ScimUser.objects.order_by("id")))
        .order_by("created_at", "id")
    )


def _one(rows: QuerySet[Any], code: str) -> Any:
    found = rows.filter(code=code).first()
    if found is None:
        raise Http404
    return found


def _single(request: ScimRequest, resource: dict[str, Any], etag: str) -> HttpResponse:
    if_none_match = request.headers.get("If-None-Match", "")
    if request.method == "GET" and etag in {t.strip() for t in if_none_match.split(",")}:
        return _response(None, 304, etag=etag)
    attributes = _names(request.GET.get("attributes"))
    excluded = _names(request.GET.get("excludedAttributes"))
    return _response(project(resource, attributes, excluded), etag=etag)


# --- Users --------------------------------------------------------------------------------


@scim_view("GET", "POST")
def users(request: ScimRequest) -> HttpResponse:
    if request.method == "GET":
        return _listing(request, _users(request), USER_COLUMNS, user_resource, request.GET)
    created = services.scim_user_create(
        request.scim_token.organization,
        parse_user(request.scim_body),
        token=request.scim_token,
        request=request,
    )
    resource = user_resource(_one(_users(request), created.code), base_url(request))
    return _response(resource, 201, etag=created.etag, location=resource["meta"]["location"])


@scim_view("POST")
def users_search(request: ScimRequest) -> HttpResponse:
    return _listing(request, _users(request), USER_COLUMNS, user_resource, _search_params(request))


@scim_view("GET", "PUT", "PATCH", "DELETE")
def user(request: ScimRequest, code: str) -> HttpResponse:
    scim_user = _one(_users(request), code)
    base = base_url(request)
    if_match = request.headers.get("If-Match")
    if request.method == "GET":
        return _single(request, user_resource(scim_user, base), scim_user.etag)
    if request.method == "DELETE":
        services.scim_user_delete(
            scim_user, token=request.scim_token, if_match=if_match, request=request
        )
        return HttpResponse(status=204)
    if request.method == "PUT":
        data = parse_user(request.scim_body, replacing=True)
    else:
        data = patch_user(scim_user, request.scim_body, base)
    services.scim_user_update(
        scim_user, data, token=request.scim_token, if_match=if_match, request=request
    )
    scim_user = _one(_users(request), code)
    return _single(request, user_resource(scim_user, base), scim_user.etag)


# --- Groups -------------------------------------------------------------------------------


@scim_view("GET", "POST")
def groups(request: ScimRequest) -> HttpResponse:
    if request.method == "GET":
        return _listing(request, _groups(request), GROUP_COLUMNS, group_resource, request.GET)
    created = services.scim_group_create(
        request.scim_token.organization,
        parse_group(request.scim_body),
        token=request.scim_token,
        request=request,
    )
    resource = group_resource(_one(_groups(request), created.code), base_url(request))
    return _response(resource, 201, etag=created.etag, location=resource["meta"]["location"])


@scim_view("POST")
def groups_search(request: ScimRequest) -> HttpResponse:
    return _listing(
        request, _groups(request), GROUP_COLUMNS, group_resource, _search_params(request)
    )


@scim_view("GET", "PUT", "PATCH", "DELETE")
def group(request: ScimRequest, code: str) -> HttpResponse:
    scim_group = _one(_groups(request), code)
    base = base_url(request)
    if_match = request.headers.get("If-Match")
    if request.method == "GET":
        return _single(request, group_resource(scim_group, base), scim_group.etag)
    if request.method == "DELETE":
        services.scim_group_delete(
            scim_group, token=request.scim_token, if_match=if_match, request=request
        )
        return HttpResponse(status=204)
    if request.method == "PUT":
        data = parse_group(request.scim_body, replacing=True)
    else:
        data = patch_group(scim_group, request.scim_body, base)
    services.scim_group_update(
        scim_group, data, token=request.scim_token, if_match=if_match, request=request
    )
    scim_group = _one(_groups(request), code)
    return _single(request, group_resource(scim_group, base), scim_group.etag)


def _search_params(request: ScimRequest) -> dict[str, Any]:
    body = request.scim_body
    if not isinstance(body, dict):
        raise ScimError(_("The body must be a JSON object."), scim_type="invalidSyntax")
    return body

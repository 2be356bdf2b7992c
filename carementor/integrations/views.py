"""The organization's integrations page: SCIM base URL and tokens, provisioned people, groups."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from carementor.integrations import services, webhooks
from carementor.integrations.forms import GroupRoleForm, ScimTokenForm, WebhookEndpointForm
from carementor.integrations.models import (
    ScimGroup,
    ScimToken,
    ScimUser,
    WebhookDelivery,
    WebhookEndpoint,
)
from carementor.integrations.permissions import (
    get_integrations_access_for,
    get_scim_group_for,
    get_scim_token_for,
    get_webhook_endpoint_for,
)
from carementor.integrations.services import ScimError
from carementor.lib.http import AuthedRequest
from carementor.organizations.permissions import Access

PAGE_SIZE = 25


def _context(request: HttpRequest, access: Access, **extra: Any) -> dict[str, Any]:
    organization = access.organization
    tokens = ScimToken.objects.filter(organization=organization).select_related("created_by")
    people = (
        ScimUser.objects.filter(organization=organization)
        .select_related("user")
        .prefetch_related(Prefetch("groups", queryset=ScimGroup.objects.order_by("display_name")))
        .order_by("user_name")
    )
    groups = ScimGroup.objects.filter(organization=organization).order_by("display_name")
    group_page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("groups_page"))
    return {
        "organization": organization,
        "access": access,
        "scim_base": request.build_absolute_uri(reverse("integrations:scim_root")),
        "token_page": Paginator(tokens, PAGE_SIZE).get_page(request.GET.get("tokens_page")),
        "people_page": Paginator(people, PAGE_SIZE).get_page(request.GET.get("people_page")),
        "group_page": group_page,
        "group_forms": [(g, GroupRoleForm(initial={"role": g.role})) for g in group_page],
        "token_form": ScimTokenForm(),
        "endpoint_page": Paginator(
            WebhookEndpoint.objects.filter(organization=organization), PAGE_SIZE
        ).get_page(request.GET.get("webhooks_page")),
        "webhook_form": WebhookEndpointForm(),
        **extra,
    }


@login_required
@require_GET
def page(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_integrations_access_for(request.user, code)
    return render(request, "integrations/page.html", _context(request, access))


@login_required
@require_POST
def token_create(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_integrations_access_for(request.user, code)
    form = ScimTokenForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "integrations/page.html",
            _context(request, access, token_form=form),
            status=422,
        )
    try:
        token, raw = services.scim_token_create(
            access.organization, form.cleaned_data["name"], request.user, request=request
        )
    except ScimError as exc:
        form.add_error(None, exc.message)
        return render(
            request,
            "integrations/page.html",
            _context(request, access, token_form=form),
            status=exc.status,
        )
    # The raw value is rendered once, in this response, and never stored anywhere.
    return render(
        request,
        "integrations/page.html",
        _context(request, access, new_token=token, new_token_raw=raw),
        status=201,
    )


@login_required
@require_POST
def token_revoke(request: AuthedRequest, code: str, token_code: str) -> HttpResponse:
    access = get_integrations_access_for(request.user, code)
    token = get_scim_token_for(access.organization, token_code)
    services.scim_token_revoke(token, request.user, request=request)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("integrations:page", access.organization.code)


@login_required
@require_POST
def group_role(request: AuthedRequest, code: str, group_code: str) -> HttpResponse:
    access = get_integrations_access_for(request.user, code)
    group = get_scim_group_for(access.organization, group_code)
    form = GroupRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles offered."))
        return redirect("integrations:page", access.organization.code)
    services.scim_group_map_role(group, form.cleaned_data["role"], request.user, request=request)
    messages.success(
        request,
        _("Members of “%(group)s” now get the role chosen; their roles were updated.")
        % {"group": group.display_name},
    )
    return redirect("integrations:page", access.organization.code)


# --- Webhooks -----------------------------------------------------------------------------


@login_required
@require_POST
def webhook_create(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_integrations_access_for(request.user, code)
    form = WebhookEndpointForm(request.POST)
    if form.is_valid():
        try:
            endpoint, secret = webhooks.endpoint_create(
                access.organization,
                form.cleaned_data["url"],
                form.cleaned_data["events"],
                request.user,
                description=form.cleaned_data["description"],
                request=request,
            )
        except ScimError as exc:
            form.add_error("url" if exc.code == "invalid_url" else None, exc.message)
        else:
            # The signing secret is rendered once, in this response, like a new token.
            return render(
                request,
                "integrations/page.html",
                _context(request, access, new_endpoint=endpoint, new_endpoint_secret=secret),
                status=201,
            )
    return render(
        request, "integrations/page.html", _context(request, access, webhook_form=form), status=422
    )


@login_required
@require_GET
def webhook_detail(request: AuthedRequest, code: str, endpoint_code: str) -> HttpResponse:
    access = get_integrations_access_for(request.user, code)
    endpoint = get_webhook_endpoint_for(access.organization, endpoint_code)
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")
    return render(
        request,
        "integrations/webhook_detail.html",
        {
            "organization": access.organization,
            "access": access,
            "endpoint": endpoint,
            "page": Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


@login_required
@require_POST
def webhook_test(request: AuthedRequest, code: str, endpoint_code: str) -> HttpResponse:
    access = get_integrations_access_for(request.user, code)
    endpoint = get_webhook_endpoint_for(access.organization, endpoint_code)
    webhooks.send_test_event(endpoint, request.user, request=request)
    messages.success(request, _("A test event was queued; its delivery appears below."))
    return redirect("integrations:webhook_detail", access.organization.code, endpoint.code)


@login_required
@require_POST
def webhook_active(request: AuthedRequest, code: str, endpoint_code: str) -> HttpResponse:
    access = get_integrations_access_for(request.user, code)
    endpoint = get_webhook_endpoint_for(access.organization, endpoint_code)
    webhooks.endpoint_update(
        endpoint, request.user, is_active=request.POST.get("active") == "1", request=request
    )
    return redirect("integrations:webhook_detail", access.organization.code, endpoint.code)


@login_required
@require_POST
def webhook_delete(request: AuthedRequest, code: str, endpoint_code: str) -> HttpResponse:
    access = get_integrations_access_for(request.user, code)
    endpoint = get_webhook_endpoint_for(access.organization, endpoint_code)
    webhooks.endpoint_delete(endpoint, request.user, request=request)
    messages.success(request, _("The webhook endpoint was deleted."))
    return redirect("integrations:page", access.organization.code)

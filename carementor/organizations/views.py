"""Organization pages: my organizations and the switcher, an organization's overview, members,
invitations and settings, and the page an invitation link opens."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from carementor.lib.http import AuthedRequest
from carementor.organizations import services
from carementor.organizations.context import (
    SESSION_KEY,
    current_organization,
    set_current_organization,
)
from carementor.organizations.forms import (
    GRANTABLE_ROLES,
    InvitationFilterForm,
    InvitationForm,
    MemberFilterForm,
    OrganizationForm,
    RolesForm,
    role_labels,
)
from carementor.organizations.models import Invitation, Membership, Role
from carementor.organizations.permissions import (
    Access,
    get_access_for,
    get_invitation_for,
    get_invitation_for_invitee,
    get_membership_for,
    is_invitee,
)
from carementor.organizations.services import Conflict
from carementor.organizations.tokens import ExpiredToken, InvalidToken, read_token

PAGE_SIZE = 25
PENDING_SESSION_KEY = "pending_invitation"
GET_POST = require_http_methods(["GET", "POST"])


def _status_for(error: ValidationError) -> int:
    return 409 if isinstance(error, Conflict) else 422


def _htmx(request: HttpRequest) -> HtmxDetails:
    return request.htmx  # type: ignore[attr-defined,no-any-return]


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- My organizations ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def organization_list(request: AuthedRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("organization")
        .order_by("organization__name")
    )
    page = Paginator(memberships, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organizations/list.html",
        {"page": page, "current": current_organization(request)},
    )


@login_required
@require_POST
def switch(request: AuthedRequest) -> HttpResponse:
    access = get_access_for(request.user, request.POST.get("organization", ""))
    set_current_organization(request, access.organization)
    messages.success(
        request, _("You are now working in %(org)s.") % {"org": access.organization.name}
    )
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("organizations:list")


@login_required
@GET_POST
def create(request: AuthedRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied
    form = OrganizationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                organization = services.organization_create(
                    actor=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("%(org)s was created. Invite its first admin now.")
                    % {"org": organization.name},
                )
                return redirect("organizations:invite", organization.code)
        status = 422
    return render(request, "organizations/create.html", {"form": form}, status=status)


# --- One organization ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def detail(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_access_for(request.user, code)
    organization = access.organization
    context: dict[str, Any] = {
        "access": access,
        "organization": organization,
        "member_count": organization.memberships.count(),
        "is_current": (current := current_organization(request)) is not None
        and current.pk == organization.pk,
    }
    if access.can_admin:
        context["pending_invitations"] = organization.invitations.pending().count()
    return render(request, "organizations/detail.html", context)


@login_required
@GET_POST
def organization_settings(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_access_for(request.user, code, role=Role.ADMIN)
    organization = access.organization
    initial = model_to_dict(organization, fields=services.UPDATABLE_FIELDS)
    form = OrganizationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.organization_update(
                    organization, request.user, request=request, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The organization's settings were saved."))
                return redirect("organizations:detail", organization.code)
        status = 422
    return render(
        request,
        "organizations/settings.html",
        {"form": form, "organization": organization, "access": access},
        status=status,
    )


@login_required
@GET_POST
def leave(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_access_for(request.user, code)
    if access.membership is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            services.membership_remove(access.membership, request.user, request=request)
        except ValidationError as exc:
            error = _message(exc)
        else:
            if request.session.get(SESSION_KEY) == access.organization.code:
                del request.session[SESSION_KEY]
            messages.success(request, _("You left %(org)s.") % {"org": access.organization.name})
            return redirect("organizations:list")
    return render(
        request,
        "organizations/leave.html",
        {"organization": access.organization, "access": access, "error": error},
        status=409 if error else 200,
    )


# --- Members ------------------------------------------------------------------------------


def _filtered_members(access: Access, form: MemberFilterForm) -> QuerySet[Membership]:
    members = (
        Membership.objects.filter(organization=access.organization)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    if form.is_valid():
        if query := form.cleaned_data["q"].strip():
            members = members.filter(
                Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
            )
        if role := form.cleaned_data["role"]:
            members = members.with_role(role)
    return members


def _row_context(
    access: Access, membership: Membership, error: str = "", *, saved: bool = False
) -> dict[str, Any]:
    return {
        "access": access,
        "organization": access.organization,
        "member": membership,
        "role_choices": GRANTABLE_ROLES,
        "row_error": error,
        "row_saved": saved,
    }


@login_required
@require_http_methods(["GET"])
def members(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_access_for(request.user, code, role=[Role.ADMIN, Role.COORDINATOR])
    form = MemberFilterForm(request.GET)
    page = Paginator(_filtered_members(access, form), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "organizations/members.html"
    if _htmx(request) and _htmx(request).target == "members-table":
        template += "#members-table"
    return render(
        request,
        template,
        {
            "access": access,
            "organization": access.organization,
            "page": page,
            "filter_form": form,
            "querystring": query.urlencode(),
            "role_choices": GRANTABLE_ROLES,
        },
    )


@login_required
@GET_POST
def member_roles(request: AuthedRequest, code: str, membership_code: str) -> HttpResponse:
    """The inline role editor posts here; htmx gets the table row back, others a redirect."""
    access = get_access_for(request.user, code, role=Role.ADMIN)
    membership = get_membership_for(request.user, access.organization, membership_code, write=True)
    error = ""
    status = 200
    if request.method == "POST":
        form = RolesForm(request.POST)
        if form.is_valid():
            try:
                membership = services.membership_set_roles(
                    membership, form.cleaned_data["roles"], request.user, request=request
                )
            except ValidationError as exc:
                error, status = _message(exc), _status_for(exc)
        else:
            error, status = _message(ValidationError(list(form.errors["roles"]))), 422
        if _htmx(request):
            # htmx swaps only 2xx answers, so an inline error comes back as a 200 row.
            return render(
                request,
                "organizations/members.html#member-row",
                _row_context(access, membership, error, saved=not error),
            )
        if not error:
            messages.success(
                request,
                _("Roles of %(name)s saved.") % {"name": membership.user.get_full_name()},
            )
            return redirect("organizations:members", access.organization.code)
    return render(
        request,
        "organizations/member_roles.html",
        _row_context(access, membership, error),
        status=status,
    )


@login_required
@GET_POST
def member_remove(request: AuthedRequest, code: str, membership_code: str) -> HttpResponse:
    access = get_access_for(request.user, code, role=Role.ADMIN)
    membership = get_membership_for(request.user, access.organization, membership_code, write=True)
    error = ""
    if request.method == "POST":
        try:
            services.membership_remove(membership, request.user, request=request)
        except ValidationError as exc:
            error = _message(exc)
        else:
            messages.success(
                request,
                _("%(name)s was removed from %(org)s.")
                % {"name": membership.user.get_full_name(), "org": access.organization.name},
            )
            if membership.user_id == request.user.pk and not request.user.is_staff:
                return redirect("organizations:list")
            return redirect("organizations:members", access.organization.code)
    return render(
        request,
        "organizations/member_remove.html",
        {
            "access": access,
            "organization": access.organization,
            "member": membership,
            "error": error,
        },
        status=409 if error else 200,
    )


# --- Invitations (admin side) -------------------------------------------------------------


def _filtered_invitations(access: Access, form: InvitationFilterForm) -> QuerySet[Invitation]:
    invitations = Invitation.objects.filter(organization=access.organization).select_related(
        "invited_by", "accepted_by"
    )
    status = form.cleaned_data.get("status") if form.is_valid() else ""
    now = timezone.now()
    open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
    if status == "pending":
        invitations = invitations.filter(open_, expires_at__gt=now)
    elif status == "expired":
        invitations = invitations.filter(open_, expires_at__lte=now)
    elif status == "accepted":
        invitations = invitations.filter(accepted_at__isnull=False)
    elif status == "revoked":
        invitations = invitations.filter(revoked_at__isnull=False)
    return invitations


def _render_invitations(
    request: AuthedRequest,
    access: Access,
    form: InvitationForm,
    *,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    filter_form = InvitationFilterForm(request.GET)
    page = Paginator(_filtered_invitations(access, filter_form), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organizations/invitations.html",
        {
            "access": access,
            "organization": access.organization,
            "form": form,
            "filter_form": filter_form,
            "page": page,
            "querystring": query.urlencode(),
            "error": error,
            "invitation_days": settings.CAREMENTOR_INVITATION_DAYS,
        },
        status=status,
    )


@login_required
@GET_POST
def invite(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_access_for(request.user, code, role=Role.ADMIN)
    form = InvitationForm(request.POST or None)
    if request.method != "POST":
        return _render_invitations(request, access, form)
    if not form.is_valid():
        return _render_invitations(request, access, form, status=422)
    try:
        invitation = services.invitation_create(
            access.organization,
            form.cleaned_data["email"],
            form.cleaned_data["roles"],
            request.user,
            request=request,
        )
    except ValidationError as exc:
        form.add_error("email", exc)
        return _render_invitations(request, access, form, status=_status_for(exc))
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("organizations:invite", access.organization.code)


def _invitation_action(request: AuthedRequest, code: str, invitation_code: str, verb: str) -> Any:
    access = get_access_for(request.user, code, role=Role.ADMIN)
    invitation = get_invitation_for(request.user, access.organization, invitation_code)
    action = services.invitation_resend if verb == "resend" else services.invitation_revoke
    try:
        action(invitation, request.user, request=request)
    except ValidationError as exc:
        return _render_invitations(
            request, access, InvitationForm(), status=_status_for(exc), error=_message(exc)
        )
    if verb == "resend":
        messages.success(
            request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
        )
    else:
        messages.success(
            request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email}
        )
    return redirect("organizations:invite", access.organization.code)


@login_required
@require_POST
def invitation_resend(request: AuthedRequest, code: str, invitation_code: str) -> HttpResponse:
    return _invitation_action(request, code, invitation_code, "resend")  # type: ignore[no-any-return]


@login_required
@require_POST
def invitation_revoke(request: AuthedRequest, code: str, invitation_code: str) -> HttpResponse:
    return _invitation_action(request, code, invitation_code, "revoke")  # type: ignore[no-any-return]


# --- Invitations (invitee side) -----------------------------------------------------------


@GET_POST
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page the e-mailed link opens, signed in or not."""
    try:
        invitation_code = read_token(token)
    except InvalidToken as exc:
        raise Http404 from exc
    except ExpiredToken:
        return render(request, "organizations/invitation.html", {"state": "expired"}, status=410)
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(code=invitation_code)
        .first()
    )
    if invitation is None:
        raise Http404
    if not request.user.is_authenticated:
        if invitation.is_open():
            # The account adapter sends the person back here after they sign in or sign up.
            request.session[PENDING_SESSION_KEY] = token
        if request.method == "POST":
            return redirect("account_login")
    return _invitation_page(request, invitation)


@login_required
@GET_POST
def invitation_by_code(request: AuthedRequest, code: str) -> HttpResponse:
    """The same page, reached from the dashboard by the signed-in invitee."""
    return _invitation_page(request, get_invitation_for_invitee(request.user, code))


def _invitation_page(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    user = request.user
    signed_in = user.is_authenticated
    state = invitation.status
    if state != "pending":
        mine = signed_in and invitation.accepted_by_id == user.pk
        return render(
            request,
            "organizations/invitation.html",
            {"state": state, "invitation": invitation, "accepted_by_me": mine},
            status=200 if mine else 410,
        )
    if not user.is_authenticated:
        return render(
            request, "organizations/invitation.html", {"state": "sign_in", "invitation": invitation}
        )
    if not is_invitee(user, invitation):
        return render(
            request,
            "organizations/invitation.html",
            {"state": "wrong_person", "invitation": invitation},
            status=403,
        )
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                membership = services.invitation_accept(invitation, user, request=request)
                request.session.pop(PENDING_SESSION_KEY, None)
                set_current_organization(request, membership.organization)
                messages.success(
                    request,
                    _("Welcome to %(org)s.") % {"org": membership.organization.name},
                )
                return redirect("organizations:detail", membership.organization.code)
            if action == "decline":
                services.invitation_decline(invitation, user, request=request)
                request.session.pop(PENDING_SESSION_KEY, None)
                messages.info(request, _("You declined the invitation."))
                return redirect("dashboard")
            error, status = _("Choose to accept or decline the invitation."), 422
        except ValidationError as exc:
            error, status = _message(exc), _status_for(exc)
    return render(
        request,
        "organizations/invitation.html",
        {
            "state": "pending",
            "invitation": invitation,
            "roles": role_labels(invitation.roles),
            "error": error,
        },
        status=status,
    )

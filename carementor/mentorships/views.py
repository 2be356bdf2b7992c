"""Relationship pages: my mentorships, one mentorship, its agreement, help and closure."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.lib.http import AuthedRequest
from carementor.mentorships import services
from carementor.mentorships.conversation import unread_filter
from carementor.mentorships.forms import (
    AgreementForm,
    CloseForm,
    CreateForm,
    ExtensionForm,
    HelpForm,
    SignForm,
)
from carementor.mentorships.models import ExtensionRequest, Mentorship, Message, Phase
from carementor.mentorships.permissions import get_mentorship_for
from carementor.mentorships.services import MentorshipError, current_agreement, is_overseer
from carementor.organizations.models import Membership
from carementor.organizations.roles import managed_organization_ids
from carementor.profiles.roles import role_definition
from carementor.programs.models import Program

PAGE_SIZE = 25


def _fail(request: AuthedRequest, error: MentorshipError) -> None:
    messages.error(request, error.message)


@login_required
@require_GET
def mentorship_list(request: AuthedRequest) -> HttpResponse:
    rows = (
        Mentorship.objects.with_party(request.user)
        .select_related("program", "organization")
        .prefetch_related("parties__user")
        .order_by("-created_at")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = dict(
        Message.objects.filter(mentorship__in=[m.pk for m in page.object_list])
        .filter(unread_filter(request.user))
        .values("mentorship")
        .annotate(n=Count("id"))
        .values_list("mentorship", "n")
    )
    for mentorship in page.object_list:
        mentorship.unread = unread.get(mentorship.pk, 0)  # type: ignore[attr-defined]
    # The cached roles answer "does this person oversee anything?" without a query.
    managed = managed_organization_ids(request.user)
    overseen = Membership.objects.filter(user=request.user, organization_id__in=managed)
    return render(
        request,
        "mentorships/list.html",
        {
            "page": page,
            "overseen": overseen.select_related("organization") if managed else (),
        },
    )


def _coordinated_programs(user: Any) -> Any:
    orgs = (
        Membership.objects.filter(user=user)
        .filter(Q(is_coordinator=True) | Q(is_admin=True))
        .values("organization")
    )
    return Program.objects.filter(organization__in=orgs).exclude(status=Program.Status.ARCHIVED)


@login_required
@require_http_methods(["GET", "POST"])
def mentorship_new(request: AuthedRequest) -> HttpResponse:
    programs = _coordinated_programs(request.user)
    if not programs.exists():
        raise Http404
    form = CreateForm(
        request.POST or None,
        programs=programs,
        initial={"program": request.GET.get("program")},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                mentorship = services.mentorship_create(
                    program=form.cleaned_data["program"],
                    mentors=form.cleaned_data["mentors_users"],
                    mentees=form.cleaned_data["mentees_users"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                    source="coordinator",
                    request=request,
                )
            except MentorshipError as error:
                form.add_error(None, error.message)
                return render(request, "mentorships/new.html", {"form": form}, status=error.status)
            messages.success(request, _("Mentorship created. Its parties have been told."))
            return redirect("mentorships:detail", mentorship.code)
        return render(request, "mentorships/new.html", {"form": form}, status=422)
    return render(request, "mentorships/new.html", {"form": form})


@login_required
@require_GET
def mentorship_detail(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code)
    party = mentorship.party_for(request.user)
    context: dict[str, Any] = {"mentorship": mentorship, "party": party}
    from carementor.mentorships.health import health_for

    context["health"] = health_for(mentorship)
    if party is None:
        # Coordinators and admins: the shape of the relationship, never its content.
        context["extensions"] = mentorship.extension_requests.filter(
            status=ExtensionRequest.Status.PENDING
        )
        return render(request, "mentorships/oversight_detail.html", context)
    from carementor.mentorships.detail_context import party_context

    context.update(party_context(mentorship, request.user))
    context["help_form"] = HelpForm()
    context["extension_form"] = ExtensionForm()
    return render(request, "mentorships/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agreement(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    current = current_agreement(mentorship)
    if current is None:
        raise Http404
    editable = mentorship.phase in (Phase.PROPOSED, Phase.AGREEING, Phase.ACTIVE)
    form = AgreementForm(
        request.POST or None,
        initial={
            "version": current.version,
            **{f: getattr(current, f) for f in services.AgreementData.FIELDS},
        },
    )
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.agreement_update(
                    mentorship=mentorship,
                    editor=request.user,
                    data=form.to_data(),
                    base_version=form.cleaned_data["version"],
                    request=request,
                )
            except MentorshipError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Agreement saved. Everyone signs it again."))
                return redirect("mentorships:agreement", mentorship.code)
        else:
            status = 422
    signed_ids = current.signer_ids()
    return render(
        request,
        "mentorships/agreement.html",
        {
            "mentorship": mentorship,
            "agreement": current,
            "form": form,
            "editable": editable,
            "sign_form": SignForm(initial={"version": current.version}),
            "has_signed": request.user.pk in signed_ids,
            "pending": current.pending_signers(),
            "versions": mentorship.agreements.order_by("-version").only(
                "version", "created_at", "effective_at"
            ),
        },
        status=status,
    )


@login_required
@require_POST
def agreement_sign(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm you agree."))
        return redirect("mentorships:agreement", mentorship.code)
    try:
        signed = services.agreement_sign(
            mentorship=mentorship,
            signer=request.user,
            version=form.cleaned_data["version"],
            request=request,
        )
    except MentorshipError as error:
        _fail(request, error)
        return redirect("mentorships:agreement", mentorship.code)
    if signed.effective_at:
        messages.success(request, _("Everyone has signed. The agreement is in force."))
    else:
        messages.success(request, _("Signed. Waiting for the others."))
    return redirect("mentorships:detail", mentorship.code)


@login_required
@require_POST
def request_help(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    form = HelpForm(request.POST)
    if form.is_valid():
        try:
            services.mentorship_request_help(
                mentorship=mentorship,
                user=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except MentorshipError as error:
            _fail(request, error)
        else:
            messages.success(request, _("A coordinator has been asked to step in."))
    return redirect("mentorships:detail", mentorship.code)


@login_required
@require_POST
def resolve_help(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code)
    if not is_overseer(request.user, mentorship.organization):
        raise Http404
    services.mentorship_resolve_help(
        mentorship=mentorship, coordinator=request.user, request=request
    )
    messages.success(request, _("Marked as handled."))
    return redirect("mentorships:detail", mentorship.code)


@login_required
@require_POST
def request_extension(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("mentorships:detail", mentorship.code)
    try:
        services.extension_request(
            mentorship=mentorship,
            user=request.user,
            new_ends_on=form.cleaned_data["new_ends_on"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except MentorshipError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Extension requested. The coordinator decides."))
    return redirect("mentorships:detail", mentorship.code)


@login_required
@require_POST
def decide_extension(request: AuthedRequest, code: str, extension_code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code)
    if not is_overseer(request.user, mentorship.organization):
        raise Http404
    extension = mentorship.extension_requests.filter(code=extension_code).first()
    if extension is None:
        raise Http404
    try:
        services.extension_decide(
            extension=extension,
            coordinator=request.user,
            approve=request.POST.get("decision") == "approve",
            request=request,
        )
    except MentorshipError as error:
        _fail(request, error)
    return redirect("mentorships:detail", mentorship.code)


@login_required
@require_POST
def start_closing(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code)
    try:
        services.mentorship_start_closing(mentorship=mentorship, user=request.user, request=request)
    except MentorshipError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Closure started."))
    return redirect("mentorships:detail", mentorship.code)


@login_required
@require_http_methods(["GET", "POST"])
def close(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    form = CloseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.mentorship_close(
                    mentorship=mentorship,
                    user=request.user,
                    outcome=form.cleaned_data["outcome"],
                    reflection=form.cleaned_data["reflection"],
                    redefined_as=form.cleaned_data["redefined_as"],
                    request=request,
                )
            except MentorshipError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("The mentorship is closed. Thank you both."))
                return redirect("mentorships:detail", mentorship.code)
        else:
            status = 422
    return render(
        request,
        "mentorships/close.html",
        {
            "mentorship": mentorship,
            "form": form,
            "closure_questions": role_definition(mentorship.role).closure_questions,
        },
        status=status,
    )


@login_required
@require_GET
def health(request: AuthedRequest, org_code: str) -> HttpResponse:
    """Coordinators' view of every relationship in their organization: shape, not content."""
    from carementor.mentorships.health import at_risk_only as only_at_risk
    from carementor.mentorships.health import health_queryset, page_health, rows_by_pk

    membership = (
        Membership.objects.filter(user=request.user, organization__code=org_code)
        .select_related("organization")
        .first()
    )
    if membership is None or not (membership.is_coordinator or membership.is_admin):
        raise Http404
    organization = membership.organization
    phase = request.GET.get("phase", "")
    at_risk_only = request.GET.get("at_risk") == "1"
    now = timezone.now()
    rows: Any = health_queryset(organization, phase=phase)
    if at_risk_only:
        rows = only_at_risk(rows, now=now)
    page = Paginator(rows.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = page_health(rows_by_pk(rows, list(page.object_list)), now=now)
    return render(
        request,
        "mentorships/health.html",
        {
            "organization": organization,
            "page": page,
            "phase": phase,
            "at_risk_only": at_risk_only,
            "phases": Phase.choices,
        },
    )

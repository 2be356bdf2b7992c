"""The reviewer's pages: a queue per organization, the evidence view and the decisions."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from carementor.audit.services import record
from carementor.credentials import services
from carementor.credentials.forms import (
    DecisionForm,
    PolicyForm,
    QueueFilterForm,
    RegisterCheckForm,
    RevokeForm,
    SecondReviewForm,
)
from carementor.credentials.models import Credential, EvidenceFile, four_eyes_required
from carementor.credentials.permissions import (
    get_review_credential_for,
    get_review_organization_for,
    get_review_policy_organization_for,
    is_org_admin,
    review_queue,
    reviewable_credentials,
    reviewer_organizations,
)
from carementor.credentials.registers import adapter_for
from carementor.credentials.services import CredentialError
from carementor.lib.http import AuthedRequest

PAGE_SIZE = 25


@login_required
@require_GET
def review_home(request: AuthedRequest) -> HttpResponse:
    waiting = reviewable_credentials(request.user).awaiting_review().values("pk")
    organizations = reviewer_organizations(request.user).annotate(
        waiting=Count("credentials", filter=Q(credentials__in=waiting), distinct=True)
    )
    if len(organizations) == 1:
        return redirect("credentials:review_queue", organizations[0].code)
    if not organizations:
        raise Http404
    return render(request, "credentials/review_home.html", {"organizations": organizations})


@login_required
@require_GET
def review_queue_page(request: AuthedRequest, org_code: str) -> HttpResponse:
    organization = get_review_organization_for(request.user, org_code)
    filters = QueueFilterForm(request.GET or None)
    cleaned: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    credentials = review_queue(
        request.user,
        organization,
        status=cleaned.get("status") or "waiting",
        scheme=cleaned.get("scheme") or "",
        q=cleaned.get("q") or "",
        older_than=cleaned.get("older_than"),
    )
    page = Paginator(credentials, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organization": organization,
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "is_admin": is_org_admin(request.user, organization),
        "policy_form": PolicyForm(initial={"four_eyes": four_eyes_required(organization)}),
    }
    template = "credentials/review_queue.html"
    if request.headers.get("HX-Request") == "true":
        template += "#results"
    return render(
        request, template, context, status=200 if filters.is_valid() or not request.GET else 400
    )


@login_required
@require_POST
def review_policy(request: AuthedRequest, org_code: str) -> HttpResponse:
    organization = get_review_policy_organization_for(request.user, org_code)
    form = PolicyForm(request.POST)
    form.is_valid()
    services.review_policy_set(
        organization=organization,
        actor=request.user,
        four_eyes=bool(form.cleaned_data.get("four_eyes")),
        request=request,
    )
    messages.success(request, _("Review policy saved."))
    if reviewer_organizations(request.user).filter(pk=organization.pk).exists():
        return redirect("credentials:review_queue", organization.code)
    return redirect("organizations:detail", organization.code)


def _render_review(
    request: AuthedRequest,
    credential: Credential,
    *,
    status: int = 200,
    error: str = "",
    **forms: Any,
) -> HttpResponse:
    evidence = list(credential.evidence.all())
    scheme = credential.scheme_info
    context = {
        "credential": credential,
        "scheme": scheme,
        "evidence": [item for item in evidence if item.is_visible_to_reviewers()],
        "pending_scan": sum(item.scan_status == EvidenceFile.Scan.PENDING for item in evidence),
        "checks": credential.register_checks.select_related("performed_by"),
        "events": credential.events.select_related("actor"),
        "can_lookup": adapter_for(scheme.lookup_source) is not None,
        "four_eyes": four_eyes_required(credential.organization),
        "error": error,
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "revoke_form": forms.get("revoke_form") or RevokeForm(),
        "second_form": forms.get("second_form") or SecondReviewForm(),
        "check_form": forms.get("check_form") or RegisterCheckForm(),
    }
    return render(request, "credentials/review_detail.html", context, status=status)


@login_required
@require_GET
def review_detail(request: AuthedRequest, code: str) -> HttpResponse:
    credential = get_review_credential_for(request.user, code)
    # Reading someone else's registration details is audited.
    record(
        request.user,
        "credential.review_viewed",
        credential,
        organization=credential.organization,
        request=request,
    )
    return _render_review(request, credential)


def _after(request: AuthedRequest, credential: Credential, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("credentials:review_detail", credential.code)


def _refused(request: AuthedRequest, credential: Credential, exc: CredentialError) -> HttpResponse:
    credential.refresh_from_db()
    return _render_review(request, credential, status=exc.status, error=exc.message)


@login_required
@require_POST
def review_start(request: AuthedRequest, code: str) -> HttpResponse:
    credential = get_review_credential_for(request.user, code)
    try:
        services.credential_start_review(
            credential=credential, reviewer=request.user, request=request
        )
    except CredentialError as exc:
        return _refused(request, credential, exc)
    return _after(request, credential, _("Review started."))


@login_required
@require_POST
def review_decide(request: AuthedRequest, code: str) -> HttpResponse:
    credential = get_review_credential_for(request.user, code)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_review(request, credential, status=422, decision_form=form)
    try:
        credential = services.credential_decide(
            credential=credential,
            reviewer=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            checklist=form.checklist(),
            request=request,
        )
    except CredentialError as exc:
        credential.refresh_from_db()
        return _render_review(
            request, credential, status=exc.status, error=exc.message, decision_form=form
        )
    if credential.pending_action:
        return _after(request, credential, _("Rejection proposed. A second reviewer must confirm."))
    return _after(
        request, credential, _("Decision recorded: %s.") % credential.get_status_display()
    )


@login_required
@require_POST
def review_revoke(request: AuthedRequest, code: str) -> HttpResponse:
    credential = get_review_credential_for(request.user, code)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _render_review(request, credential, status=422, revoke_form=form)
    try:
        credential = services.credential_revoke(
            credential=credential,
            reviewer=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except CredentialError as exc:
        credential.refresh_from_db()
        return _render_review(
            request, credential, status=exc.status, error=exc.message, revoke_form=form
        )
    if credential.pending_action:
        return _after(
            request,
            credential,
            _(
                "Revocation proposed; the mentor is hidden from matching until a second reviewer decides."
            ),
        )
    return _after(request, credential, _("Verification revoked."))


@login_required
@require_POST
def review_second(request: AuthedRequest, code: str) -> HttpResponse:
    credential = get_review_credential_for(request.user, code)
    form = SecondReviewForm(request.POST)
    if not form.is_valid():
        return _render_review(request, credential, status=422, second_form=form)
    try:
        services.credential_second_review(
            credential=credential,
            reviewer=request.user,
            confirm=form.cleaned_data["confirm"],
            note=form.cleaned_data["note"],
            request=request,
        )
    except CredentialError as exc:
        return _refused(request, credential, exc)
    return _after(request, credential, _("Second review recorded."))


@login_required
@require_POST
def review_lookup(request: AuthedRequest, code: str) -> HttpResponse:
    credential = get_review_credential_for(request.user, code)
    try:
        check = services.register_lookup(
            credential=credential, reviewer=request.user, request=request
        )
    except CredentialError as exc:
        return _refused(request, credential, exc)
    return _after(request, credential, _("Register answered: %s.") % check.get_outcome_display())


@login_required
@require_POST
def review_check(request: AuthedRequest, code: str) -> HttpResponse:
    credential = get_review_credential_for(request.user, code)
    form = RegisterCheckForm(request.POST)
    if not form.is_valid():
        return _render_review(request, credential, status=422, check_form=form)
    services.register_check_record(
        credential=credential,
        reviewer=request.user,
        outcome=form.cleaned_data["outcome"],
        note=form.cleaned_data["note"],
        request=request,
    )
    return _after(request, credential, _("Register check recorded."))

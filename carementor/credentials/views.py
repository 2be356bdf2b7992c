"""The holder's pages: record credentials, add evidence, see the review, resubmit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.credentials import services, storage
from carementor.credentials.forms import CredentialForm, EvidenceForm
from carementor.credentials.models import Credential, EvidenceFile
from carementor.credentials.multipart import strict_uploads, upload_problem
from carementor.credentials.permissions import (
    get_credential_for,
    get_evidence_for,
    submittable_organizations,
)
from carementor.credentials.schemes import SCHEMES, get_scheme, validate_number
from carementor.credentials.services import CredentialError
from carementor.lib.http import AuthedRequest
from carementor.lib.private_files import download_response

PAGE_SIZE = 25


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    credentials = (
        Credential.objects.filter(holder=request.user)
        .select_related("organization", "decided_by")
        .order_by("-submitted_at")
    )
    page = Paginator(credentials, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "credentials/mine.html",
        {"page": page, "has_organization": submittable_organizations(request.user).exists()},
    )


@login_required
@require_http_methods(["GET", "POST"])
@strict_uploads
def create(request: AuthedRequest) -> HttpResponse:
    organizations = submittable_organizations(request.user)
    if not organizations.exists():
        messages.error(request, _("Join an organization first: its reviewers check credentials."))
        return redirect("credentials:mine")
    form = CredentialForm(
        request.POST or None,
        request.FILES or None,
        organizations=organizations,
        initial={"organization": organizations.first()},
    )
    if request.method == "POST":
        problem = upload_problem(request)
        if problem is not None:
            form.is_valid()
            form.add_error("evidence", problem.message)
            return _render_form(request, form, status=problem.status)
        if form.is_valid():
            try:
                credential = services.credential_submit(
                    holder=request.user,
                    organization=form.cleaned_data["organization"],
                    data=form.to_data(),
                    upload=form.inspected,
                    request=request,
                )
            except CredentialError as exc:
                form.add_error(None, exc.message)
                return _render_form(request, form, status=exc.status)
            messages.success(request, _("Submitted. A reviewer will check it."))
            return redirect("credentials:detail", credential.code)
        return _render_form(request, form, status=form.upload_status)
    return _render_form(request, form)


def _render_form(
    request: AuthedRequest,
    form: CredentialForm,
    *,
    credential: Credential | None = None,
    status: int = 200,
) -> HttpResponse:
    scheme = get_scheme(str(form["scheme"].value() or ""))
    return render(
        request,
        "credentials/form.html",
        {"form": form, "credential": credential, "scheme": scheme, "schemes": SCHEMES},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest, code: str) -> HttpResponse:
    credential = get_credential_for(request.user, code, write=True)
    if not credential.is_editable():
        messages.error(request, _("A credential in review or verified can no longer be changed."))
        return redirect("credentials:detail", credential.code)
    form = CredentialForm(
        request.POST or None,
        organizations=submittable_organizations(request.user),
        with_evidence=False,
        initial={
            "scheme": credential.scheme,
            "number": credential.number,
            "jurisdiction": credential.jurisdiction,
            "title": credential.title,
            "issuing_body": credential.issuing_body,
            "issued_on": credential.issued_on,
            "expires_on": credential.expires_on,
        },
    )
    if request.method == "POST":
        if not form.is_valid():
            return _render_form(request, form, credential=credential, status=422)
        try:
            services.credential_update(
                credential=credential, actor=request.user, data=form.to_data(), request=request
            )
        except CredentialError as exc:
            form.add_error(None, exc.message)
            return _render_form(request, form, credential=credential, status=exc.status)
        messages.success(request, _("Saved."))
        return redirect("credentials:detail", credential.code)
    return _render_form(request, form, credential=credential)


def _render_detail(
    request: AuthedRequest,
    credential: Credential,
    *,
    evidence_form: EvidenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "credentials/detail.html",
        {
            "credential": credential,
            "evidence": credential.evidence.all(),
            "events": credential.events.select_related("actor"),
            "evidence_form": evidence_form or EvidenceForm(),
            "max_files": services.MAX_EVIDENCE_FILES,
        },
        status=status,
    )


@login_required
@require_GET
def detail(request: AuthedRequest, code: str) -> HttpResponse:
    return _render_detail(request, get_credential_for(request.user, code))


@login_required
@require_POST
@strict_uploads
def evidence_upload(request: AuthedRequest, code: str) -> HttpResponse:
    credential = get_credential_for(request.user, code, write=True)
    form = EvidenceForm(request.POST, request.FILES)
    problem = upload_problem(request)
    if problem is not None:
        form.is_valid()
        form.add_error("file", problem.message)
        return _render_detail(request, credential, evidence_form=form, status=problem.status)
    if not form.is_valid() or form.inspected is None:
        return _render_detail(request, credential, evidence_form=form, status=form.upload_status)
    try:
        services.evidence_add(
            credential=credential, actor=request.user, upload=form.inspected, request=request
        )
    except CredentialError as exc:
        form.add_error("file", exc.message)
        return _render_detail(request, credential, evidence_form=form, status=exc.status)
    messages.success(request, _("Evidence added."))
    return redirect("credentials:detail", credential.code)


@login_required
@require_POST
def evidence_delete(request: AuthedRequest, code: str, evidence_code: str) -> HttpResponse:
    credential = get_credential_for(request.user, code, write=True)
    evidence = credential.evidence.filter(code=evidence_code).first()
    if evidence is None:
        return _render_detail(request, credential, status=404)
    try:
        services.evidence_delete(evidence=evidence, actor=request.user, request=request)
    except CredentialError as exc:
        messages.error(request, exc.message)
        return _render_detail(request, credential, status=exc.status)
    messages.success(request, _("Evidence removed."))
    return redirect("credentials:detail", credential.code)


def evidence_response(evidence: EvidenceFile) -> FileResponse:
    return download_response(
        storage.open_file(evidence.storage_name),
        filename=evidence.name,
        content_type=evidence.content_type,
    )


@login_required
@never_cache
@require_GET
def evidence_download(request: AuthedRequest, code: str, evidence_code: str) -> HttpResponseBase:
    evidence = get_evidence_for(request.user, code, evidence_code)
    services.evidence_record_download(evidence=evidence, actor=request.user, request=request)
    return evidence_response(evidence)


@login_required
@require_POST
def resubmit(request: AuthedRequest, code: str) -> HttpResponse:
    credential = get_credential_for(request.user, code, write=True)
    try:
        services.credential_resubmit(credential=credential, actor=request.user, request=request)
    except CredentialError as exc:
        messages.error(request, exc.message)
        return _render_detail(request, credential, status=exc.status)
    messages.success(request, _("Resubmitted for review."))
    return redirect("credentials:detail", credential.code)


@login_required
@require_POST
def delete(request: AuthedRequest, code: str) -> HttpResponse:
    credential = get_credential_for(request.user, code, write=True)
    services.credential_delete(credential=credential, actor=request.user, request=request)
    messages.success(request, _("Credential deleted."))
    return redirect("credentials:mine")


@login_required
@require_POST
def validate(request: AuthedRequest) -> HttpResponse:
    """Instant feedback for the form (htmx): the same check as POST /api/v1/credentials/validate."""
    scheme_code = request.POST.get("scheme", "")
    number = request.POST.get("number", "")
    result = validate_number(scheme_code, number, request.POST.get("jurisdiction", ""))
    return render(
        request,
        "credentials/form.html#feedback",
        {"result": result, "scheme": get_scheme(scheme_code), "number": number},
    )

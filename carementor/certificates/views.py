"""Certificate pages: progress checklists, rules, certificates, verification and the CPD log."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.certificates import services
from carementor.certificates.completion import checklists_for, programs_of
from carementor.certificates.cpd import cpd_csv, cpd_entries
from carementor.certificates.forms import CpdEntryForm, RevokeForm, RuleForm, SettingsForm
from carementor.certificates.models import (
    Certificate,
    CertificateSettings,
    CompletionRule,
    Role,
)
from carementor.certificates.overview import overview, participants
from carementor.certificates.pdf import certificate_pdf, cpd_log_pdf
from carementor.certificates.permissions import (
    get_certificate_for,
    get_cpd_entry_for,
    get_settings_organization_for,
)
from carementor.certificates.services import CertificateError
from carementor.certificates.verification import allow_lookup, find
from carementor.lib.http import AuthedRequest
from carementor.programs.permissions import can_manage, get_program_for

PAGE_SIZE = 25


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- A participant's own pages -------------------------------------------------------------


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    certificates = Certificate.objects.filter(holder=request.user).select_related("program")
    page = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/mine.html",
        {"page": page, "totals": services.cpd_totals(request.user)},
    )


@login_required
@require_GET
def progress_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(programs_of(request.user), 10).get_page(request.GET.get("page"))
    rows = [(program, checklists_for(request.user, program)) for program in page.object_list]
    return render(request, "certificates/progress_list.html", {"page": page, "rows": rows})


@login_required
@require_GET
def progress(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code)
    checklists = checklists_for(request.user, program)
    issued = {
        c.role: c
        for c in Certificate.objects.filter(holder=request.user, program=program).order_by(
            "issued_at"
        )
    }
    return render(
        request,
        "certificates/progress.html",
        {
            "program": program,
            "checklists": [(c, issued.get(c.role)) for c in checklists],
            "can_check": any(c.role not in issued for c in checklists),
            "manager": can_manage(request.user, program),
        },
    )


@login_required
@require_POST
def check_now(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code)
    issued = services.certificates_check(user=request.user, program=program, actor=request.user)
    if issued:
        messages.success(request, _("Congratulations: your certificate has been issued."))
    else:
        messages.info(request, _("Checked. Nothing new to issue yet; see what remains below."))
    return redirect("certificates:progress", program.code)


@login_required
@require_GET
def download(request: AuthedRequest, code: str) -> HttpResponse:
    certificate = get_certificate_for(request.user, code)
    if not certificate.is_valid:
        return render(
            request, "certificates/not_valid.html", {"certificate": certificate}, status=409
        )
    return _pdf_response(certificate_pdf(certificate), f"certificate-{certificate.code}.pdf")


@login_required
@require_POST
def reissue(request: AuthedRequest, code: str) -> HttpResponse:
    certificate = get_certificate_for(request.user, code)
    if certificate.holder_id != request.user.pk:
        raise Http404
    try:
        services.certificate_reissue(certificate=certificate, user=request.user, request=request)
    except CertificateError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A new certificate with your current name has been issued."))
    return redirect("certificates:mine")


# --- Managers --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    existing = {r.role: r for r in CompletionRule.objects.filter(program=program)}
    forms = {role: RuleForm(instance=existing.get(role), prefix=role) for role in Role.values}
    status = 200
    if request.method == "POST":
        role = request.POST.get("role", "")
        if role not in Role.values:
            raise Http404
        form = RuleForm(request.POST, prefix=role, instance=existing.get(role))
        forms[role] = form
        if form.is_valid():
            try:
                services.rule_set(
                    program=program,
                    role=role,
                    actor=request.user,
                    data=form.cleaned_data,
                    request=request,
                )
            except CertificateError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Completion rule saved."))
                return redirect("certificates:rules", program.code)
        status = 400
    certificates = (
        Certificate.objects.filter(program=program).select_related("holder").order_by("-issued_at")
    )
    page = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/rules.html",
        {
            "program": program,
            "forms": [
                (role, heading, forms[role], role in existing)
                for role, heading in (
                    (Role.MENTEE, _("Mentees complete the programme when…")),
                    (Role.MENTOR, _("Mentors complete the programme when…")),
                )
            ],
            "page": page,
        },
        status=status,
    )


@login_required
@require_GET
def completion(request: AuthedRequest, code: str) -> HttpResponse:
    """Coordinators: every participant's completion, what remains, and their certificate."""
    program = get_program_for(request.user, code, manage=True)
    page = Paginator(participants(program), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/completion.html",
        {"program": program, "page": page, "rows": overview(program, list(page.object_list))},
    )


@login_required
@require_POST
def issue_now(request: AuthedRequest, code: str) -> HttpResponse:
    """A coordinator issues, now, every certificate the rules allow in the programme."""
    program = get_program_for(request.user, code, manage=True)
    report = services.certificates_issue_pending(program=program, actor=request.user)
    messages.success(
        request,
        _("Checked %(checked)s participant roles; issued %(issued)s certificates.")
        % {"checked": report.checked, "issued": report.issued},
    )
    return redirect("certificates:rules", program.code)


@login_required
@require_POST
def rule_delete(request: AuthedRequest, code: str, role: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    if role not in Role.values:
        raise Http404
    if services.rule_delete(program=program, role=role, actor=request.user, request=request):
        messages.success(request, _("Rule removed: no more certificates for this role."))
    return redirect("certificates:rules", program.code)


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: AuthedRequest, code: str) -> HttpResponse:
    certificate = get_certificate_for(request.user, code, manage=True)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except CertificateError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Certificate revoked; the holder has been told."))
        return redirect("certificates:rules", certificate.program.code)
    return render(
        request,
        "certificates/revoke.html",
        {"certificate": certificate, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: AuthedRequest, code: str) -> HttpResponse:
    organization = get_settings_organization_for(request.user, code)
    found = CertificateSettings.objects.filter(organization=organization).first()
    initial = (
        {"signatory_name": found.signatory_name, "signatory_title": found.signatory_title}
        if found
        else {}
    )
    form = SettingsForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data.get("logo")
            logo = None
            if upload:
                if upload.size and upload.size > services.LOGO_MAX_BYTES:
                    form.add_error("logo", _("The logo is larger than 512 KB."))
                else:
                    logo = (upload.name or "logo", upload.read(services.LOGO_MAX_BYTES + 1))
            if not form.errors:
                try:
                    services.settings_update(
                        organization=organization,
                        actor=request.user,
                        signatory_name=form.cleaned_data["signatory_name"],
                        signatory_title=form.cleaned_data["signatory_title"],
                        logo=logo,
                        remove_logo=form.cleaned_data["remove_logo"],
                        request=request,
                    )
                except CertificateError as exc:
                    form.add_error("logo", exc.message)
                else:
                    messages.success(request, _("Certificate settings saved."))
                    return redirect("certificates:settings", organization.code)
        status = 400
    return render(
        request,
        "certificates/settings.html",
        {"organization": organization, "form": form, "settings": found},
        status=status,
    )


# --- Public verification ---------------------------------------------------------------------


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public by design: what the certificate says and whether it stands, nothing more."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    if not allow_lookup(request):
        response = render(request, "certificates/verify_limited.html", status=429)
        response["Retry-After"] = "60"
        return response
    certificate = find(code, request)
    template = "certificates/verify.html" if certificate else "certificates/verify_unknown.html"
    response = render(
        request, template, {"certificate": certificate}, status=200 if certificate else 404
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


# --- CPD log ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cpd(request: AuthedRequest) -> HttpResponse:
    form = CpdEntryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.cpd_add(user=request.user, request=request, **form.cleaned_data)
            except CertificateError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Added to your CPD log."))
                return redirect("certificates:cpd")
        status = 400
    page = Paginator(cpd_entries(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/cpd.html",
        {"page": page, "form": form, "totals": services.cpd_totals(request.user)},
        status=status,
    )


@login_required
@require_POST
def cpd_delete(request: AuthedRequest, code: str) -> HttpResponse:
    entry = get_cpd_entry_for(request.user, code)
    try:
        services.cpd_delete(entry=entry, user=request.user, request=request)
    except CertificateError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Entry deleted."))
    return redirect("certificates:cpd")


@login_required
@require_GET
def cpd_export_csv(request: AuthedRequest) -> HttpResponse:
    buffer = io.StringIO()
    cpd_csv(request.user, csv.writer(buffer))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cpd-log.csv"'
    return response


@login_required
@require_GET
def cpd_export_pdf(request: AuthedRequest) -> HttpResponse:
    entries = list(cpd_entries(request.user))
    data = cpd_log_pdf(request.user, entries, services.cpd_totals(request.user))
    return _pdf_response(data, "cpd-log.pdf")

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carementor.lib.api_errors import ApiError
from carementor.lib.http import AuthedRequest
from carementor.privacy.forms import ErasureForm
from carementor.privacy.models import EXPORT_DAYS, GRACE_DAYS, DataExport, ErasureRequest
from carementor.privacy.permissions import get_member_for
from carementor.privacy.services import (
    erasure_cancel,
    erasure_request,
    export_open,
    export_request,
)

EXPORTS_PER_PAGE = 10


def policy(request: HttpRequest) -> HttpResponse:
    return render(
        request, "privacy/policy.html", {"export_days": EXPORT_DAYS, "grace_days": GRACE_DAYS}
    )


@never_cache
@login_required
def data(request: AuthedRequest) -> HttpResponse:
    """Download my data and delete my account."""
    user = request.user
    form = ErasureForm(user=user)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "export":
            try:
                export_request(user, requested_by=user, request=request)
            except ApiError as exc:
                messages.error(request, exc.detail)
            else:
                messages.success(
                    request, _("Your export is being prepared. We will e-mail you a link.")
                )
            return redirect("privacy:data")
        if action == "erase":
            form = ErasureForm(request.POST, user=user)
            if form.is_valid():
                erasure_request(user, requested_by=user, request=request)
                messages.success(request, _("Your account will be erased after the grace period."))
                return redirect("privacy:data")
            status = 422
        elif action == "cancel":
            erasure = ErasureRequest.objects.open().filter(user=user).first()
            if erasure is not None:
                erasure_cancel(erasure, actor=user, request=request)
                messages.success(request, _("The erasure of your account is cancelled."))
            return redirect("privacy:data")
    page = Paginator(DataExport.objects.filter(user=user), EXPORTS_PER_PAGE)
    return render(
        request,
        "privacy/data.html",
        {
            "form": form,
            "page": page.get_page(request.GET.get("page")),
            "erasure": ErasureRequest.objects.open().filter(user=user).first(),
            "export_days": EXPORT_DAYS,
            "grace_days": GRACE_DAYS,
        },
        status=status,
    )


@never_cache
@login_required
def export_download(request: AuthedRequest, code: str) -> HttpResponse:
    export = DataExport.objects.filter(code=code, user=request.user).first()
    if export is None:
        raise Http404
    try:
        content = export_open(export, request.user, request=request)
    except ApiError as exc:
        return render(request, "privacy/expired.html", {"detail": exc.detail}, status=exc.status)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="carementor-data-{export.code}.zip"'
    return response


@require_POST
@login_required
def member_data(request: AuthedRequest, code: str, user_code: str) -> HttpResponse:
    """An organization admin acts on a member's request: prepare their export (the link goes
    to the member, never to the admin) or schedule their erasure (the member can cancel)."""
    membership = get_member_for(request.user, code, user_code)
    member = membership.user
    action = request.POST.get("action")
    if action == "export":
        try:
            export_request(member, requested_by=request.user, request=request)
        except ApiError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("The export is being prepared; the member gets the link."))
    elif action == "erase":
        erasure_request(member, requested_by=request.user, request=request)
        messages.success(request, _("The member's account will be erased after the grace period."))
    else:
        return HttpResponse(status=400)
    return redirect("organizations:members", code=code)

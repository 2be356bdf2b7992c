"""HR feed pages: admins configure a feed; admins and coordinators dry-run it, read the diff
and apply it."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.integrations import hr_feeds
from carementor.integrations.forms import HrFeedApplyForm, HrFeedForm, HrFeedUploadForm
from carementor.integrations.hr_feeds import FeedData, HrFeedError
from carementor.integrations.models import HrFeed, HrFeedPerson, HrFeedRun
from carementor.integrations.permissions import (
    get_hr_feed_access_for,
    get_hr_feed_for,
    get_hr_feed_run_for,
)
from carementor.lib.errors import DomainError
from carementor.lib.http import AuthedRequest
from carementor.organizations.permissions import Access

PAGE_SIZE = 25
DIFF_PAGE_SIZE = 50


def _data(form: HrFeedForm) -> FeedData:
    return FeedData(
        name=form.cleaned_data["name"],
        source=form.cleaned_data["source"],
        file_name=form.cleaned_data["file_name"],
        url=form.cleaned_data["url"],
        mapping=form.mapping(),
        frequency=form.cleaned_data["frequency"],
    )


def _add_error(form: Any, exc: HrFeedError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _require_admin(access: Access) -> None:
    if not access.can_admin:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def feeds(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_hr_feed_access_for(request.user, code)
    form = HrFeedForm(request.POST or None)
    status = 200
    if request.method == "POST":
        _require_admin(access)
        if form.is_valid():
            try:
                feed = hr_feeds.hr_feed_create(
                    access.organization, _data(form), request.user, request=request
                )
            except HrFeedError as exc:
                _add_error(form, exc)
            else:
                messages.success(
                    request, _("The HR feed was saved. Run a dry run to see its diff.")
                )
                return redirect("integrations:hr_feed", access.organization.code, feed.code)
        status = 422
    rows = HrFeed.objects.filter(organization=access.organization).order_by("name", "id")
    return render(
        request,
        "integrations/hr_feeds.html",
        {
            "organization": access.organization,
            "access": access,
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "form": form,
        },
        status=status,
    )


def _feed_context(request: AuthedRequest, access: Access, feed: HrFeed, **extra: Any) -> Any:
    runs = HrFeedRun.objects.filter(feed=feed).select_related("created_by", "applied_by")
    people = HrFeedPerson.objects.filter(feed=feed).order_by("employee_number", "id")
    return {
        "organization": access.organization,
        "access": access,
        "feed": feed,
        "runs_page": Paginator(runs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
            request.GET.get("runs_page")
        ),
        "people_page": Paginator(people, PAGE_SIZE).get_page(request.GET.get("people_page")),
        "form": extra.pop("form", None) or HrFeedForm.for_feed(feed),
        "upload_form": extra.pop("upload_form", None) or HrFeedUploadForm(),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def feed(request: AuthedRequest, code: str, feed_code: str) -> HttpResponse:
    access = get_hr_feed_access_for(request.user, code)
    hr_feed = get_hr_feed_for(access.organization, feed_code)
    if request.method == "POST":
        _require_admin(access)
        form = HrFeedForm(request.POST)
        if form.is_valid():
            try:
                hr_feeds.hr_feed_update(hr_feed, _data(form), request.user, request=request)
            except HrFeedError as exc:
                _add_error(form, exc)
            else:
                messages.success(request, _("The HR feed was saved."))
                return redirect("integrations:hr_feed", access.organization.code, hr_feed.code)
        context = _feed_context(request, access, hr_feed, form=form)
        return render(request, "integrations/hr_feed.html", context, status=422)
    return render(request, "integrations/hr_feed.html", _feed_context(request, access, hr_feed))


@login_required
@require_POST
def upload(request: AuthedRequest, code: str, feed_code: str) -> HttpResponse:
    access = get_hr_feed_access_for(request.user, code)
    hr_feed = get_hr_feed_for(access.organization, feed_code)
    _require_admin(access)
    form = HrFeedUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > hr_feeds.MAX_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            try:
                hr_feeds.hr_feed_upload(
                    hr_feed, upload.name, upload.read(), request.user, request=request
                )
            except HrFeedError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(request, _("The file was stored. Run a dry run to see its diff."))
                return redirect("integrations:hr_feed", access.organization.code, hr_feed.code)
    context = _feed_context(request, access, hr_feed, upload_form=form)
    return render(request, "integrations/hr_feed.html", context, status=422)


@login_required
@require_POST
def dry_run(request: AuthedRequest, code: str, feed_code: str) -> HttpResponse:
    access = get_hr_feed_access_for(request.user, code)
    hr_feed = get_hr_feed_for(access.organization, feed_code)
    run = hr_feeds.hr_feed_dry_run(hr_feed, actor=request.user, request=request)
    return redirect("integrations:hr_feed_run", access.organization.code, hr_feed.code, run.code)


def _page(request: AuthedRequest, rows: list[Any], param: str) -> Any:
    return Paginator(rows, DIFF_PAGE_SIZE).get_page(request.GET.get(param))


@login_required
@require_GET
def run(request: AuthedRequest, code: str, feed_code: str, run_code: str) -> HttpResponse:
    access = get_hr_feed_access_for(request.user, code)
    hr_feed = get_hr_feed_for(access.organization, feed_code)
    hr_run = get_hr_feed_run_for(hr_feed, run_code)
    return render(request, "integrations/hr_feed_run.html", _run_context(request, access, hr_run))


def _run_context(request: AuthedRequest, access: Access, hr_run: HrFeedRun, **extra: Any) -> Any:
    diff = hr_run.diff or {}
    return {
        "organization": access.organization,
        "access": access,
        "feed": hr_run.feed,
        "run": hr_run,
        "joiners": _page(request, diff.get("joiners", []), "joiners_page"),
        "changes": _page(request, diff.get("changes", []), "changes_page"),
        "leavers": _page(request, diff.get("leavers", []), "leavers_page"),
        "errors": _page(request, diff.get("errors", []), "errors_page"),
        "apply_form": extra.pop("apply_form", None) or HrFeedApplyForm(),
        **extra,
    }


@login_required
@require_POST
def apply(request: AuthedRequest, code: str, feed_code: str, run_code: str) -> HttpResponse:
    access = get_hr_feed_access_for(request.user, code)
    hr_feed = get_hr_feed_for(access.organization, feed_code)
    hr_run = get_hr_feed_run_for(hr_feed, run_code)
    form = HrFeedApplyForm(request.POST)
    if form.is_valid():
        try:
            hr_feeds.hr_feed_apply(hr_run, request.user, request=request)
        except DomainError as exc:  # HrFeedError, or SCIM's refusal to remove the last admin
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The HR feed's changes were applied."))
            return redirect(
                "integrations:hr_feed_run", access.organization.code, hr_feed.code, hr_run.code
            )
    context = _run_context(request, access, hr_run, apply_form=form)
    return render(request, "integrations/hr_feed_run.html", context, status=422)

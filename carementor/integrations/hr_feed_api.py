"""HR feeds in the JSON API: the twin of the HR feed pages (configure, upload, dry run, apply)."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from carementor.accounts.models import User
from carementor.integrations import hr_feeds
from carementor.integrations.hr_feeds import FeedData
from carementor.integrations.models import HrFeed, HrFeedRun
from carementor.integrations.permissions import (
    get_hr_feed_access_for,
    get_hr_feed_for,
    get_hr_feed_run_for,
)
from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS, ApiError, ErrorOut
from carementor.lib.paging import BoundedPageNumberPagination
from carementor.lib.text import Name, Text

router = Router(tags=["integrations"])


def _user(request: HttpRequest) -> "User":
    """The signed-in person: the API's authentication lets no one else through."""
    return request.user  # type: ignore[return-value]


class HrFeedOut(Schema):
    code: str
    name: str
    source: str = Field(description="storage or url")
    storage_name: str = Field(description="The file's name in object storage (storage feeds).")
    url: str
    mapping: dict[str, str] = Field(description="{field: column header in the file}")
    frequency: str = Field(description="manual, daily or weekly")
    next_run_at: datetime | None
    created_at: datetime


class HrFeedIn(Schema):
    name: Name = Field(min_length=1, max_length=100)
    source: HrFeed.Source
    file_name: str = Field(
        "", max_length=100, description="For storage feeds: the file's name, e.g. staff.csv."
    )
    url: Text = Field("", max_length=500, description="For url feeds: an https:// address.")
    mapping: dict[str, str] = Field(
        description=(
            "{field: column header}; fields: employee_number and email (required), full_name, "
            "department, job_title, role (member or mentor), end_date (YYYY-MM-DD)."
        )
    )
    frequency: HrFeed.Frequency = HrFeed.Frequency.DAILY


class HrFeedRunOut(Schema):
    code: str
    status: str = Field(description="ready, invalid, failed, applied or superseded")
    trigger: str
    row_count: int
    joiner_count: int
    change_count: int
    leaver_count: int
    error_count: int
    error: str
    created_at: datetime
    applied_at: datetime | None


class HrFeedRunDetailOut(HrFeedRunOut):
    diff: dict[str, Any] = Field(
        description='{"joiners": [...], "changes": [...], "leavers": [...], "errors": [...]}'
    )


def _data(payload: HrFeedIn) -> FeedData:
    return FeedData(
        name=payload.name,
        source=payload.source.value,
        file_name=payload.file_name,
        url=payload.url,
        mapping=payload.mapping,
        frequency=payload.frequency.value,
    )


def _admin_access(request: HttpRequest, code: str) -> Any:
    access = get_hr_feed_access_for(_user(request), code)
    if not access.can_admin:
        raise PermissionDenied
    return access


@router.get(
    "/{code}/hr-feeds",
    response={200: list[HrFeedOut], **READ_ERRORS},
    summary="HR feeds (admin, coordinator)",
)
@paginate(BoundedPageNumberPagination, page_size=25)
def list_feeds(request: HttpRequest, code: str) -> QuerySet[HrFeed]:
    access = get_hr_feed_access_for(_user(request), code)
    return HrFeed.objects.filter(organization=access.organization).order_by("name", "id")


@router.post(
    "/{code}/hr-feeds",
    response={201: HrFeedOut, **WRITE_ERRORS},
    summary="Configure an HR feed (admin)",
)
def create_feed(request: HttpRequest, code: str, payload: HrFeedIn) -> Status[HrFeed]:
    access = _admin_access(request, code)
    feed = hr_feeds.hr_feed_create(
        access.organization, _data(payload), request.user, request=request
    )
    return Status(201, feed)


@router.get(
    "/{code}/hr-feeds/{feed_code}",
    response={200: HrFeedOut, **READ_ERRORS},
    summary="An HR feed (admin, coordinator)",
)
def read_feed(request: HttpRequest, code: str, feed_code: str) -> HrFeed:
    access = get_hr_feed_access_for(_user(request), code)
    return get_hr_feed_for(access.organization, feed_code)


@router.put(
    "/{code}/hr-feeds/{feed_code}",
    response={200: HrFeedOut, **WRITE_ERRORS},
    summary="Change an HR feed's source, mapping or schedule (admin)",
)
def update_feed(request: HttpRequest, code: str, feed_code: str, payload: HrFeedIn) -> HrFeed:
    access = _admin_access(request, code)
    feed = get_hr_feed_for(access.organization, feed_code)
    return hr_feeds.hr_feed_update(feed, _data(payload), request.user, request=request)


@router.delete(
    "/{code}/hr-feeds/{feed_code}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete an HR feed and its runs; members stay (admin)",
)
def delete_feed(request: HttpRequest, code: str, feed_code: str) -> Status[None]:
    access = _admin_access(request, code)
    feed = get_hr_feed_for(access.organization, feed_code)
    hr_feeds.hr_feed_delete(feed, request.user, request=request)
    return Status(204, None)


@router.post(
    "/{code}/hr-feeds/{feed_code}/file",
    response={200: HrFeedOut, 400: ErrorOut, 413: ErrorOut, **WRITE_ERRORS},
    summary="Upload the staff list (CSV or XLSX) to a storage feed (admin)",
)
def upload_file(
    request: HttpRequest, code: str, feed_code: str, file: File[UploadedFile]
) -> HrFeed:
    access = _admin_access(request, code)
    feed = get_hr_feed_for(access.organization, feed_code)
    if file.size and file.size > hr_feeds.MAX_BYTES:
        raise ApiError(413, _("The file is larger than 5 MB."), "too_large")
    content = file.read(hr_feeds.MAX_BYTES + 1)
    hr_feeds.hr_feed_upload(feed, file.name or "staff.csv", content, request.user, request=request)
    return feed


@router.post(
    "/{code}/hr-feeds/{feed_code}/runs",
    response={201: HrFeedRunDetailOut, **WRITE_ERRORS},
    summary="Dry-run an HR feed: read the file and show joiners, changes, leavers",
)
def create_run(request: HttpRequest, code: str, feed_code: str) -> Status[HrFeedRun]:
    access = get_hr_feed_access_for(_user(request), code)
    feed = get_hr_feed_for(access.organization, feed_code)
    return Status(201, hr_feeds.hr_feed_dry_run(feed, actor=request.user, request=request))


@router.get(
    "/{code}/hr-feeds/{feed_code}/runs",
    response={200: list[HrFeedRunOut], **READ_ERRORS},
    summary="An HR feed's runs, newest first",
)
@paginate(BoundedPageNumberPagination, page_size=25)
def list_runs(request: HttpRequest, code: str, feed_code: str) -> QuerySet[HrFeedRun]:
    access = get_hr_feed_access_for(_user(request), code)
    feed = get_hr_feed_for(access.organization, feed_code)
    return HrFeedRun.objects.filter(feed=feed).order_by("-created_at", "-id")


@router.get(
    "/{code}/hr-feeds/{feed_code}/runs/{run_code}",
    response={200: HrFeedRunDetailOut, **READ_ERRORS},
    summary="One run of an HR feed with its diff",
)
def read_run(request: HttpRequest, code: str, feed_code: str, run_code: str) -> HrFeedRun:
    access = get_hr_feed_access_for(_user(request), code)
    feed = get_hr_feed_for(access.organization, feed_code)
    return get_hr_feed_run_for(feed, run_code)


@router.post(
    "/{code}/hr-feeds/{feed_code}/runs/{run_code}/apply",
    response={200: HrFeedRunOut, **WRITE_ERRORS},
    summary="Apply a dry run: joiners, changes and leavers, all or nothing",
)
def apply_run(request: HttpRequest, code: str, feed_code: str, run_code: str) -> HrFeedRun:
    access = get_hr_feed_access_for(_user(request), code)
    feed = get_hr_feed_for(access.organization, feed_code)
    run = get_hr_feed_run_for(feed, run_code)
    return hr_feeds.hr_feed_apply(run, request.user, request=request)

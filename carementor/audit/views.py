"""The audit page: organization admins see their organization's trail, platform staff any
organization's or the whole platform's. Filter by person, action and date; CSV export.
Opening or exporting the trail is itself audited."""

import csv
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.audit.models import AuditEvent, AuditEventQuerySet
from carementor.audit.services import record
from carementor.organizations.permissions import get_access_for

EVENTS_PER_PAGE = 50
CSV_COLUMNS = [
    "at",
    "actor",
    "actor_label",
    "subject",
    "action",
    "target_type",
    "target_id",
    "organization",
    "outcome",
    "ip",
    "detail",
]


class AuditFilterForm(forms.Form):
    person = forms.CharField(
        label=_("Person (account code or e-mail address)"), required=False, max_length=254
    )
    action = forms.CharField(label=_("Action starts with"), required=False, max_length=80)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))

    def apply(self, events: AuditEventQuerySet) -> AuditEventQuerySet:
        data = self.cleaned_data
        person = (data.get("person") or "").strip()
        if person:
            user = (
                get_user_model()
                .objects.filter(models.Q(email__iexact=person) | models.Q(code=person))
                .first()
            )
            events = events.about_person(user) if user is not None else events.none()
        if data.get("action"):
            events = events.filter(action__startswith=data["action"].strip())
        if data.get("since"):
            events = events.filter(at__gte=_start(data["since"]))
        if data.get("until"):
            events = events.filter(at__lt=_start(data["until"]) + timedelta(days=1))
        return events


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _events(request: HttpRequest, organization_code: str | None) -> tuple[Any, AuditEventQuerySet]:
    user: Any = request.user
    if organization_code is None:
        if not user.is_staff:
            raise PermissionDenied
        return None, AuditEvent.objects.all()
    access = get_access_for(user, organization_code, role="admin")
    return access.organization, AuditEvent.objects.for_organization(access.organization)


def _page(request: HttpRequest, organization_code: str | None) -> HttpResponseBase:
    organization, events = _events(request, organization_code)
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "audit/events.html",
            {"form": form, "organization": organization, "page": None},
            status=422,
        )
    if form.is_bound:
        events = form.apply(events)
    events = events.select_related("actor", "subject", "organization")
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    if request.GET.get("format") == "csv":
        record(
            request.user,
            "audit.exported",
            organization,
            organization=organization,
            request=request,
            detail={"filters": query.dict()},
        )
        return _csv(events)
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "organization": organization,
            "page": Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page")),
            "query": query.urlencode(),
        },
    )


@login_required
def platform_events(request: HttpRequest) -> HttpResponseBase:
    return _page(request, None)


@login_required
def organization_events(request: HttpRequest, code: str) -> HttpResponseBase:
    return _page(request, code)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @, a tab or a carriage return runs as a formula in a
    # spreadsheet; a leading quote keeps it text.
    if text[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + text
    return text


def _csv(events: AuditEventQuerySet) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def rows() -> Any:
        yield writer.writerow(CSV_COLUMNS)
        for event in events.iterator(chunk_size=1000):
            yield writer.writerow(
                [
                    _cell(value)
                    for value in (
                        event.at.isoformat(),
                        event.actor.code if event.actor else "",
                        event.actor_label,
                        event.subject.code if event.subject else "",
                        event.action,
                        event.target_type,
                        event.target_id,
                        event.organization.code if event.organization else "",
                        event.outcome,
                        event.ip or "",
                        event.detail,
                    )
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
    return response

"""Admin: instruments and schedules are editable; answers are not, and never with a name.

``Response`` is read-only and shows no respondent or mentorship. ``HasResponded`` and
``Answer`` are not registered: listing who answered next to what was answered, or on which
day, is exactly the join anonymity forbids.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from carementor.evaluations.models import (
    EvaluationSettings,
    Instrument,
    Item,
    Response,
    ScheduleEntry,
    SurveyAssignment,
)


def _locked(obj: Any) -> bool:
    return obj is not None and obj.pk is not None and obj.is_locked()


class ItemInline(admin.TabularInline):
    """Items of an answered (or shipped) instrument are frozen here as everywhere."""

    model = Item
    extra = 0
    fields = ("order", "key", "text", "domain", "scale", "points", "reverse", "required")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj)


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "version", "kind", "anonymity", "licence_status")
    list_filter = ("kind", "anonymity", "licence_status", "is_active")
    search_fields = ("name", "slug")
    readonly_fields = ("code", "created_at")
    inlines = [ItemInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if _locked(obj):
            # Metadata may change (name, description, active); scoring-relevant fields not.
            return (
                *self.readonly_fields,
                "organization",
                "slug",
                "version",
                "anonymity",
                "respondent",
                "kind",
                "domains",
                "rates_mentor",
            )
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj)


@admin.register(ScheduleEntry)
class ScheduleEntryAdmin(admin.ModelAdmin):
    list_display = ("program", "instrument", "occasion", "months_after", "role")
    list_select_related = ("program", "instrument")


@admin.register(EvaluationSettings)
class EvaluationSettingsAdmin(admin.ModelAdmin):
    list_display = ("program", "min_group_size")


@admin.register(SurveyAssignment)
class SurveyAssignmentAdmin(admin.ModelAdmin):
    """Who was asked, and when. Deliberately without the "responded" record."""

    list_display = ("code", "program", "instrument", "occasion", "status", "due_at")
    list_filter = ("status", "occasion")
    list_select_related = ("program", "instrument")
    fields = (
        "code",
        "program",
        "instrument",
        "occasion",
        "user",
        "role",
        "opens_at",
        "due_at",
        "status",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting an assignment would delete its "has responded" record and allow a
        # second answer.
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Read-only, and with no field that could name anyone."""

    list_display = ("instrument", "program", "occasion", "role", "cohort", "submitted_on")
    list_filter = ("occasion", "role")
    list_select_related = ("instrument", "program")
    fields = (
        "instrument",
        "program",
        "occasion",
        "role",
        "cohort",
        "format",
        "submitted_on",
        "scores",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from carementor.privacy.models import DataExport, ErasureRequest


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin[ErasureRequest]):
    """Platform staff place or lift legal holds here; everything else goes through services."""

    list_display = ["code", "user", "requested_at", "scheduled_for", "legal_hold", "completed_at"]
    list_filter = ["legal_hold"]
    search_fields = ["code", "user__code"]
    raw_id_fields = ["user", "requested_by"]
    fields = [
        "code",
        "user",
        "requested_by",
        "requested_at",
        "scheduled_for",
        "cancelled_at",
        "completed_at",
        "legal_hold",
        "hold_reason",
    ]
    readonly_fields = [
        "code",
        "user",
        "requested_by",
        "requested_at",
        "scheduled_for",
        "cancelled_at",
        "completed_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin[DataExport]):
    list_display = ["code", "user", "status", "created_at", "expires_at", "size"]
    list_filter = ["status"]
    search_fields = ["code", "user__code"]
    readonly_fields = [f.name for f in DataExport._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

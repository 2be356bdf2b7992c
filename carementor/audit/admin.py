from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from carementor.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = [
        "at",
        "actor",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "subject",
        "organization",
        "outcome",
        "ip",
    ]
    list_filter = ["outcome", "action", "organization"]
    search_fields = ["actor__code", "subject__code", "actor_label", "action", "target_id"]
    date_hierarchy = "at"
    list_select_related = ["organization", "actor", "subject"]
    raw_id_fields = ["actor", "subject", "organization"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

"""Django admin: read-only views for support. Issuing, revoking and re-issuing go through
the services (audited, notified), so the admin cannot change a certificate."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from carementor.certificates.models import Certificate, CompletionRule


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin[Certificate]):
    list_display = ["code", "holder_name", "program_name", "role", "status", "issued_at"]
    list_filter = ["status", "role"]
    search_fields = ["code", "holder__email", "holder_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CompletionRule)
class CompletionRuleAdmin(admin.ModelAdmin[CompletionRule]):
    list_display = ["program", "role", "meetings_held", "goals_achieved", "updated_at"]
    raw_id_fields = ["program", "updated_by"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

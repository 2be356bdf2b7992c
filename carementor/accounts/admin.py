"""Users in the Django admin: search, look, and deactivate through the service (sessions and
API tokens end, audited). Accounts are created by sign-up, and deleted by erasure (the
privacy app), never here; an address changes through its verification."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from carementor.accounts.models import User
from carementor.accounts.services import user_deactivate
from carementor.audit.services import record


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["email", "full_name", "code", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "full_name", "code"]
    ordering = ["email"]
    fields = [
        "code",
        "email",
        "full_name",
        "timezone",
        "language",
        "is_active",
        "is_staff",
        "is_superuser",
        "date_joined",
        "last_login",
    ]
    readonly_fields = ["code", "email", "is_active", "date_joined", "last_login"]
    actions = ["deactivate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.changed_data:
            record(
                request.user,
                "account.changed_in_admin",
                obj,
                request=request,
                detail={"fields": sorted(form.changed_data)},
            )

    @admin.action(description=_("Deactivate (end sessions and API tokens)"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user
        assert isinstance(actor, User)
        count = 0
        for user in queryset.filter(is_active=True):
            user_deactivate(user, actor, request=request)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d account deactivated.", "%(count)d accounts deactivated.", count)
            % {"count": count},
            messages.SUCCESS,
        )

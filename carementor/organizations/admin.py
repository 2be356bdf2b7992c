"""Platform staff manage organizations, memberships and invitations here.

Saves made in the admin are audited like those made on the pages; invitations are sent,
resent and revoked through the services, so e-mail and audit stay in one place.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from carementor.audit import services as audit
from carementor.organizations import services
from carementor.organizations.models import Invitation, Membership, Organization


class MembershipInline(admin.TabularInline[Membership, Organization]):
    model = Membership
    extra = 0
    fields = ["user", "is_mentor", "is_coordinator", "is_reviewer", "is_admin", "joined_at"]
    raw_id_fields = ["user"]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("user", "organization")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ["name", "kind", "country", "timezone", "member_count", "code", "created_at"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "slug", "code"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["code", "created_at"]
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return super().get_queryset(request).annotate(member_total=Count("memberships"))

    @admin.display(description="members", ordering="member_total")
    def member_count(self, obj: Any) -> int:
        return int(obj.member_total)

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        action = "organization.updated" if change else "organization.created"
        audit.record(
            request.user,
            action,
            obj,
            organization=obj,
            request=request,
            detail={"via": "admin", "fields": list(form.changed_data)},
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for membership in formset.new_objects + [obj for obj, _ in formset.changed_objects]:
            _record_membership(request, membership, "membership.roles_changed")
        for membership in formset.deleted_objects:
            _record_membership(request, membership, "membership.removed")


def _record_membership(request: HttpRequest, membership: Membership, action: str) -> None:
    audit.record(
        request.user,
        action,
        membership,
        organization=membership.organization,
        request=request,
        subject=membership.user,
        detail={"via": "admin", "after": membership.roles},
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = [
        "user",
        "organization",
        "is_mentor",
        "is_coordinator",
        "is_reviewer",
        "is_admin",
        "joined_at",
    ]
    list_filter = ["is_admin", "is_coordinator", "is_reviewer", "is_mentor", "organization"]
    search_fields = ["user__email", "user__full_name", "organization__name", "code"]
    list_select_related = ["user", "organization"]
    raw_id_fields = ["user", "organization"]
    readonly_fields = ["code"]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _record_membership(request, obj, "membership.roles_changed")

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        _record_membership(request, obj, "membership.removed")
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("user", "organization"):
            _record_membership(request, membership, "membership.removed")
        super().delete_queryset(request, queryset)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ["email", "organization", "status", "invited_by", "created_at", "expires_at"]
    list_filter = ["organization"]
    search_fields = ["email", "organization__name", "code"]
    list_select_related = ["organization", "invited_by"]
    raw_id_fields = ["organization", "invited_by", "accepted_by"]
    readonly_fields = [
        "code",
        "organization",
        "email",
        "roles",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    date_hierarchy = "created_at"
    actions = ["resend", "revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Invitations are sent from the organization's invitations page, which e-mails them.
        return False

    @admin.action(description="Send the selected invitations again")
    def resend(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        self._each(request, queryset, services.invitation_resend)

    @admin.action(description="Revoke the selected invitations")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        self._each(request, queryset, services.invitation_revoke)

    def _each(self, request: HttpRequest, queryset: QuerySet[Invitation], action: Any) -> None:
        done = 0
        for invitation in queryset.select_related("organization"):
            try:
                action(invitation, request.user, request=request)
                done += 1
            except ValidationError as exc:
                self.message_user(
                    request, f"{invitation.email}: {' '.join(exc.messages)}", messages.WARNING
                )
        self.message_user(request, f"{done} invitation(s) done.", messages.SUCCESS)

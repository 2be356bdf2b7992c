"""Django admin: relationship shape only. Notes, messages and private notes are not
registered, so no admin page can show what is said in a mentorship. Phase, outcome and the
parties change only through the services (their rules, audit and notifications), so they
are read-only here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from carementor.mentorships.models import Mentorship, MentorshipParty


class PartyInline(admin.TabularInline[MentorshipParty, Mentorship]):
    model = MentorshipParty
    raw_id_fields = ["user"]
    extra = 0
    readonly_fields = ["user", "role", "joined_at", "last_read_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin[Mentorship]):
    list_display = ["code", "program", "role", "phase", "created_at", "last_meeting_at"]
    list_filter = ["phase", "role", "source"]
    search_fields = ["code", "parties__user__email"]
    readonly_fields = [
        "code",
        "program",
        "organization",
        "role",
        "source",
        "phase",
        "outcome",
        "redefined_as",
        "created_by",
        "created_at",
        "activated_at",
        "closing_started_at",
        "closing_started_by",
        "closed_at",
        "last_meeting_at",
    ]
    # The reflection is the parties' words.
    exclude = ["reflection"]
    inlines = [PartyInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

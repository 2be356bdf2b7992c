"""Django admin: relationship shape only. Notes, messages and private notes are not
registered, so no admin page can show what is said in a mentorship."""

from django.contrib import admin

from carementor.mentorships.models import Mentorship, MentorshipParty


class PartyInline(admin.TabularInline[MentorshipParty, Mentorship]):
    model = MentorshipParty
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin[Mentorship]):
    list_display = ["code", "program", "role", "phase", "created_at", "last_meeting_at"]
    list_filter = ["phase", "role", "source"]
    search_fields = ["code", "parties__user__email"]
    raw_id_fields = ["program", "organization", "created_by", "closing_started_by"]
    readonly_fields = ["code"]
    # The reflection is the parties' words.
    exclude = ["reflection"]
    inlines = [PartyInline]

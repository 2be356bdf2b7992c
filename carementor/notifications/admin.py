from django.contrib import admin

from carementor.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    # Titles only: e-mail bodies are rendered from templates, never stored.
    list_display = ["created_at", "recipient", "kind", "title", "read_at", "emailed_at"]
    list_filter = ["kind", "email_mode"]
    search_fields = ["recipient__email", "kind"]
    raw_id_fields = ["recipient", "actor", "organization"]
    # Whether it was read or e-mailed is history, written by the services only.
    readonly_fields = ["code", "created_at", "read_at", "emailed_at", "email_mode"]
    exclude = ["context"]

from django.apps import AppConfig


class MentorshipsConfig(AppConfig):
    name = "carementor.mentorships"
    verbose_name = "Mentorships"

    def ready(self) -> None:
        from carementor.mentorships.calendar import invite_attachments
        from carementor.notifications.registry import register_attachments

        for kind in ("meeting_scheduled", "meeting_rescheduled", "meeting_cancelled"):
            register_attachments(kind, invite_attachments)

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carementor.notifications.services import PENDING_GRACE_MINUTES, notifications_send_pending


class Command(BaseCommand):
    help = (
        "Send immediate notification e-mails that no task has sent (worker restarted, SMTP "
        "failed). Run every few minutes; safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, default=PENDING_GRACE_MINUTES)

    def handle(self, *args: Any, **options: Any) -> None:
        sent = notifications_send_pending(older_than_minutes=options["older_than"])
        self.stdout.write(f"Sent {sent} pending e-mail(s).")

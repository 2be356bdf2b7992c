from typing import Any

from django.core.management.base import BaseCommand

from carementor.notifications.services import notifications_send_digests


class Command(BaseCommand):
    help = "Send each person who chose the daily digest one e-mail with what they have not seen."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = notifications_send_digests()
        self.stdout.write(f"Sent {sent} digest e-mail(s).")

from typing import Any

from django.core.management.base import BaseCommand

from carementor.communities.digest import digests_send


class Command(BaseCommand):
    help = (
        "Send each member who chose the daily digest one notification listing the new posts "
        "in those communities. Safe to run twice: nobody gets two within 20 hours."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = digests_send()
        self.stdout.write(f"Sent {sent} community digest(s).")

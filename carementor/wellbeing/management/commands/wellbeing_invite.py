from typing import Any

from django.core.management.base import BaseCommand

from carementor.wellbeing.services import invitations_send


class Command(BaseCommand):
    help = (
        "Invite everyone who wants it to their monthly well-being check-in (nobody twice "
        "within 25 days, nobody who checked in within 25 days). Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = invitations_send()
        self.stdout.write(f"Invited {sent} people to a well-being check-in.")

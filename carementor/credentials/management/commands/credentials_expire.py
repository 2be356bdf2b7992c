"""Daily: mark verified credentials past their expiry date as expired, and send reminders
30 and 7 days before. Safe to run twice a day: each reminder is sent once per expiry date."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from carementor.credentials import services
from carementor.credentials.models import Credential


class Command(BaseCommand):
    help = "Expire verified credentials past their date and remind holders 30 and 7 days before."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report, change nothing.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        today = timezone.localdate()
        verified = Credential.objects.filter(
            status=Credential.Status.VERIFIED, expires_on__isnull=False
        ).select_related("organization")
        due = verified.filter(expires_on__lt=today)
        upcoming = verified.filter(
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=max(services.REMINDER_DAYS)),
        )
        if dry_run:
            self.stdout.write(
                f"Would expire {due.count()} and check {upcoming.count()} for reminders."
            )
            return
        expired = sum(services.credential_expire(credential=c, today=today) for c in due)
        reminded = sum(services.credential_remind(credential=c, today=today) for c in upcoming)
        self.stdout.write(f"Expired {expired} credential(s); sent {reminded} reminder(s).")

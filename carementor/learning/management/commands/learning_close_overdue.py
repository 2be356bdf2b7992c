"""Every few minutes: close quiz attempts whose time limit (plus grace) has passed, so they
count as used and stop showing as open. Safe to run at any time and twice."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from carementor.learning import quizzes
from carementor.learning.models import Attempt


class Command(BaseCommand):
    help = "Close quiz attempts past their deadline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report, change nothing.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        if dry_run:
            due = Attempt.objects.in_progress().filter(deadline__lt=timezone.now() - quizzes.GRACE)
            self.stdout.write(f"Would close {due.count()} attempt(s).")
            return
        self.stdout.write(f"Closed {quizzes.attempts_expire_overdue()} attempt(s).")

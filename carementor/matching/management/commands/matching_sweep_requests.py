"""Expire overdue match requests, remind mentors, pause the unresponsive. Run hourly."""

from typing import Any

from django.core.management.base import BaseCommand

from carementor.matching.services import requests_sweep


class Command(BaseCommand):
    help = "Expire overdue match requests and remind mentors of waiting ones."

    def handle(self, *args: Any, **options: Any) -> None:
        result = requests_sweep()
        self.stdout.write(
            f"expired {result['expired']}, reminded {result['reminded']}, paused {result['paused']}"
        )

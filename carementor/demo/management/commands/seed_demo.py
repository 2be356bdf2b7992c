import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carementor.demo.national import NATIONAL_FROM
from carementor.demo.seed import DEFAULT_SEED, DEFAULT_USERS, format_report, seed_demo

MAX_USERS = 1_000_000
# Below this many people, progress lines would only be noise.
PROGRESS_FROM = 10_000


class Command(BaseCommand):
    help = (
        "Load realistic demo data: organizations, one login per role and N generated "
        "healthcare professionals. Deterministic for a seed; safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--users",
            type=int,
            default=DEFAULT_USERS,
            help=f"How many people to generate (default {DEFAULT_USERS}).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed: the same seed gives the same people (default {DEFAULT_SEED}).",
        )

        parser.add_argument(
            "--national",
            action=argparse.BooleanOptionalAction,
            default=None,
            help=(
                "Add one national programme with everybody enrolled, mentorships, meetings "
                f"and survey answers (default: from {NATIONAL_FROM:,} people)."
            ),
        )

    def handle(
        self, *args: Any, users: int, seed: int, national: bool | None, **options: Any
    ) -> None:
        if not 0 <= users <= MAX_USERS:
            raise CommandError(f"--users must be between 0 and {MAX_USERS:,}.")

        def progress(done: int, total: int) -> None:
            if total >= PROGRESS_FROM:
                self.stderr.write(f"seed_demo: {done:,}/{total:,} people")
                self.stderr.flush()

        def log(message: str) -> None:
            if users >= PROGRESS_FROM:
                self.stderr.write(f"seed_demo: {message}")
                self.stderr.flush()

        report = seed_demo(users=users, seed=seed, progress=progress, national=national, log=log)
        self.stdout.write(format_report(report))

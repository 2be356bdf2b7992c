"""Print how much of the interface each offered language translates (``make translations``).

    $ python manage.py translation_status
    en     source language
    en-in  uses the English source (no catalog)
    hi     100.0 %  3,361 of 3,361 translated, 0 fuzzy, 0 untranslated

``--fail-under 100`` exits non-zero when a language with a catalog is less complete, so CI
can hold a language to 100 %.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carementor.lib.catalogs import completeness


class Command(BaseCommand):
    help = "Print the share of translated strings for each language the interface offers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fail-under",
            type=float,
            default=None,
            help="Fail when a language with a catalog is below this percentage.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        locale_dir = settings.LOCALE_PATHS[0]
        below = []
        for code, _name in settings.LANGUAGES:
            catalog = locale_dir / code.replace("-", "_") / "LC_MESSAGES" / "django.po"
            if code == settings.LANGUAGE_CODE:
                self.stdout.write(f"{code:<6} source language")
                continue
            if not catalog.is_file():
                self.stdout.write(f"{code:<6} uses the English source (no catalog)")
                continue
            found = completeness(locale_dir, code)
            percent = 100 * found.share
            self.stdout.write(
                f"{code:<6} {percent:5.1f} %  {found.translated:,} of {found.total:,} translated, "
                f"{found.fuzzy:,} fuzzy, {found.untranslated:,} untranslated"
            )
            if options["fail_under"] is not None and percent < options["fail_under"]:
                below.append(code)
        if below:
            raise CommandError(
                f"Below {options['fail_under']} %: {', '.join(below)}. See docs/translating.md."
            )

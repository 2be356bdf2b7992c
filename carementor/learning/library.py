"""Shipped resource modules and quizzes, written in our own words and stored as JSON.

A coordinator copies an entry into a programme in one click (services.library_add); the copy
is then theirs to edit. Digital-technology programmes are offered the digital track first.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from carementor.programs.models import Focus, Program

LIBRARY_DIR = Path(__file__).resolve().parent / "library"

TRACKS: dict[str, Promise] = {
    "digital": _("Digital-technology adoption"),
    "mentors": _("For mentors: how to mentor well"),
    "mentees": _("For mentees: making the most of mentoring"),
    "mentoring": _("Mentoring essentials"),
}


@dataclass(frozen=True)
class LibraryEntry:
    slug: str
    kind: str  # "module" or "quiz"
    track: str
    title: str
    summary: str
    data: dict[str, Any]

    @property
    def track_label(self) -> str:
        return str(TRACKS.get(self.track, self.track))


@cache
def entries() -> tuple[LibraryEntry, ...]:
    found: list[LibraryEntry] = []
    for kind, filename in (("module", "modules.json"), ("quiz", "quizzes.json")):
        for row in json.loads((LIBRARY_DIR / filename).read_text(encoding="utf-8")):
            found.append(
                LibraryEntry(
                    slug=row["slug"],
                    kind=kind,
                    track=row["track"],
                    title=row["title"],
                    summary=row.get("summary") or row.get("instructions", ""),
                    data=row,
                )
            )
    return tuple(found)


def get_entry(slug: str) -> LibraryEntry | None:
    return next((entry for entry in entries() if entry.slug == slug), None)


def offers_for(program: Program) -> list[LibraryEntry]:
    """Every entry, digital ones first for digital-adoption programmes (last otherwise)."""
    digital_first = program.focus == Focus.DIGITAL or program.template == "digital-adoption"
    order = ["digital", "mentors", "mentees", "mentoring"]
    if not digital_first:
        order = ["mentors", "mentees", "mentoring", "digital"]
    return sorted(entries(), key=lambda entry: (order.index(entry.track), entry.kind != "module"))

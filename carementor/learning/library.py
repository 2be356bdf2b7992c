"""Shipped resource modules and quizzes, written in our own words and stored as JSON.

A coordinator copies an entry into a programme in one click (services.library_add); the copy
is then theirs to edit, in the language the coordinator reads (so a Hindi-speaking
coordinator's programme gets the Hindi text). Digital-technology programmes are offered the
digital track first.

Other languages are data: ``library/<language>/modules.json`` and ``quizzes.json`` map a slug
to its texts (``title``, ``summary`` or ``instructions``, and ``blocks`` or ``questions`` in
the English order: a block's ``title`` and ``html``, a question's ``prompt``, ``choices`` as
texts and ``explanation``). What a translation leaves out stays in English; which choices are
right, numeric answers, links and limits always come from the English file.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
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


def _language(language: str | None) -> str:
    code = (language or "en").split("-")[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else "en"


@cache
def read_translation(language: str, filename: str) -> dict[str, Any]:
    """``library/<language>/<filename>`` (slug → texts), or {} when there is none."""
    path = LIBRARY_DIR / _language(language) / filename
    if language == "en" or not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _pairs(english: list[Any], translated: list[Any]) -> list[tuple[Any, Any]]:
    return [(row, translated[i] if i < len(translated) else {}) for i, row in enumerate(english)]


def translate_row(row: dict[str, Any], texts: dict[str, Any]) -> dict[str, Any]:
    """An English library row with the translated texts laid over it."""
    if not texts:
        return row
    out = dict(row)
    for key in ("title", "summary", "instructions"):
        if texts.get(key):
            out[key] = texts[key]
    if "blocks" in row:
        out["blocks"] = [
            {**block, **{k: v for k, v in text.items() if k in ("title", "html") and v}}
            for block, text in _pairs(row["blocks"], texts.get("blocks", []))
        ]
    if "questions" in row:
        questions = []
        for question, text in _pairs(row["questions"], texts.get("questions", [])):
            merged = dict(question)
            for key in ("prompt", "explanation"):
                if text.get(key):
                    merged[key] = text[key]
            choices = text.get("choices") or []
            if choices and len(choices) == len(question.get("choices", [])):
                merged["choices"] = [
                    [label, ok]
                    for label, (_text, ok) in zip(choices, question["choices"], strict=True)
                ]
            questions.append(merged)
        out["questions"] = questions
    return out


@cache
def entries(language: str = "en") -> tuple[LibraryEntry, ...]:
    """The library in a language (English where a text has no translation)."""
    language = _language(language)
    found: list[LibraryEntry] = []
    for kind, filename in (("module", "modules.json"), ("quiz", "quizzes.json")):
        translations = read_translation(language, filename)
        for english in json.loads((LIBRARY_DIR / filename).read_text(encoding="utf-8")):
            row = translate_row(english, translations.get(english["slug"], {}))
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


def get_entry(slug: str, language: str | None = None) -> LibraryEntry | None:
    found = entries(_language(language or get_language()))
    return next((entry for entry in found if entry.slug == slug), None)


def offers_for(program: Program, language: str | None = None) -> list[LibraryEntry]:
    """Every entry in the reader's language, digital ones first for digital-adoption
    programmes (last otherwise)."""
    digital_first = program.focus == Focus.DIGITAL or program.template == "digital-adoption"
    order = ["digital", "mentors", "mentees", "mentoring"]
    if not digital_first:
        order = ["mentors", "mentees", "mentoring", "digital"]
    found = entries(_language(language or get_language()))
    return sorted(found, key=lambda entry: (order.index(entry.track), entry.kind != "module"))

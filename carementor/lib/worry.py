"""Worrying words: phrases in what a person writes that suggest they may be struggling.

No models, so any app (the check-in note, the mentorships message page) can call
:func:`worrying_words` and :func:`gentle_signpost` without depending on this app's data. A match only ever
brings a gentle signpost to help for the writer; it is never stored, shown to anyone else or
used to judge the person.
"""

import re
import unicodedata

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

# Whole phrases, matched on word boundaries after normalisation. English and Hindi
# (Devanagari and common romanised forms), as the personas write.
PHRASES = (
    "suicide",
    "suicidal",
    "kill myself",
    "killing myself",
    "end my life",
    "ending my life",
    "end it all",
    "take my own life",
    "want to die",
    "wish i was dead",
    "wish i were dead",
    "better off dead",
    "better off without me",
    "no reason to live",
    "no point in living",
    "can't go on",
    "cannot go on",
    "can't cope",
    "cannot cope",
    "hurt myself",
    "hurting myself",
    "harm myself",
    "self harm",
    "self-harm",
    "hopeless",
    "worthless",
    "burned out",
    "burnt out",
    "breaking down",
    "आत्महत्या",
    "मरना चाहता",
    "मरना चाहती",
    "जीना नहीं चाहता",
    "जीना नहीं चाहती",
    "जीने का मन नहीं",
    "खुद को नुकसान",
    "marna chahta",
    "marna chahti",
)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split())


_PATTERN = re.compile(
    "|".join(
        rf"(?<!\w){re.escape(_normalise(p))}(?!\w)" for p in sorted(PHRASES, key=len, reverse=True)
    )
)


def worrying_words(text: str) -> list[str]:
    """The worrying phrases in ``text``, normalised, each once, in order of appearance."""
    found: list[str] = []
    for match in _PATTERN.finditer(_normalise(text or "")):
        if match.group(0) not in found:
            found.append(match.group(0))
    return found


def gentle_signpost() -> SafeString:
    """What the writer sees after sending words that suggest they may be struggling: a calm
    pointer to support, nothing more (the message itself is sent unchanged)."""
    return format_html(
        '{} <a href="{}">{}</a>',
        _(
            "If things feel heavy at the moment, you do not have to carry them alone. "
            "Confidential support is there for people in healthcare:"
        ),
        reverse("wellbeing:support"),
        _("where to get help"),
    )

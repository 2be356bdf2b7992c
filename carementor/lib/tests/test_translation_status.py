"""The language-completeness figure: counted from the .po files, fuzzy and empty entries not
counted as translated, and a command that prints it per language (and can fail CI)."""

import io

import pytest
from django.core.management import CommandError, call_command

from carementor.lib.catalogs import completeness

TAMIL = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"

#: templates/base.html:1
msgid "Dashboard"
msgstr "முகப்பு"

#, fuzzy
msgid "Your profile"
msgstr "உங்கள் சுயவிவரம்"

msgid "Sign out"
msgstr ""

msgid "A long "
"message"
msgstr ""
"ஒரு நீண்ட "
"செய்தி"

msgid "%(n)s mentor"
msgid_plural "%(n)s mentors"
msgstr[0] "%(n)s வழிகாட்டி"
msgstr[1] ""

#~ msgid "Old"
#~ msgstr "பழைய"
"""


@pytest.fixture
def locale_dir(tmp_path):
    folder = tmp_path / "ta" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(TAMIL, encoding="utf-8")
    return tmp_path


def test_fuzzy_and_empty_forms_are_not_translated(locale_dir):
    found = completeness(locale_dir, "ta")
    assert (found.total, found.translated, found.fuzzy, found.untranslated) == (5, 2, 1, 2)
    assert found.share == pytest.approx(0.4)


def test_the_command_prints_each_language(settings, locale_dir):
    out = io.StringIO()
    call_command("translation_status", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "en     source language"
    assert lines[1] == "en-in  uses the English source (no catalog)"
    assert lines[2].startswith("hi     100.0 %") and "0 fuzzy, 0 untranslated" in lines[2]

    settings.LOCALE_PATHS = [locale_dir]
    settings.LANGUAGES = [("en", "English"), ("ta", "Tamil")]
    out = io.StringIO()
    call_command("translation_status", stdout=out)
    assert out.getvalue().splitlines()[1] == (
        "ta      40.0 %  2 of 5 translated, 1 fuzzy, 2 untranslated"
    )
    with pytest.raises(CommandError, match=r"Below 100\.0 %: ta"):
        call_command("translation_status", "--fail-under", "100", stdout=io.StringIO())

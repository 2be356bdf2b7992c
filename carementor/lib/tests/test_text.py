"""The shared text rules for schemas and forms."""

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st
from ninja import Schema

from carementor.lib.text import NAME_PATTERN, TEXT_PATTERN, Name, Text, clean_name, clean_text


class _In(Schema):
    text: Text = ""
    name: Name = ""


class _Form(forms.Form):
    text = forms.CharField(required=False, validators=[clean_text])
    name = forms.CharField(required=False, validators=[clean_name])


@pytest.mark.parametrize("bad", ["\x00", "a\x01b", "\x1b[0m", "\x7f", "a\x85b", "\x9f"])
def test_control_characters_are_refused_in_text_and_names(bad):
    for field in ("text", "name"):
        with pytest.raises(ValueError):
            _In(**{field: bad})
        assert not _Form({field: bad}).is_valid()


@pytest.mark.parametrize("good", ["Line one\nline two", "a\tb", "x\r\ny", "नमस्ते", "Ünïcödé"])
def test_ordinary_text_with_line_breaks_is_accepted(good):
    assert _In(text=good).text == good
    assert _Form({"text": good}).is_valid()


@pytest.mark.parametrize(
    "bad",
    [
        "Asha\u202e",
        "\u202aA",
        "A\u2066",
        "A\u2069",
        "A\u200b",
        "A\u200d",
        "\u2060A",
        "\ufeffA",
        "A\nB",
    ],
)
def test_names_refuse_invisible_and_direction_characters(bad):
    with pytest.raises(ValueError):
        _In(name=bad)
    form = _Form({"name": bad})
    assert not form.is_valid() and "name" in form.errors


def test_names_keep_joiners_scripts_need_out_of_the_refused_set():
    # U+200C/U+200D join Indic and Persian letters, but they also hide text; we refuse them
    # in names only, where a person's name must look like what it is.
    assert _In(text="क्\u200dष").text == "क्\u200dष"


@given(st.text())
def test_the_documented_patterns_agree_with_the_validators(value):
    import re

    text_ok = re.fullmatch(TEXT_PATTERN.strip("^$"), value) is not None
    name_ok = re.fullmatch(NAME_PATTERN.strip("^$"), value) is not None
    try:
        _In(text=value)
        assert text_ok
    except ValueError:
        assert not text_ok
    try:
        _In(name=value)
        assert name_ok
    except ValueError:
        assert not name_ok

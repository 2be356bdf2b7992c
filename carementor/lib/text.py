"""Text accepted at the edges: no control characters anywhere, no invisible tricks in names.

``Text`` (API schemas) and ``clean_text`` (forms) accept what people type, including line
breaks and tabs, and refuse NUL and the other control characters: PostgreSQL cannot store a
NUL, and the rest only hide content from people or break exports. ``Name`` and ``clean_name``
also refuse line breaks, bidirectional overrides, zero-width characters and byte-order marks,
which make one person's name look like another's (``"Asha\u202e"``).
"""

import re
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator, Field

# C0 controls except TAB, LF and CR; DEL; C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In a name, also line breaks and tabs, bidi embeddings, overrides and isolates (U+202A-202E,
# U+2066-2069), marks (U+200E, U+200F, U+061C), zero-width characters (U+200B-200D, U+2060)
# and the byte-order mark (U+FEFF).
NAME_FORBIDDEN = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)

# The same rules as JSON Schema patterns, so the API documents them and clients (and the
# fuzzer) know what is accepted.
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
NAME_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"

TEXT_MESSAGE = gettext_lazy("Remove the control characters (such as NUL) from this text.")
NAME_MESSAGE = gettext_lazy("Remove the invisible or direction-changing characters from this name.")


def has_control(value: str) -> bool:
    return CONTROL.search(value) is not None


def _text(value: str) -> str:
    if has_control(value):
        raise ValueError(str(TEXT_MESSAGE))
    return value


def _name(value: str) -> str:
    if NAME_FORBIDDEN.search(value):
        raise ValueError(str(NAME_MESSAGE))
    return value


# For ninja schemas: ``title: Text``, ``full_name: Name``; add length with Field(max_length=…).
Text = Annotated[str, AfterValidator(_text), Field(json_schema_extra={"pattern": TEXT_PATTERN})]
Name = Annotated[str, AfterValidator(_name), Field(json_schema_extra={"pattern": NAME_PATTERN})]


# For Django forms and models: validators=[clean_text] or [clean_name].
def clean_text(value: Any) -> None:
    if isinstance(value, str) and has_control(value):
        raise ValidationError(TEXT_MESSAGE, code="control_characters")


def clean_name(value: Any) -> None:
    if isinstance(value, str) and NAME_FORBIDDEN.search(value):
        raise ValidationError(NAME_MESSAGE, code="invisible_characters")


# Every text field of every Django form (ours, the admin's, allauth's), whatever the form:
# NUL and the other control characters come back as a field error on the re-rendered page.
TEXT_FIELDS = (forms.CharField, forms.EmailField, forms.URLField, forms.SlugField)


def apply_text_rule_to_forms() -> None:
    """Add ``clean_text`` to the default validators of Django's text form fields.

    Fields copy their class's default validators when they are created, so this runs from
    ``carementor.lib.apps.LibConfig.ready``, before any form module is imported."""
    for field_class in TEXT_FIELDS:
        defaults = list(field_class.__dict__.get("default_validators", []))
        if clean_text not in defaults:
            field_class.default_validators = [*defaults, clean_text]


def find_control(data: Any, loc: tuple[str | int, ...] = ()) -> list[dict[str, Any]]:
    """Every string in parsed JSON or form data (keys included) that holds a control
    character, as API field errors."""
    errors: list[dict[str, Any]] = []
    if isinstance(data, str):
        if has_control(data):
            errors.append({"loc": [str(part) for part in loc], "msg": str(TEXT_MESSAGE)})
    elif isinstance(data, dict):
        for key, value in data.items():
            errors += find_control(key, (*loc, key)) if isinstance(key, str) else []
            errors += find_control(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            errors += find_control(value, (*loc, index))
    return errors

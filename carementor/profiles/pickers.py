"""Searchable pickers for the long vocabularies (specialties, languages, countries).

The profile editor used to send every option of three long lists (about 500 ``<option>``s).
A picker sends only what the person has chosen, as checked boxes, and a search box that
fetches matching options when typed into (htmx, ``profiles:options``). Without JavaScript the
page links to itself with ``?full=1``, where the same fields are plain selects.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Model, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from carementor.profiles.models import Country, Language, Specialty

MATCHES = 20


@dataclass(frozen=True)
class Vocabulary:
    key: str  # in the URL
    field: str  # the form field (and the name of the inputs)
    model: type[Model]
    multiple: bool

    def queryset(self) -> QuerySet[Any]:
        return self.model._default_manager.order_by("name", "code")  # type: ignore[attr-defined]

    def search(self, query: str) -> QuerySet[Any]:
        """Rows whose name (or a language's own name) contains the text, or whose code it is;
        the picker and the API's ``?q=`` share it."""
        query = query.strip()[:80]
        condition = Q(name__icontains=query) | Q(code__iexact=query)
        if self.model is Language:
            condition |= Q(native_name__icontains=query)
        return self.queryset().filter(condition)

    def matching(self, query: str, *, exclude: list[str]) -> list[Any]:
        if not query.strip():
            return []
        return list(self.search(query).exclude(code__in=exclude)[:MATCHES])

    def chosen(self, codes: list[str]) -> list[Any]:
        return list(self.queryset().filter(code__in=[c for c in codes if c]))


VOCABULARIES = {
    v.key: v
    for v in (
        Vocabulary("specialties", "specialties", Specialty, multiple=True),
        Vocabulary("languages", "languages", Language, multiple=True),
        Vocabulary("countries", "country", Country, multiple=False),
    )
}
BY_FIELD = {v.field: v for v in VOCABULARIES.values()}


def options_context(vocabulary: Vocabulary, chosen: list[str], query: str) -> dict[str, Any]:
    picked = vocabulary.chosen(chosen)
    return {
        "name": vocabulary.field,
        "input_type": "checkbox" if vocabulary.multiple else "radio",
        "chosen": picked,
        "matches": vocabulary.matching(query, exclude=[p.code for p in picked]),
        "query": query.strip(),
    }


class SearchPicker(forms.Widget):
    template_name = "profiles/widgets/picker.html"
    use_fieldset = True

    def __init__(self, vocabulary: Vocabulary, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.vocabulary = vocabulary

    def format_value(self, value: Any) -> list[str]:  # type: ignore[override]
        if value is None or value == "":
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "code", v)) for v in values]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.vocabulary.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        # Like checkboxes: an unticked list is "nothing chosen", not "left out".
        return False

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> Any:
        # The project's templates, not the form renderer's (which sees only apps' folders).
        return mark_safe(render_to_string(template_name, context))  # noqa: S308

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            options_context(self.vocabulary, context["widget"]["value"], ""),
            url=reverse("profiles:options", args=[self.vocabulary.key]),
            search_label=_("Search the list"),
        )
        return context


def use_pickers(form: forms.Form) -> None:
    """Swap the long selects of a profile form for searchable pickers."""
    for name, vocabulary in BY_FIELD.items():
        field = form.fields[name]
        field.widget = SearchPicker(vocabulary)
        field.help_text = _("Type part of a name to find it; tick to choose, untick to remove.")

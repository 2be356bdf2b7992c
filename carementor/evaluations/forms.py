"""Forms: answering a survey, building and importing instruments, the schedule."""

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from carementor.evaluations.instruments import read_instrument, read_translation
from carementor.evaluations.models import (
    Anonymity,
    Area,
    Instrument,
    InstrumentKind,
    Item,
    Occasion,
    Respondent,
    Role,
    Scale,
)
from carementor.organizations.models import Organization

DEFAULT_LABELS = (
    "Strongly disagree | Disagree | Neither agree nor disagree | Agree | Strongly agree"
)


def _field_for(item: Item) -> forms.Field:
    label = item.text
    required = item.required
    if item.scale == Scale.LIKERT:
        return forms.TypedChoiceField(
            label=label,
            choices=item.point_choices(),
            coerce=int,
            widget=forms.RadioSelect,
            required=required,
        )
    if item.scale == Scale.YES_NO:
        return forms.ChoiceField(
            label=label,
            choices=[("yes", _("Yes")), ("no", _("No"))],
            widget=forms.RadioSelect,
            required=required,
        )
    if item.scale == Scale.NUMERIC:
        return forms.FloatField(
            label=label, min_value=item.min_value, max_value=item.max_value, required=required
        )
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=required
    )


def shipped_translation(instrument: Instrument) -> dict[str, Any]:
    """The reader's language version of an instrument CareMentor ships ({} for others:
    an organization's own instruments are in the words its coordinators wrote)."""
    if instrument.organization_id is not None or instrument.version != 1:
        return {}
    return read_translation(instrument.slug, (get_language() or "en").split("-")[0])


class AnswerForm(forms.Form):
    """One field per item, named by the item's key; ``fieldsets()`` groups them by domain.

    Shipped instruments show their items in the reader's language where a translation exists.
    """

    def __init__(self, *args: Any, items: list[Item], instrument: Instrument, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.items = items
        self.instrument = instrument
        self.translation = shipped_translation(instrument)
        texts = self.translation.get("items", {})
        likert = self.translation.get("likert") or []
        english_likert = read_instrument(instrument.slug).get("likert") if likert else None
        for item in items:
            field = _field_for(item)
            field.label = texts.get(item.key) or field.label
            # Only the instrument-wide point labels are translated, never an item's own.
            if (
                isinstance(field, forms.TypedChoiceField)
                and item.scale == Scale.LIKERT
                and list(item.labels) == english_likert
                and len(likert) == item.points
            ):
                field.choices = [(n, likert[n - 1]) for n in range(1, item.points + 1)]
            self.fields[item.key] = field

    def title(self) -> str:
        return str(self.translation.get("name") or self.instrument.name)

    def description(self) -> str:
        return str(self.translation.get("description") or self.instrument.description)

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        groups: dict[str, list[forms.BoundField]] = {}
        for item in self.items:
            groups.setdefault(item.domain, []).append(self[item.key])
        order = [d["key"] for d in self.instrument.domains] + [""]
        return [
            (
                (self.translation.get("domains", {}).get(key) or self.instrument.domain_label(key))
                if key
                else str(_("Further questions")),
                groups[key],
            )
            for key in order
            if key in groups
        ]

    def answers(self) -> dict[str, Any]:
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


class InstrumentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    source = forms.CharField(
        label=_("Source"),
        help_text=_("Who wrote it. For your own instrument, your organization's name."),
        max_length=2000,
        required=False,
    )
    anonymity = forms.ChoiceField(
        label=_("Anonymity"),
        choices=Anonymity.choices,
        initial=Anonymity.ANONYMOUS,
        help_text=_(
            "Anonymous answers are stored without the respondent and shown only as group "
            "results. Named answers are visible to the programme's coordinators."
        ),
    )
    respondent = forms.ChoiceField(label=_("Answered by"), choices=Respondent.choices)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=InstrumentKind.choices, initial=InstrumentKind.CUSTOM
    )
    rates_mentor = forms.BooleanField(
        label=_("Mentees rate their mentor (one survey per mentor)"), required=False
    )
    likert_labels = forms.CharField(
        label=_("Likert point labels"),
        help_text=_("From lowest to highest, separated by |"),
        initial=DEFAULT_LABELS,
        max_length=1000,
    )
    domains = forms.CharField(
        label=_("Domains"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: key | label | area. Areas: practice, wellbeing, development, "
            "support, challenge, safety, competency, or leave empty."
        ),
        required=False,
    )
    items = forms.CharField(
        label=_("Items"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "One per line: domain key | question | options. Options, comma-separated: "
            "reverse, optional, text, yes_no, numeric 0-10. Leave the domain empty for an "
            "unscored question."
        ),
    )

    @staticmethod
    def initial_for(instrument: Instrument) -> dict[str, Any]:
        items = list(instrument.items.all())
        labels = next((i.labels for i in items if i.scale == Scale.LIKERT and i.labels), None)
        lines = []
        for item in items:
            options = []
            if item.reverse:
                options.append("reverse")
            if not item.required:
                options.append("optional")
            if item.scale == Scale.NUMERIC:
                options.append(f"numeric {item.min_value:g}-{item.max_value:g}")
            elif item.scale != Scale.LIKERT:
                options.append(item.scale)
            lines.append(" | ".join([item.domain, item.text, ", ".join(options)]).rstrip(" |"))
        return {
            "name": instrument.name,
            "description": instrument.description,
            "source": instrument.source,
            "anonymity": instrument.anonymity,
            "respondent": instrument.respondent,
            "kind": instrument.kind,
            "rates_mentor": instrument.rates_mentor,
            "likert_labels": " | ".join(labels) if labels else DEFAULT_LABELS,
            "domains": "\n".join(
                f"{d['key']} | {d['label']} | {d.get('area', '')}" for d in instrument.domains
            ),
            "items": "\n".join(lines),
        }

    def definition(self) -> dict[str, Any]:
        """The form as a definition for ``services.clean_instrument_data``."""
        data = self.cleaned_data
        labels = [part.strip() for part in data["likert_labels"].split("|") if part.strip()]
        domains = []
        for line in data["domains"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + ["", ""]
            domains.append({"key": parts[0], "label": parts[1] or parts[0], "area": parts[2]})
        items = []
        for n, line in enumerate(x for x in data["items"].splitlines() if x.strip()):
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 1:
                parts = ["", parts[0]]
            domain, text = parts[0], parts[1]
            options = {o.strip().lower() for o in (parts[2] if len(parts) > 2 else "").split(",")}
            item: dict[str, Any] = {
                "key": f"q{n + 1}",
                "domain": domain,
                "text": text,
                "reverse": "reverse" in options,
                "required": "optional" not in options,
                "scale": Scale.LIKERT,
                "points": len(labels) or 5,
                "labels": labels,
            }
            for option in options:
                if option in (Scale.TEXT, Scale.YES_NO):
                    item["scale"] = option
                elif option.startswith("numeric"):
                    item["scale"] = Scale.NUMERIC
                    low, _sep, high = option.removeprefix("numeric").strip().partition("-")
                    item["min_value"], item["max_value"] = low.strip(), high.strip()
            items.append(item)
        return {
            "name": data["name"],
            "description": data["description"],
            "source": data["source"],
            "anonymity": data["anonymity"],
            "respondent": data["respondent"],
            "kind": data["kind"],
            "rates_mentor": data["rates_mentor"],
            "domains": domains,
            "items": items,
        }


class ImportForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        empty_label=None,
        to_field_name="code",
    )
    file = forms.FileField(
        label=_("Instrument file"),
        help_text=_(
            "JSON (a whole definition), or CSV/XLSX with one row per item and the columns "
            "key, text, domain, scale, points, labels, reverse, required (optional: "
            "domain_label, area, min_value, max_value)."
        ),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Required for CSV and XLSX files."),
    )
    anonymity = forms.ChoiceField(
        label=_("Anonymity"), choices=Anonymity.choices, initial=Anonymity.ANONYMOUS
    )
    respondent = forms.ChoiceField(label=_("Answered by"), choices=Respondent.choices)
    source = forms.CharField(
        label=_("Source and permission"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Authors, citation, and the reference of the permission you hold."),
    )
    permission_declared = forms.BooleanField(
        label=_(
            "We hold permission from the rights holder to use this instrument in our "
            "programmes, as described above."
        ),
        required=True,
    )

    def __init__(self, *args: Any, organizations: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations


class ScheduleEntryForm(forms.Form):
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.none(),
        to_field_name="code",
        empty_label=None,
    )
    occasion = forms.ChoiceField(label=_("When"), choices=Occasion.choices)
    role = forms.ChoiceField(label=_("Asked of"), choices=Role.choices)
    months_after = forms.IntegerField(
        label=_("Months after closure (follow-up only)"), min_value=0, max_value=60, initial=6
    )
    open_days = forms.IntegerField(
        label=_("Days to answer"), min_value=1, max_value=120, initial=14
    )
    reminder_days = forms.IntegerField(
        label=_("Remind after (days; 0 for no reminder)"), min_value=0, max_value=119, initial=7
    )

    def __init__(self, *args: Any, instruments: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        field = self.fields["instrument"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = instruments


class SettingsForm(forms.Form):
    min_group_size = forms.IntegerField(
        label=_("Minimum group size"),
        min_value=3,
        max_value=1000,
        help_text=_(
            "Results are shown to mentors and coordinators only when at least this many "
            "people answered. Never below 3."
        ),
    )


AREA_CHOICES = Area.choices

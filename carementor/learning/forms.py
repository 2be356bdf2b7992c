"""Forms for the coordinator's module and quiz editors (participants' answers are read from
the POST by the attempt view, against the attempt's own drawn questions)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carementor.learning.models import Block, Module, Question, Quiz


class ModuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Module
        fields = ["title", "summary", "audience", "required", "minutes"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def clean_minutes(self) -> int:
        minutes = int(self.cleaned_data["minutes"])
        if not 1 <= minutes <= 600:
            raise forms.ValidationError(_("Between 1 and 600 minutes."))
        return minutes


class BlockForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Block.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Simple HTML: paragraphs, lists, headings, emphasis, links, tables. Anything else "
            "is removed when saved."
        ),
    )
    url = forms.CharField(
        label=_("Web or video address"),
        required=False,
        max_length=500,
        help_text=_("For links, and for YouTube or Vimeo videos."),
    )
    document = forms.FileField(
        label=_("PDF document"), required=False, help_text=_("PDF only, 10 MB at most.")
    )


class BlockEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"), required=False, max_length=50_000, widget=forms.Textarea(attrs={"rows": 8})
    )
    url = forms.CharField(label=_("Web or video address"), required=False, max_length=500)


class QuizForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Quiz
        fields = [
            "title",
            "instructions",
            "audience",
            "required",
            "draw_count",
            "time_limit_minutes",
            "max_attempts",
            "pass_mark",
            "feedback",
            "is_open",
        ]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("pass_mark") is not None and data["pass_mark"] > 100:
            self.add_error("pass_mark", _("A percentage between 0 and 100."))
        for field, top in (("draw_count", 200), ("time_limit_minutes", 600), ("max_attempts", 50)):
            if data.get(field) is not None and data[field] > top:
                self.add_error(field, _("At most %(top)s.") % {"top": top})
        return data


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    prompt = forms.CharField(
        label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line; start correct ones with an asterisk (*)."),
    )
    answer = forms.DecimalField(
        label=_("Correct number"), required=False, max_digits=12, decimal_places=4
    )
    tolerance = forms.DecimalField(
        label=_("Accepted difference (±)"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=4,
    )
    explanation = forms.CharField(
        label=_("Explanation shown with the correct answer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def parsed_choices(self) -> list[tuple[str, bool]]:
        lines = [line.strip() for line in self.cleaned_data.get("choices", "").splitlines()]
        return [
            (line.lstrip("*").strip(), line.startswith("*"))
            for line in lines
            if line and line.lstrip("*").strip()
        ]

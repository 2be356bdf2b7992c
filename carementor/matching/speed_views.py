"""Speed-mentoring event pages: list and schedule, each person's rounds (printable), interest,
and the coordinator's conclusion. Mounted under /programs/<code>/events/."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from carementor.accounts.models import User
from carementor.lib.http import AuthedRequest
from carementor.matching import speed
from carementor.matching.models import SpeedEvent, SpeedInterest
from carementor.matching.permissions import get_event_for
from carementor.matching.services import MatchError
from carementor.programs.models import Program
from carementor.programs.permissions import can_manage, get_program_for


class EventForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    round_minutes = forms.IntegerField(
        label=gettext_lazy("Minutes per round"), min_value=2, max_value=120, initial=8
    )
    rounds = forms.IntegerField(label=gettext_lazy("Rounds"), min_value=1, max_value=30, initial=5)
    location = forms.CharField(label=gettext_lazy("Where"), max_length=200, required=False)


def _list_page(
    request: AuthedRequest, program: Program, form: EventForm | None = None, status: int = 200
) -> HttpResponse:
    manager = can_manage(request.user, program)
    events = SpeedEvent.objects.filter(program=program).order_by("-starts_at")
    return render(
        request,
        "matching/events.html",
        {
            "program": program,
            "events": events[:100],
            "manager": manager,
            "form": form or EventForm() if manager else None,
        },
        status=status,
    )


@login_required
@require_GET
def event_list(request: AuthedRequest, code: str) -> HttpResponse:
    return _list_page(request, get_program_for(request.user, code))


@login_required
@require_POST
def event_create(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    form = EventForm(request.POST)
    if not form.is_valid():
        return _list_page(request, program, form, 422)
    try:
        event = speed.event_create(
            program=program, actor=request.user, request=request, **form.cleaned_data
        )
    except MatchError as exc:
        form.add_error(None, exc.message)
        return _list_page(request, program, form, exc.status)
    messages.success(request, _("Event scheduled."))
    return redirect("programs:event_detail", program.code, event.code)


def _rounds_for(event: SpeedEvent, user: User) -> list[dict[str, Any]]:
    mine = {
        m.round: m
        for m in event.meetings.filter(
            **{"mentor": user} if event.meetings.filter(mentor=user).exists() else {"mentee": user}
        ).select_related("mentor", "mentee")
    }
    rows = []
    for number in range(1, event.rounds + 1):
        meeting = mine.get(number)
        partner = None
        if meeting is not None:
            partner = meeting.mentee if meeting.mentor_id == user.pk else meeting.mentor
        rows.append(
            {
                "round": number,
                "starts": event.round_starts(number),
                "table": meeting.table if meeting else None,
                "partner": partner,
            }
        )
    return rows


def _detail_page(
    request: AuthedRequest, event: SpeedEvent, manager: bool, error: str = "", status: int = 200
) -> HttpResponse:
    rows = _rounds_for(event, request.user)
    met = [r["partner"] for r in rows if r["partner"] is not None]
    chosen = list(
        SpeedInterest.objects.filter(event=event, chooser=request.user).values_list(
            "chosen_id", flat=True
        )
    )
    schedule = (
        event.meetings.select_related("mentor", "mentee").order_by("round", "table")
        if manager
        else None
    )
    return render(
        request,
        "matching/event_detail.html",
        {
            "program": event.program,
            "event": event,
            "manager": manager,
            "rows": rows,
            "met": met,
            "chosen": chosen,
            "schedule": schedule,
            "error": error,
            "interest_count": event.interests.values("chooser").distinct().count()
            if manager
            else 0,
        },
        status=status,
    )


@login_required
@require_GET
def event_detail(request: AuthedRequest, code: str, event_code: str) -> HttpResponse:
    event, manager = get_event_for(request.user, code, event_code)
    return _detail_page(request, event, manager)


@login_required
@require_POST
def event_interest(request: AuthedRequest, code: str, event_code: str) -> HttpResponse:
    event, manager = get_event_for(request.user, code, event_code)
    codes = [c[:16] for c in request.POST.getlist("chosen")][:30]
    found = {u.code: u for u in User.objects.filter(code__in=codes)}
    try:
        if len(found) != len(set(codes)):
            raise MatchError(_("You can only choose people you met."), "not_met")
        speed.interest_set(event=event, chooser=request.user, chosen=[found[c] for c in codes])
    except MatchError as exc:
        return _detail_page(request, event, manager, exc.message, exc.status)
    messages.success(request, _("Your choices are saved."))
    return redirect("programs:event_detail", code, event.code)


@login_required
@require_POST
def event_reschedule(request: AuthedRequest, code: str, event_code: str) -> HttpResponse:
    event, manager = get_event_for(request.user, code, event_code, manage=True)
    try:
        speed.event_schedule(event=event, actor=request.user, request=request)
    except MatchError as exc:
        return _detail_page(request, event, manager, exc.message, exc.status)
    messages.success(request, _("Rotation recomputed from today's participants."))
    return redirect("programs:event_detail", code, event.code)


@login_required
@require_POST
def event_conclude(request: AuthedRequest, code: str, event_code: str) -> HttpResponse:
    event, manager = get_event_for(request.user, code, event_code, manage=True)
    try:
        created = speed.event_conclude(event=event, actor=request.user, request=request)
    except MatchError as exc:
        event.refresh_from_db()
        return _detail_page(request, event, manager, exc.message, exc.status)
    messages.success(
        request, _("%(n)d mentorships created from mutual choices.") % {"n": len(created)}
    )
    return redirect("programs:event_detail", code, event.code)

"""A person's calendar subscription, and meeting times when a mentorship's parties are free."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.integrations import calendars
from carementor.integrations.calendars import CalendarError
from carementor.integrations.forms import CalendarForm
from carementor.integrations.models import CalendarSubscription
from carementor.lib.http import AuthedRequest
from carementor.mentorships.permissions import get_mentorship_for


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: AuthedRequest) -> HttpResponse:
    form = CalendarForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                calendars.calendar_subscribe(
                    request.user, form.cleaned_data["url"], request=request
                )
            except CalendarError as exc:
                form.add_error("url", exc.message)
            else:
                messages.success(
                    request, _("Your calendar was saved. Its busy times are read in a moment.")
                )
                return redirect("integrations:calendar")
        status = 422
    subscription = CalendarSubscription.objects.filter(user=request.user).first()
    blocks = subscription.busy_blocks.count() if subscription is not None else 0
    return render(
        request,
        "integrations/calendar.html",
        {"form": form, "subscription": subscription, "blocks": blocks},
        status=status,
    )


@login_required
@require_POST
def calendar_remove(request: AuthedRequest) -> HttpResponse:
    calendars.calendar_unsubscribe(request.user, request=request)
    messages.success(request, _("Your calendar was disconnected and its busy times deleted."))
    return redirect("integrations:calendar")


@login_required
@require_GET
def meeting_times(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    people = [party.user for party in mentorship.parties.all()]
    connected = set(
        CalendarSubscription.objects.filter(user__in=people).values_list("user_id", flat=True)
    )
    return render(
        request,
        "integrations/_meeting_times.html"
        if getattr(request, "htmx", False)
        else "integrations/meeting_times.html",
        {
            "mentorship": mentorship,
            "times": calendars.suggest_times(people),
            "missing": [p for p in people if p.pk not in connected],
            "connected": request.user.pk in connected,
        },
    )

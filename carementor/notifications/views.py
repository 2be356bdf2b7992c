"""The notification centre: list, open, mark read, e-mail preference."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.lib.http import AuthedRequest
from carementor.notifications.models import EmailMode, Notification
from carementor.notifications.permissions import get_notification_for
from carementor.notifications.services import (
    email_mode_for,
    notification_preference_set,
    notifications_mark_read,
)

PAGE_SIZE = 30


class PreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(
        label=gettext_lazy("E-mail me"), choices=EmailMode.choices, widget=forms.RadioSelect
    )


@login_required
@require_GET
def centre(request: AuthedRequest) -> HttpResponse:
    rows = Notification.objects.for_user(request.user).select_related("actor")
    show = request.GET.get("show", "")
    if show == "unread":
        rows = rows.unread()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = Notification.objects.for_user(request.user).unread().count()
    template = "notifications/centre.html"
    if getattr(request, "htmx", False):
        template += "#list"
    return render(request, template, {"page": page, "show": show, "unread": unread})


@login_required
@require_GET
def open_notification(request: AuthedRequest, code: str) -> HttpResponse:
    notification = get_notification_for(request.user, code)
    notifications_mark_read(request.user, [notification.code])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:centre")


@login_required
@require_POST
def mark_read(request: AuthedRequest, code: str) -> HttpResponse:
    notification = get_notification_for(request.user, code)
    notifications_mark_read(request.user, [notification.code])
    return redirect("notifications:centre")


@login_required
@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    count = notifications_mark_read(request.user)
    messages.success(request, _("Marked %(count)d notifications as read.") % {"count": count})
    return redirect("notifications:centre")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthedRequest) -> HttpResponse:
    form = PreferenceForm(
        request.POST or None, initial={"email_mode": email_mode_for(request.user)}
    )
    if request.method == "POST":
        if form.is_valid():
            notification_preference_set(request.user, form.cleaned_data["email_mode"])
            messages.success(request, _("Saved your notification preference."))
            return redirect("notifications:preferences")
        return render(request, "notifications/preferences.html", {"form": form}, status=422)
    return render(request, "notifications/preferences.html", {"form": form})

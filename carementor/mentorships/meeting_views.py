"""Meeting pages: schedule, the meeting with its agenda and notes, invites and the feed."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.audit.services import record_read
from carementor.lib.http import AuthedRequest
from carementor.lib.safeguards import IdentifiersFound, shown
from carementor.mentorships import calendar, meetings
from carementor.mentorships.forms import (
    AgendaForm,
    MeetingForm,
    PrivateNoteForm,
    RecordForm,
    SharedNoteForm,
)
from carementor.mentorships.models import AgendaItem, CalendarFeed, Meeting, Mentorship, SharedNote
from carementor.mentorships.permissions import get_mentorship_for
from carementor.mentorships.services import MentorshipError


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def get_meeting_for(user: Any, code: str, meeting_code: str) -> tuple[Mentorship, Meeting]:
    """Meetings are party-only: their time, agenda and notes are the parties' own."""
    mentorship = get_mentorship_for(user, code, as_party=True)
    meeting = (
        Meeting.objects.filter(mentorship=mentorship, code=meeting_code)
        .select_related("created_by")
        .first()
    )
    if meeting is None:
        raise Http404
    meeting.mentorship = mentorship
    return mentorship, meeting


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    # A suggested time (from the calendars' free/busy) arrives as ?starts_at=YYYY-MM-DDTHH:MM.
    form = MeetingForm(request.POST or None, initial={"starts_at": request.GET.get("starts_at")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = meetings.meeting_schedule(
                    mentorship=mentorship, user=request.user, data=form.to_data(), request=request
                )
            except MentorshipError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Meeting scheduled. Invites are on their way."))
                return redirect("mentorships:meeting", mentorship.code, meeting.code)
        else:
            status = 422
    return render(
        request,
        "mentorships/meeting_form.html",
        {"mentorship": mentorship, "form": form, "meeting": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthedRequest, code: str, meeting_code: str) -> HttpResponse:
    mentorship, meeting = get_meeting_for(request.user, code, meeting_code)
    initial = {
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": meeting.duration_minutes,
        "mode": meeting.mode,
        "video_url": meeting.video_url,
        "location": meeting.location,
        "is_closure": meeting.is_closure,
    }
    form = MeetingForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                meetings.meeting_reschedule(
                    meeting=meeting, user=request.user, data=form.to_data(), request=request
                )
            except MentorshipError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Meeting updated. Everyone gets a new invite."))
                return redirect("mentorships:meeting", mentorship.code, meeting.code)
        else:
            status = 422
    return render(
        request,
        "mentorships/meeting_form.html",
        {"mentorship": mentorship, "form": form, "meeting": meeting},
        status=status,
    )


@login_required
@require_POST
def meeting_cancel(request: AuthedRequest, code: str, meeting_code: str) -> HttpResponse:
    mentorship, meeting = get_meeting_for(request.user, code, meeting_code)
    try:
        meetings.meeting_cancel(meeting=meeting, user=request.user, request=request)
    except MentorshipError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Meeting cancelled. Everyone has been told."))
    return redirect("mentorships:meeting", mentorship.code, meeting.code)


@login_required
@require_POST
def meeting_record(request: AuthedRequest, code: str, meeting_code: str) -> HttpResponse:
    mentorship, meeting = get_meeting_for(request.user, code, meeting_code)
    form = RecordForm(request.POST, parties=mentorship.party_users())
    if not form.is_valid():
        messages.error(request, _("Choose whether you met."))
        return redirect("mentorships:meeting", mentorship.code, meeting.code)
    try:
        meetings.meeting_record(
            meeting=meeting,
            user=request.user,
            status=form.cleaned_data["status"],
            present=form.present_users(),
            request=request,
        )
    except MentorshipError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded."))
    return redirect("mentorships:meeting", mentorship.code, meeting.code)


def _meeting_context(request: AuthedRequest, mentorship: Mentorship, meeting: Meeting) -> dict:
    note = SharedNote.objects.filter(meeting=meeting).select_related("updated_by").first()
    private = meetings.private_note_for(meeting, request.user)
    party = mentorship.party_for(request.user)
    return {
        "mentorship": mentorship,
        "meeting": meeting,
        "party": party,
        "is_mentee": party is not None and party.role == "mentee",
        "agenda": list(meeting.agenda_items.select_related("added_by", "carried_from")),
        "agenda_form": AgendaForm(),
        "note": note,
        # Two forms on one page with a "body" field: distinct ids keep the labels apart.
        "note_form": SharedNoteForm(
            initial={"version": note.version if note else 0, "body": note.body if note else ""},
            auto_id="shared-%s",
        ),
        "private_form": PrivateNoteForm(
            initial={"body": private.body if private else ""}, auto_id="private-%s"
        ),
        "record_form": RecordForm(
            parties=mentorship.party_users(),
            initial={"present": [u.code for u in mentorship.party_users()]},
        ),
        "action_items": meeting.action_items.select_related("owner"),
    }


@login_required
@require_GET
def meeting_detail(request: AuthedRequest, code: str, meeting_code: str) -> HttpResponse:
    mentorship, meeting = get_meeting_for(request.user, code, meeting_code)
    context = _meeting_context(request, mentorship, meeting)
    if context["note"] is not None:
        # Shared notes are confidential content: every read is audited. A person's own
        # private note is not (it is theirs alone).
        record_read(
            request.user,
            "shared_note.read",
            meeting,
            organization=mentorship.organization,
            request=request,
        )
    return render(request, "mentorships/meeting.html", context)


def _agenda_response(
    request: AuthedRequest, mentorship: Mentorship, meeting: Meeting, status: int = 200
) -> HttpResponse:
    if _htmx(request):
        return render(
            request,
            "mentorships/meeting.html#agenda",
            _meeting_context(request, mentorship, meeting),
            status=status,
        )
    return redirect("mentorships:meeting", mentorship.code, meeting.code)


@login_required
@require_POST
def agenda_add(request: AuthedRequest, code: str, meeting_code: str) -> HttpResponse:
    mentorship, meeting = get_meeting_for(request.user, code, meeting_code)
    form = AgendaForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            meetings.agenda_add(
                meeting=meeting,
                user=request.user,
                text=form.cleaned_data["text"],
                request=request,
                confirm_no_identifiers=form.cleaned_data["confirm_no_identifiers"],
            )
        except IdentifiersFound as exc:
            # The item stays in its box, with what was found and the box to confirm.
            context = _meeting_context(request, mentorship, meeting)
            context["agenda_findings"] = shown(
                exc.findings, " ".join(form.cleaned_data["text"].split())
            )
            context["agenda_form"] = AgendaForm(request.POST, warned=True)
            if _htmx(request):
                # htmx swaps only successful answers: the warning is the agenda's new content.
                return render(request, "mentorships/meeting.html#agenda", context)
            return render(request, "mentorships/meeting.html", context, status=exc.status)
        except MentorshipError as error:
            messages.error(request, error.message)
            status = error.status
    else:
        messages.error(request, _("Write the item in 1 to 500 characters."))
        status = 422
    if not _htmx(request) and status != 200:
        return redirect("mentorships:meeting", mentorship.code, meeting.code)
    return _agenda_response(request, mentorship, meeting, status)


def _item(meeting: Meeting, item_code: str) -> AgendaItem:
    item = meeting.agenda_items.filter(code=item_code).first()
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


@login_required
@require_POST
def agenda_move(
    request: AuthedRequest, code: str, meeting_code: str, item_code: str
) -> HttpResponse:
    mentorship, meeting = get_meeting_for(request.user, code, meeting_code)
    item = _item(meeting, item_code)
    codes = list(meeting.agenda_items.values_list("code", flat=True))
    index = codes.index(item.code)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= target < len(codes):
        codes[index], codes[target] = codes[target], codes[index]
        try:
            meetings.agenda_reorder(meeting=meeting, user=request.user, codes=codes)
        except MentorshipError as error:
            messages.error(request, error.message)
    return _agenda_response(request, mentorship, meeting)


@login_required
@require_POST
def agenda_remove(
    request: AuthedRequest, code: str, meeting_code: str, item_code: str
) -> HttpResponse:
    mentorship, meeting = get_meeting_for(request.user, code, meeting_code)
    try:
        meetings.agenda_remove(item=_item(meeting, item_code), user=request.user)
    except MentorshipError as error:
        messages.error(request, error.message)
    return _agenda_response(request, mentorship, meeting)


@login_required
@require_POST
def agenda_cover(
    request: AuthedRequest, code: str, meeting_code: str, item_code: str
) -> HttpResponse:
    mentorship, meeting = get_meeting_for(request.user, code, meeting_code)
    meetings.agenda_mark_covered(
        item=_item(meeting, item_code),
        user=request.user,
        covered=request.POST.get("covered") == "1",
    )
    return _agenda_response(request, mentorship, meeting)


@login_required
@require_POST
def shared_note(request: AuthedRequest, code: str, meeting_code: str) -> HttpResponse:
    mentorship, meeting = get_meeting_for(request.user, code, meeting_code)
    form = SharedNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The notes could not be saved."))
        return redirect("mentorships:meeting", mentorship.code, meeting.code)
    try:
        meetings.shared_note_save(
            meeting=meeting,
            user=request.user,
            body=form.cleaned_data["body"],
            base_version=form.cleaned_data["version"],
            request=request,
            confirm_no_identifiers=form.cleaned_data["confirm_no_identifiers"],
        )
    except IdentifiersFound as exc:
        # The author's text stays in the box, with what was found and the box to confirm.
        context = _meeting_context(request, mentorship, meeting)
        context["note_findings"] = shown(exc.findings, form.cleaned_data["body"])
        context["note_form"] = SharedNoteForm(request.POST, warned=True, auto_id="shared-%s")
        return render(request, "mentorships/meeting.html", context, status=exc.status)
    except MentorshipError as error:
        # Show the person's unsaved text next to the newer version, so nothing is lost.
        context = _meeting_context(request, mentorship, meeting)
        context["note_conflict"] = error.message
        context["unsaved_body"] = form.cleaned_data["body"]
        return render(request, "mentorships/meeting.html", context, status=error.status)
    messages.success(request, _("Shared notes saved."))
    return redirect("mentorships:meeting", mentorship.code, meeting.code)


@login_required
@require_POST
def private_note(request: AuthedRequest, code: str, meeting_code: str) -> HttpResponse:
    mentorship, meeting = get_meeting_for(request.user, code, meeting_code)
    form = PrivateNoteForm(request.POST)
    if form.is_valid():
        try:
            meetings.private_note_save(
                meeting=meeting,
                user=request.user,
                body=form.cleaned_data["body"],
                confirm_no_identifiers=form.cleaned_data["confirm_no_identifiers"],
            )
        except IdentifiersFound as exc:
            context = _meeting_context(request, mentorship, meeting)
            context["private_findings"] = shown(exc.findings, form.cleaned_data["body"])
            context["private_form"] = PrivateNoteForm(
                request.POST, warned=True, auto_id="private-%s"
            )
            return render(request, "mentorships/meeting.html", context, status=exc.status)
        messages.success(request, _("Your private notes are saved."))
    else:
        messages.error(request, _("The notes are too long."))
    return redirect("mentorships:meeting", mentorship.code, meeting.code)


@login_required
@require_GET
def meeting_ics(request: AuthedRequest, code: str, meeting_code: str) -> HttpResponse:
    _mentorship, meeting = get_meeting_for(request.user, code, meeting_code)
    response = HttpResponse(calendar.meeting_ics(meeting), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.code}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthedRequest) -> HttpResponse:
    feed_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar.calendar_feed_revoke(user=request.user, request=request)
            messages.success(request, _("Your calendar link no longer works."))
            return redirect("mentorships:calendar")
        raw = calendar.calendar_feed_create(user=request.user, request=request)
        feed_url = request.build_absolute_uri(f"/mentorships/calendar/feed/{raw}.ics")
    active = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).first()
    return render(
        request,
        "mentorships/calendar.html",
        {"feed_url": feed_url, "active": active},
    )


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Public by design: the secret token in the URL is the authentication, so calendar apps
    can subscribe. Unknown and revoked tokens get the same 404."""
    user = calendar.calendar_feed_user(token)
    if user is None:
        raise Http404
    body = calendar.feed_ics(calendar.feed_meetings(user), "CareMentor")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    return response

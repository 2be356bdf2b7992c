"""Meetings API: schedule, change, cancel, record; agenda; shared and private notes; .ics."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Status

from carementor.accounts.models import User
from carementor.audit.services import record_read
from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS, ApiError
from carementor.mentorships import calendar, meetings
from carementor.mentorships import serializers as ser
from carementor.mentorships.meetings import MeetingData
from carementor.mentorships.models import AgendaItem, Meeting, Mentorship, SharedNote
from carementor.mentorships.permissions import get_mentorship_for
from carementor.mentorships.schemas import (
    AgendaItemIn,
    AgendaItemOut,
    AgendaOrderIn,
    CoveredIn,
    MeetingIn,
    MeetingOut,
    PrivateNoteIn,
    PrivateNoteOut,
    RecordIn,
    SharedNoteIn,
    SharedNoteOut,
)

router = Router(tags=["mentorships"])


def _user(request: HttpRequest) -> User:
    """The signed-in person: the API's authentication lets no one else through."""
    return request.user  # type: ignore[return-value]


def _meeting(request: HttpRequest, code: str, meeting_code: str) -> tuple[Mentorship, Meeting]:
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    meeting = Meeting.objects.filter(mentorship=mentorship, code=meeting_code).first()
    if meeting is None:
        raise Http404
    meeting.mentorship = mentorship
    return mentorship, meeting


def _data(payload: MeetingIn) -> MeetingData:
    if payload.starts_at.tzinfo is None:
        raise ApiError(
            422,
            "The request is not valid.",
            "invalid",
            [{"loc": ["body", "starts_at"], "msg": "Give a time with a UTC offset."}],
        )
    return MeetingData(
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        mode=payload.mode,
        title=payload.title,
        location=payload.location,
        video_url=payload.video_url,
        is_closure=payload.is_closure,
    )


@router.get("/{code}/meetings", response={200: list[MeetingOut], **READ_ERRORS})
def list_meetings(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    rows = Meeting.objects.filter(mentorship=mentorship).order_by("starts_at")[:500]
    for m in rows:
        m.mentorship = mentorship
    return [ser.meeting(m) for m in rows]


@router.post("/{code}/meetings", response={201: MeetingOut, **WRITE_ERRORS})
def schedule(request: HttpRequest, code: str, payload: MeetingIn) -> Status:
    """Schedule a meeting; the other parties get an e-mail with an iCalendar invite."""
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    meeting = meetings.meeting_schedule(
        mentorship=mentorship, user=_user(request), data=_data(payload), request=request
    )
    return Status(201, ser.meeting(meeting))


@router.get("/{code}/meetings/{meeting_code}", response={200: MeetingOut, **READ_ERRORS})
def get_meeting(request: HttpRequest, code: str, meeting_code: str) -> dict[str, Any]:
    return ser.meeting(_meeting(request, code, meeting_code)[1])


@router.put("/{code}/meetings/{meeting_code}", response={200: MeetingOut, **WRITE_ERRORS})
def reschedule(
    request: HttpRequest, code: str, meeting_code: str, payload: MeetingIn
) -> dict[str, Any]:
    _m, meeting = _meeting(request, code, meeting_code)
    meeting = meetings.meeting_reschedule(
        meeting=meeting, user=_user(request), data=_data(payload), request=request
    )
    return ser.meeting(meeting)


@router.post("/{code}/meetings/{meeting_code}/cancel", response={200: MeetingOut, **WRITE_ERRORS})
def cancel(request: HttpRequest, code: str, meeting_code: str) -> dict[str, Any]:
    _m, meeting = _meeting(request, code, meeting_code)
    meeting = meetings.meeting_cancel(meeting=meeting, user=_user(request), request=request)
    return ser.meeting(meeting)


@router.post("/{code}/meetings/{meeting_code}/record", response={200: MeetingOut, **WRITE_ERRORS})
def record_meeting(
    request: HttpRequest, code: str, meeting_code: str, payload: RecordIn
) -> dict[str, Any]:
    mentorship, meeting = _meeting(request, code, meeting_code)
    by_code = {u.code: u for u in mentorship.party_users()}
    unknown = [c for c in payload.present if c not in by_code]
    if unknown:
        raise ApiError(422, "Only parties can attend.", "invalid")
    meeting = meetings.meeting_record(
        meeting=meeting,
        user=_user(request),
        status=payload.status,
        present=[by_code[c] for c in payload.present],
        request=request,
    )
    return ser.meeting(meeting)


@router.get(
    "/{code}/meetings/{meeting_code}/ics",
    response={200: None, **READ_ERRORS},
    openapi_extra={"responses": {200: {"content": {"text/calendar": {}}}}},
)
def meeting_ics(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    _m, meeting = _meeting(request, code, meeting_code)
    return HttpResponse(calendar.meeting_ics(meeting), content_type="text/calendar")


@router.get(
    "/{code}/meetings/{meeting_code}/agenda", response={200: list[AgendaItemOut], **READ_ERRORS}
)
def get_agenda(request: HttpRequest, code: str, meeting_code: str) -> list[dict[str, Any]]:
    _m, meeting = _meeting(request, code, meeting_code)
    return [ser.agenda_item(i) for i in meeting.agenda_items.select_related("added_by")]


@router.post(
    "/{code}/meetings/{meeting_code}/agenda", response={201: AgendaItemOut, **WRITE_ERRORS}
)
def add_agenda_item(
    request: HttpRequest, code: str, meeting_code: str, payload: AgendaItemIn
) -> Status:
    """The mentee adds an item before the meeting (mentors get 403 ``mentee_leads``)."""
    _m, meeting = _meeting(request, code, meeting_code)
    item = meetings.agenda_add(
        meeting=meeting,
        user=_user(request),
        text=payload.text,
        confirm_no_identifiers=payload.confirm_no_identifiers,
    )
    return Status(201, ser.agenda_item(item))


@router.put(
    "/{code}/meetings/{meeting_code}/agenda", response={200: list[AgendaItemOut], **WRITE_ERRORS}
)
def reorder_agenda(
    request: HttpRequest, code: str, meeting_code: str, payload: AgendaOrderIn
) -> list[dict[str, Any]]:
    """The mentee reorders: send every item code in the new order (409 if the set changed)."""
    _m, meeting = _meeting(request, code, meeting_code)
    meetings.agenda_reorder(meeting=meeting, user=_user(request), codes=payload.codes)
    return get_agenda(request, code, meeting_code)


def _agenda_item(meeting: Meeting, item_code: str) -> AgendaItem:
    item = meeting.agenda_items.filter(code=item_code).first()
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


@router.post(
    "/{code}/meetings/{meeting_code}/agenda/{item_code}/covered",
    response={200: AgendaItemOut, **WRITE_ERRORS},
)
def cover_agenda_item(
    request: HttpRequest, code: str, meeting_code: str, item_code: str, payload: CoveredIn
) -> dict[str, Any]:
    _m, meeting = _meeting(request, code, meeting_code)
    item = meetings.agenda_mark_covered(
        item=_agenda_item(meeting, item_code), user=_user(request), covered=payload.covered
    )
    return ser.agenda_item(item)


@router.delete(
    "/{code}/meetings/{meeting_code}/agenda/{item_code}", response={204: None, **WRITE_ERRORS}
)
def remove_agenda_item(
    request: HttpRequest, code: str, meeting_code: str, item_code: str
) -> Status:
    _m, meeting = _meeting(request, code, meeting_code)
    meetings.agenda_remove(item=_agenda_item(meeting, item_code), user=_user(request))
    return Status(204, None)


def _note(note: SharedNote | None) -> dict[str, Any]:
    if note is None:
        return {"body": "", "version": 0, "updated_by": None, "updated_at": None}
    return {
        "body": note.body,
        "version": note.version,
        "updated_by": ser.person(note.updated_by),
        "updated_at": note.updated_at,
    }


@router.get("/{code}/meetings/{meeting_code}/notes", response={200: SharedNoteOut, **READ_ERRORS})
def get_shared_note(request: HttpRequest, code: str, meeting_code: str) -> dict[str, Any]:
    mentorship, meeting = _meeting(request, code, meeting_code)
    note = SharedNote.objects.filter(meeting=meeting).select_related("updated_by").first()
    if note is not None:
        record_read(
            request.user,
            "shared_note.read",
            meeting,
            organization=mentorship.organization,
            request=request,
        )
    return _note(note)


@router.put("/{code}/meetings/{meeting_code}/notes", response={200: SharedNoteOut, **WRITE_ERRORS})
def put_shared_note(
    request: HttpRequest, code: str, meeting_code: str, payload: SharedNoteIn
) -> dict[str, Any]:
    """Save the shared notes. 409 ``stale`` if someone saved since ``base_version``."""
    _m, meeting = _meeting(request, code, meeting_code)
    note = meetings.shared_note_save(
        meeting=meeting,
        user=_user(request),
        body=payload.body,
        base_version=payload.base_version,
        request=request,
        confirm_no_identifiers=payload.confirm_no_identifiers,
    )
    return _note(note)


@router.get(
    "/{code}/meetings/{meeting_code}/private-note", response={200: PrivateNoteOut, **READ_ERRORS}
)
def get_private_note(request: HttpRequest, code: str, meeting_code: str) -> dict[str, Any]:
    """Your own private note of this meeting. Nobody else's is reachable."""
    _m, meeting = _meeting(request, code, meeting_code)
    note = meetings.private_note_for(meeting, _user(request))
    return {"body": note.body if note else "", "updated_at": note.updated_at if note else None}


@router.put(
    "/{code}/meetings/{meeting_code}/private-note", response={200: PrivateNoteOut, **WRITE_ERRORS}
)
def put_private_note(
    request: HttpRequest, code: str, meeting_code: str, payload: PrivateNoteIn
) -> dict[str, Any]:
    _m, meeting = _meeting(request, code, meeting_code)
    note = meetings.private_note_save(
        meeting=meeting,
        user=_user(request),
        body=payload.body,
        confirm_no_identifiers=payload.confirm_no_identifiers,
    )
    return {"body": note.body, "updated_at": note.updated_at}

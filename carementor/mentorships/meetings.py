"""Meeting services: schedule, reschedule, cancel, record; the mentee-led agenda; notes.

Same rules as ``services.py``: atomic, locked where two people act at once, audited, and
the other parties notified (with an iCalendar invite attached) after commit.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.lib.safeguards import require_no_identifiers
from carementor.mentorships.models import (
    OPEN_PHASES,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Mentorship,
    PartyRole,
    PrivateNote,
    SharedNote,
)
from carementor.mentorships.services import MentorshipError, _locked, _require_party
from carementor.notifications.services import notify

if TYPE_CHECKING:
    from carementor.accounts.models import User

JITSI_BASE = "https://meet.jit.si/"
MAX_AGENDA_ITEMS = 30


def jitsi_room_url() -> str:
    return f"{JITSI_BASE}CareMentor-{secrets.token_urlsafe(12).replace('_', 'x').replace('-', 'y')}"


def clean_video_url(url: str) -> str:
    """A pasted Zoom, Teams or other link must be https with a host; never javascript: etc."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in url):
        raise MentorshipError(
            _("Paste a video link that starts with https://."), status=422, code="invalid"
        )
    return url


@dataclass(frozen=True)
class MeetingData:
    starts_at: datetime
    duration_minutes: int
    mode: str
    title: str = ""
    location: str = ""
    video_url: str = ""
    is_closure: bool = False


def _check(data: MeetingData) -> MeetingData:
    if timezone.is_naive(data.starts_at):
        raise ValueError("starts_at must be timezone-aware")
    if data.mode not in MeetingMode.values:
        raise MentorshipError(_("Choose in person, video or phone."), status=422, code="invalid")
    if not 5 <= data.duration_minutes <= 600:
        raise MentorshipError(
            _("A meeting lasts between 5 minutes and 10 hours."), status=422, code="invalid"
        )
    if data.starts_at < timezone.now():
        raise MentorshipError(_("Choose a time in the future."), status=422, code="invalid")
    return data


def _video_url_for(data: MeetingData, current: str = "") -> str:
    if data.mode != MeetingMode.VIDEO:
        return ""
    if data.video_url:
        return clean_video_url(data.video_url)
    return current or jitsi_room_url()


def _notify_meeting(meeting: Meeting, kind: str, actor: "User") -> None:
    mentorship = meeting.mentorship
    notify(
        mentorship.parties_except(actor),
        kind,
        target=meeting,
        context={"program": mentorship.program.name},
        actor=actor,
        organization=mentorship.organization,
    )


def meeting_schedule(
    *, mentorship: Mentorship, user: "User", data: MeetingData, request: Any = None
) -> Meeting:
    data = _check(data)
    with transaction.atomic():
        mentorship = _locked(mentorship)
        _require_party(mentorship, user)
        if mentorship.phase not in OPEN_PHASES:
            raise MentorshipError(_("This mentorship has ended."))
        meeting = Meeting.objects.create(
            mentorship=mentorship,
            title=data.title,
            starts_at=data.starts_at,
            duration_minutes=data.duration_minutes,
            mode=data.mode,
            location=data.location,
            video_url=_video_url_for(data),
            is_closure=data.is_closure,
            created_by=user,
        )
        _carry_over_agenda(mentorship, meeting)
        record(user, "meeting.scheduled", meeting, organization=mentorship.organization)
        meeting.mentorship = mentorship
        _notify_meeting(meeting, "meeting_scheduled", user)
    return meeting


def _carry_over_agenda(mentorship: Mentorship, meeting: Meeting) -> None:
    """Uncovered items of meetings that are over move to the new meeting, in order."""
    leftovers = AgendaItem.objects.filter(
        meeting__mentorship=mentorship,
        meeting__status__in=[MeetingStatus.HELD, MeetingStatus.NO_SHOW, MeetingStatus.CANCELLED],
        covered=False,
        carried_into__isnull=True,
    ).order_by("meeting__starts_at", "position", "id")
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            text=item.text,
            position=index,
            added_by_id=item.added_by_id,
            carried_from=item,
        )
        for index, item in enumerate(leftovers)
    )


def _locked_meeting(meeting: Meeting) -> Meeting:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    locked.mentorship = _locked(meeting.mentorship)
    return locked


def meeting_reschedule(
    *, meeting: Meeting, user: "User", data: MeetingData, request: Any = None
) -> Meeting:
    data = _check(data)
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _require_party(meeting.mentorship, user)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise MentorshipError(_("Only a scheduled meeting can be changed."))
        meeting.starts_at = data.starts_at
        meeting.duration_minutes = data.duration_minutes
        meeting.video_url = _video_url_for(data, meeting.video_url)
        meeting.mode = data.mode
        meeting.title = data.title
        meeting.location = data.location
        meeting.sequence += 1
        meeting.save()
        record(user, "meeting.rescheduled", meeting, organization=meeting.mentorship.organization)
        _notify_meeting(meeting, "meeting_rescheduled", user)
    return meeting


def meeting_cancel(*, meeting: Meeting, user: "User", request: Any = None) -> Meeting:
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _require_party(meeting.mentorship, user)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise MentorshipError(_("Only a scheduled meeting can be cancelled."))
        meeting.status = MeetingStatus.CANCELLED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence", "updated_at"])
        record(user, "meeting.cancelled", meeting, organization=meeting.mentorship.organization)
        _notify_meeting(meeting, "meeting_cancelled", user)
    return meeting


def meeting_record(
    *, meeting: Meeting, user: "User", status: str, present: list[Any], request: Any = None
) -> Meeting:
    """After the meeting: held or no-show, and who was there."""
    if status not in (MeetingStatus.HELD, MeetingStatus.NO_SHOW):
        raise MentorshipError(_("Choose held or no-show."), status=422, code="invalid")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        mentorship = meeting.mentorship
        _require_party(mentorship, user)
        if meeting.status == MeetingStatus.CANCELLED:
            raise MentorshipError(_("This meeting was cancelled."))
        if meeting.starts_at > timezone.now():
            raise MentorshipError(_("You can record a meeting once it has started."))
        present_ids = {u.pk for u in present}
        party_ids = {u.pk for u in mentorship.party_users()}
        if not present_ids <= party_ids:
            raise MentorshipError(_("Only parties can attend."), status=422, code="invalid")
        meeting.status = status
        meeting.save(update_fields=["status", "updated_at"])
        Attendance.objects.filter(meeting=meeting).delete()
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, user_id=pk, present=pk in present_ids) for pk in party_ids
        )
        last = Meeting.objects.filter(mentorship=mentorship, status=MeetingStatus.HELD).aggregate(
            Max("starts_at")
        )
        mentorship.last_meeting_at = last["starts_at__max"]
        mentorship.save(update_fields=["last_meeting_at"])
        record(
            user,
            "meeting.recorded",
            meeting,
            organization=mentorship.organization,
            detail={"status": status},
        )
        if status == MeetingStatus.HELD:
            from carementor.evaluations.schedule import on_meeting_held

            transaction.on_commit(lambda: on_meeting_held(meeting.pk))
    return meeting


# --- Agenda (the mentee leads it) ---------------------------------------------------------


def _require_mentee(meeting: Meeting, user: "User") -> None:
    party = meeting.mentorship.party_for(user)
    if party is None:
        raise PermissionDenied
    if party.role != PartyRole.MENTEE:
        raise MentorshipError(
            _("The mentee leads the agenda: ask them to add it."), status=403, code="mentee_leads"
        )


def agenda_add(
    *,
    meeting: Meeting,
    user: "User",
    text: str,
    request: Any = None,
    confirm_no_identifiers: bool = False,
) -> AgendaItem:
    """The mentee adds an item before the meeting; an item that looks like it identifies a
    patient is refused with ``patient_identifiers`` until edited or confirmed."""
    text = " ".join(text.split())
    if not text or len(text) > 500:
        raise MentorshipError(
            _("Write the item in 1 to 500 characters."), status=422, code="invalid"
        )
    require_no_identifiers(text, confirmed=confirm_no_identifiers, field="text")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _require_mentee(meeting, user)
        if not meeting.accepts_agenda():
            raise MentorshipError(_("Items can be added only before the meeting."))
        count = meeting.agenda_items.count()
        if count >= MAX_AGENDA_ITEMS:
            raise MentorshipError(_("The agenda is full."), status=422, code="invalid")
        item = AgendaItem.objects.create(meeting=meeting, text=text, position=count, added_by=user)
        notify(
            meeting.mentorship.parties_except(user),
            "agenda_item_added",
            target=meeting,
            context={"item": text[:120]},
            actor=user,
            organization=meeting.mentorship.organization,
        )
    return item


def agenda_reorder(
    *, meeting: Meeting, user: "User", codes: list[str], request: Any = None
) -> None:
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _require_mentee(meeting, user)
        items = {item.code: item for item in meeting.agenda_items.all()}
        if sorted(codes) != sorted(items):
            raise MentorshipError(
                _("The agenda changed since you opened it. Reload and try again."),
                code="stale",
            )
        for position, code in enumerate(codes):
            items[code].position = position
        AgendaItem.objects.bulk_update(items.values(), ["position"])


def agenda_remove(*, item: AgendaItem, user: "User", request: Any = None) -> None:
    with transaction.atomic():
        meeting = _locked_meeting(item.meeting)
        _require_mentee(meeting, user)
        if not meeting.accepts_agenda():
            raise MentorshipError(_("The meeting is over; the agenda is kept as it was."))
        item.delete()


def agenda_mark_covered(
    *, item: AgendaItem, user: "User", covered: bool, request: Any = None
) -> AgendaItem:
    with transaction.atomic():
        meeting = _locked_meeting(item.meeting)
        _require_party(meeting.mentorship, user)
        item.covered = covered
        item.save(update_fields=["covered"])
    return item


# --- Notes --------------------------------------------------------------------------------


def shared_note_save(
    *,
    meeting: Meeting,
    user: "User",
    body: str,
    base_version: int,
    request: Any = None,
    confirm_no_identifiers: bool = False,
) -> SharedNote:
    """Save the shared notes if nobody saved since ``base_version`` was read; otherwise refuse
    (409) so that two people editing never silently overwrite each other. Notes that look like
    they identify a patient are refused (422 ``patient_identifiers``) until the author edits
    them or confirms they identify nobody."""
    require_no_identifiers(body, confirmed=confirm_no_identifiers)
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _require_party(meeting.mentorship, user)
        note, _created = SharedNote.objects.select_for_update().get_or_create(meeting=meeting)
        if note.version != base_version:
            who = note.updated_by.get_full_name() if note.updated_by else _("someone")
            raise MentorshipError(
                _(
                    "These notes changed since you opened them (%(who)s saved a newer version). "
                    "Copy your text, reload, and merge your changes."
                )
                % {"who": who},
                code="stale",
            )
        note.body = body
        note.version += 1
        note.updated_by = user
        note.updated_at = timezone.now()
        note.save()
    return note


def private_note_save(
    *,
    meeting: Meeting,
    user: "User",
    body: str,
    request: Any = None,
    confirm_no_identifiers: bool = False,
) -> PrivateNote:
    """Private notes are warned about like shared ones: the author edits or confirms."""
    _require_party(meeting.mentorship, user)
    require_no_identifiers(body, confirmed=confirm_no_identifiers)
    note, _created = PrivateNote.objects.update_or_create(
        meeting=meeting, author=user, defaults={"body": body, "updated_at": timezone.now()}
    )
    return note


def private_note_for(meeting: Meeting, user: "User") -> PrivateNote | None:
    """The only way to read a private note: the author's own."""
    return PrivateNote.objects.filter(meeting=meeting, author=user).first()

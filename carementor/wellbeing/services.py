"""Every change to well-being data: taking a check-in, setting support contacts, sharing a
summary with a mentor, the monthly invitation. Audit events never hold scores or notes."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import Avg, Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.lib.errors import DomainError
from carementor.lib.text import has_control
from carementor.mentorships.models import OPEN_PHASES, Mentorship, PartyRole
from carementor.notifications.services import notify, notify_each
from carementor.organizations.models import Organization
from carementor.wellbeing import who5
from carementor.wellbeing.models import (
    NOTE_MAX,
    CheckIn,
    Preference,
    SharedSummary,
    SupportContacts,
)

# Nobody is invited twice within this long, nor when they checked in this recently.
INVITE_GAP = timedelta(days=25)
INVITE_BATCH = 2000
SUPPORT_FIELDS = (
    "eap_name",
    "eap_phone",
    "eap_email",
    "eap_url",
    "eap_hours",
    "oh_name",
    "oh_phone",
    "oh_email",
    "oh_url",
    "oh_hours",
    "note",
)


class WellbeingError(DomainError):
    pass


def _invalid(message: str, field: str) -> WellbeingError:
    return WellbeingError(
        message, status=422, code="invalid", errors=[{"loc": [field], "msg": message}]
    )


@transaction.atomic
def checkin_take(
    *, user: User, answers: Sequence[int], burnout: int, note: str = "", request: Any = None
) -> CheckIn:
    """Record one check-in. Only ``user`` will ever read it."""
    if len(answers) != len(who5.ITEMS) or any(
        not isinstance(a, int) or not 0 <= a <= 5 for a in answers
    ):
        raise _invalid(_("Answer each of the five statements with a value from 0 to 5."), "answers")
    if not isinstance(burnout, int) or not 1 <= burnout <= 5:
        raise _invalid(_("Choose one of the five burnout statements."), "burnout")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise _invalid(_("Keep the note under %(max)d characters.") % {"max": NOTE_MAX}, "note")
    if has_control(note):
        raise _invalid(_("Remove the control characters (such as NUL) from this text."), "note")
    checkin = CheckIn.objects.create(
        user=user,
        item1=answers[0],
        item2=answers[1],
        item3=answers[2],
        item4=answers[3],
        item5=answers[4],
        score=who5.percentage(answers),
        burnout=burnout,
        note=note,
    )
    record(user, "wellbeing.checkin.taken", checkin, request=request)
    return checkin


@transaction.atomic
def support_contacts_set(
    *, organization: Organization, actor: User, values: dict[str, str], request: Any = None
) -> SupportContacts:
    contacts, _created = SupportContacts.objects.select_for_update().get_or_create(
        organization=organization
    )
    for field in SUPPORT_FIELDS:
        value = (values.get(field) or "").strip()
        if has_control(value):
            raise _invalid(_("Remove the control characters (such as NUL) from this text."), field)
        setattr(contacts, field, value)
    contacts.updated_by = actor
    contacts.full_clean(exclude=["organization"])
    contacts.save()
    record(
        actor, "wellbeing.support.updated", organization, organization=organization, request=request
    )
    return contacts


def preference_for(user: User) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def preference_set(*, user: User, monthly_invitation: bool) -> Preference:
    preference, _created = Preference.objects.update_or_create(
        user=user, defaults={"monthly_invitation": monthly_invitation}
    )
    return preference


def mentorships_to_share_with(user: User) -> models.QuerySet[Mentorship]:
    """Open mentorships in which the person is a mentee: their mentors may receive a summary."""
    return (
        Mentorship.objects.filter(
            phase__in=OPEN_PHASES, parties__user=user, parties__role=PartyRole.MENTEE
        )
        .select_related("program")
        .prefetch_related("parties__user")
        .distinct()
    )


@dataclass(frozen=True)
class Summary:
    checkins: int
    first_taken_at: datetime | None
    last_taken_at: datetime | None
    mean_score: int | None
    latest: CheckIn | None


def summary_of(user: User, *, since: datetime | None = None) -> Summary:
    rows = CheckIn.objects.of(user)
    if since is not None:
        rows = rows.filter(taken_at__gte=since)
    totals = rows.aggregate(
        n=Count("id"), first=Min("taken_at"), last=Max("taken_at"), mean=Avg("score")
    )
    return Summary(
        checkins=totals["n"],
        first_taken_at=totals["first"],
        last_taken_at=totals["last"],
        mean_score=round(totals["mean"]) if totals["mean"] is not None else None,
        latest=rows.first(),
    )


SHARE_WINDOW = timedelta(days=90)


@transaction.atomic
def summary_share(
    *, owner: User, mentorship: Mentorship, message: str = "", request: Any = None
) -> SharedSummary:
    """Give the mentors of one of the owner's mentorships a snapshot of the last 90 days:
    how many check-ins, the mean and latest score, the latest burnout level."""
    if not mentorships_to_share_with(owner).filter(pk=mentorship.pk).exists():
        raise WellbeingError(
            _("You can share only with the mentors of your open mentorships."),
            status=404,
            code="not_found",
        )
    message = (message or "").strip()
    if len(message) > 1000 or has_control(message):
        raise _invalid(
            _("Keep the message under 1,000 characters, without control characters."), "message"
        )
    summary = summary_of(owner, since=timezone.now() - SHARE_WINDOW)
    if summary.latest is None or summary.mean_score is None:
        raise WellbeingError(
            _("Take a check-in first: there is nothing to share from the last 90 days."),
            code="nothing_to_share",
        )
    assert summary.first_taken_at is not None and summary.last_taken_at is not None
    share = SharedSummary.objects.create(
        owner=owner,
        mentorship=mentorship,
        first_taken_at=summary.first_taken_at,
        last_taken_at=summary.last_taken_at,
        checkins=summary.checkins,
        latest_score=summary.latest.score,
        mean_score=summary.mean_score,
        latest_burnout=summary.latest.burnout,
        message=message,
    )
    record(
        owner,
        "wellbeing.summary.shared",
        share,
        organization=mentorship.organization,
        request=request,
    )
    notify(
        mentorship.mentors(),
        "wellbeing_summary_shared",
        target=share,
        actor=owner,
        organization=mentorship.organization,
    )
    return share


@transaction.atomic
def summary_withdraw(*, owner: User, share: SharedSummary, request: Any = None) -> None:
    if share.owner_id != owner.pk:
        raise WellbeingError(
            _("Only the person who shared it can withdraw it."), status=404, code="not_found"
        )
    record(owner, "wellbeing.summary.withdrawn", share, request=request)
    share.delete()


def invitations_send(*, now: datetime | None = None) -> int:
    """Invite everyone who wants it and has neither checked in nor been invited in the last
    25 days. Safe to run again: the same people are not invited twice."""
    now = now or timezone.now()
    cutoff = now - INVITE_GAP
    recent_checkin = CheckIn.objects.filter(user=models.OuterRef("pk"), taken_at__gte=cutoff)
    declined_or_recent = Preference.objects.filter(user=models.OuterRef("pk")).filter(
        models.Q(monthly_invitation=False) | models.Q(last_invited_at__gte=cutoff)
    )
    people = (
        User.objects.filter(is_active=True, memberships__isnull=False)
        .exclude(models.Exists(recent_checkin))
        .exclude(models.Exists(declined_or_recent))
        .distinct()
        .order_by("pk")
    )
    sent = 0
    last_pk = 0
    while True:
        batch = list(people.filter(pk__gt=last_pk)[:INVITE_BATCH])
        if not batch:
            return sent
        last_pk = batch[-1].pk
        with transaction.atomic():
            ids = [user.pk for user in batch]
            existing = set(
                Preference.objects.filter(user_id__in=ids).values_list("user_id", flat=True)
            )
            Preference.objects.filter(user_id__in=existing).update(last_invited_at=now)
            Preference.objects.bulk_create(
                [Preference(user_id=pk, last_invited_at=now) for pk in ids if pk not in existing]
            )
            sent += notify_each(
                ((user, {"url": "/wellbeing/check-in/"}) for user in batch),
                "wellbeing_invitation",
            )

"""Logging an activity and signing it off: each a named, audited state change."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.lib.errors import DomainError
from carementor.lib.text import has_control
from carementor.logbooks.models import EntryStatus, LogEntry, Requirement
from carementor.mentorships.models import OPEN_PHASES, MentorshipParty, PartyRole
from carementor.notifications.services import notify
from carementor.profiles.models import Competency
from carementor.programs.models import Enrollment, Program


class LogbookError(DomainError):
    pass


def _invalid(message: str, field: str) -> LogbookError:
    return LogbookError(
        message, status=422, code="invalid", errors=[{"loc": [field], "msg": message}]
    )


def observers_for(user: User) -> models.QuerySet[User]:
    """Who may observe and sign off: the mentors of the person's open mentorships."""
    mentorships = MentorshipParty.objects.filter(
        user=user, role=PartyRole.MENTEE, mentorship__phase__in=OPEN_PHASES
    ).values("mentorship")
    mentor_ids = MentorshipParty.objects.filter(
        mentorship__in=mentorships, role=PartyRole.MENTOR
    ).values("user")
    return (
        User.objects.filter(pk__in=mentor_ids, is_active=True)
        .exclude(pk=user.pk)
        .order_by("full_name")
    )


@transaction.atomic
def entry_log(
    *,
    user: User,
    competency: Competency,
    activity: str,
    performed_on: datetime.date,
    level: int,
    observer: User,
    setting: str = "",
    reflection: str = "",
    request: Any = None,
) -> LogEntry:
    activity, setting, reflection = activity.strip(), setting.strip(), reflection.strip()
    if not activity:
        raise _invalid(_("Describe what you did."), "activity")
    for field, value in (("activity", activity), ("setting", setting), ("reflection", reflection)):
        if has_control(value):
            raise _invalid(_("Remove the control characters (such as NUL) from this text."), field)
    if performed_on > timezone.localdate():
        raise _invalid(_("Log activities that have happened, not future ones."), "performed_on")
    if level not in range(1, 6):
        raise _invalid(_("Choose a level of supervision from 1 to 5."), "level")
    if not observers_for(user).filter(pk=observer.pk).exists():
        raise _invalid(_("Ask one of your mentors to observe and sign off."), "observer")
    entry = LogEntry.objects.create(
        user=user,
        competency=competency,
        activity=activity[:300],
        performed_on=performed_on,
        setting=setting[:200],
        level=level,
        reflection=reflection[:2000],
        observer=observer,
    )
    record(user, "logbook.entry.logged", entry, request=request)
    notify([observer], "logbook_signoff_requested", target=entry, actor=user)
    return entry


@transaction.atomic
def entry_decide(
    *,
    entry: LogEntry,
    observer: User,
    sign: bool,
    observed_level: int | None = None,
    feedback: str = "",
    request: Any = None,
) -> LogEntry:
    """Sign off with the entrustment level observed and feedback, or decline with a reason."""
    entry = LogEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.observer_id != observer.pk:
        raise LogbookError(
            _("Only the observer asked can sign this entry."), status=404, code="not_found"
        )
    if entry.status != EntryStatus.REQUESTED:
        raise LogbookError(_("This entry has already been decided."), code="decided")
    feedback = feedback.strip()
    if has_control(feedback) or len(feedback) > 2000:
        raise _invalid(
            _("Keep the feedback under 2,000 characters, without control characters."), "feedback"
        )
    if sign and observed_level not in range(1, 6):
        raise _invalid(_("Choose the entrustment level you observed."), "observed_level")
    if not sign and not feedback:
        raise _invalid(_("Say why you cannot sign it, so they can learn from it."), "feedback")
    entry.status = EntryStatus.SIGNED if sign else EntryStatus.DECLINED
    entry.observed_level = observed_level if sign else None
    entry.feedback = feedback
    entry.decided_at = timezone.now()
    entry.save(update_fields=["status", "observed_level", "feedback", "decided_at"])
    record(
        observer,
        "logbook.entry.signed" if sign else "logbook.entry.declined",
        entry,
        request=request,
    )
    notify(
        [entry.user],
        "logbook_entry_decided",
        target=entry,
        actor=observer,
        context={"signed": sign},
    )
    return entry


@dataclass(frozen=True)
class Progress:
    competency: str
    name: str
    is_digital: bool
    logged: int
    signed: int
    best_level: int | None
    last_on: datetime.date | None


def progress_of(user: User) -> list[Progress]:
    """Per competency: entries logged, signed off, the highest entrustment level signed."""
    rows = (
        LogEntry.objects.filter(user=user)
        .values("competency__code", "competency__name", "competency__is_digital")
        .annotate(
            logged=Count("id"),
            signed=Count("id", filter=Q(status=EntryStatus.SIGNED)),
            best=Max("observed_level", filter=Q(status=EntryStatus.SIGNED)),
            last=Max("performed_on"),
        )
        .order_by("competency__name")
    )
    return [
        Progress(
            r["competency__code"],
            r["competency__name"],
            r["competency__is_digital"],
            r["logged"],
            r["signed"],
            r["best"],
            r["last"],
        )
        for r in rows
    ]


@transaction.atomic
def requirement_set(
    *,
    program: Program,
    competency: Competency,
    signed_entries: int,
    actor: User,
    request: Any = None,
) -> Requirement:
    """Require N signed-off entries for a competency in a programme (replacing any earlier N)."""
    if not 1 <= signed_entries <= 100:
        raise _invalid(_("Require between 1 and 100 signed-off entries."), "signed_entries")
    requirement, _created = Requirement.objects.update_or_create(
        program=program, competency=competency, defaults={"signed_entries": signed_entries}
    )
    record(
        actor,
        "logbook.requirement.set",
        requirement,
        organization=program.organization,
        request=request,
    )
    return requirement


@transaction.atomic
def requirement_remove(*, requirement: Requirement, actor: User, request: Any = None) -> None:
    record(
        actor,
        "logbook.requirement.removed",
        requirement,
        organization=requirement.program.organization,
        request=request,
    )
    requirement.delete()


@dataclass(frozen=True)
class RequirementProgress:
    program: str
    competency: str
    name: str
    needed: int
    signed: int

    @property
    def met(self) -> bool:
        return self.signed >= self.needed


def requirements_of(user: User) -> list[RequirementProgress]:
    """The logbook rules of the programmes the person takes part in, with their progress."""
    programs = Enrollment.objects.filter(user=user, status=Enrollment.Status.APPROVED).values(
        "program"
    )
    signed = dict(
        LogEntry.objects.filter(user=user, status=EntryStatus.SIGNED)
        .values("competency")
        .annotate(n=Count("id"))
        .values_list("competency", "n")
    )
    return [
        RequirementProgress(
            r.program.name,
            r.competency.code,
            r.competency.name,
            r.signed_entries,
            signed.get(r.competency_id, 0),
        )
        for r in Requirement.objects.filter(program__in=programs).select_related(
            "program", "competency"
        )
    ]


def signed_against_requirements(
    program: Program, user_ids: list[int] | set[int]
) -> dict[int, list[tuple[str, int, int]]]:
    """For completion: per person, each of the programme's logbook rules as (competency name,
    signed-off entries, entries needed). Two queries whatever the number of people."""
    rules = list(
        Requirement.objects.filter(program=program)
        .select_related("competency")
        .order_by("competency__name")
    )
    if not rules:
        return {}
    signed = {
        (row["user"], row["competency"]): row["n"]
        for row in LogEntry.objects.filter(
            user_id__in=user_ids,
            status=EntryStatus.SIGNED,
            competency__in=[r.competency_id for r in rules],
        )
        .values("user", "competency")
        .annotate(n=Count("id"))
        .order_by()
    }
    return {
        user_id: [
            (r.competency.name, signed.get((user_id, r.competency_id), 0), r.signed_entries)
            for r in rules
        ]
        for user_id in user_ids
    }

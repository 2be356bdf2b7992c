"""Every change to a go-live: setting it up (teams, people, checklist, milestones, pairs),
ticking the checklist, passing a milestone, raising and resolving issues, answering the pulse.
Each is atomic and audited; the people it concerns are notified."""

import datetime
import zoneinfo
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.golive.models import (
    MAX_CHECKLIST,
    MAX_MILESTONES,
    MAX_PAIRS,
    MAX_TEAM_PEOPLE,
    MAX_TEAMS,
    PULSE_ITEMS,
    ChecklistItem,
    GoLive,
    Issue,
    IssueStatus,
    Milestone,
    PulseResponse,
    ReversePair,
    Severity,
    Team,
    TeamMember,
    TeamRole,
    Technology,
)
from carementor.lib.errors import DomainError
from carementor.lib.text import has_control
from carementor.notifications.services import notify
from carementor.organizations.models import Membership, Organization
from carementor.programs.models import Program


class GoLiveError(DomainError):
    pass


def _invalid(message: str, field: str) -> GoLiveError:
    return GoLiveError(
        message, status=422, code="invalid", errors=[{"loc": [field], "msg": message}]
    )


def _text(value: str, field: str, *, limit: int, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise _invalid(_("This field is required."), field)
    if has_control(value):
        raise _invalid(_("Remove the control characters (such as NUL) from this text."), field)
    if len(value) > limit:
        raise _invalid(_("Keep this under %(n)d characters.") % {"n": limit}, field)
    return value


def _full(count: int, limit: int, field: str) -> None:
    if count >= limit:
        raise GoLiveError(
            _("A go-live holds at most %(n)d of these.") % {"n": limit}, code="too_many"
        )


def people_of(golive: GoLive) -> list[User]:
    """Everyone in the go-live's teams, once each."""
    return list(
        User.objects.filter(golive_teams__team__golive=golive, is_active=True)
        .distinct()
        .order_by("full_name", "id")
    )


def coaches_of(golive: GoLive) -> list[User]:
    return list(
        User.objects.filter(
            golive_teams__team__golive=golive, golive_teams__role=TeamRole.COACH, is_active=True
        )
        .distinct()
        .order_by("full_name", "id")
    )


def site_today(golive: GoLive) -> datetime.date:
    """Today where the site is: a milestone is passed on the ward's date, not the viewer's."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(golive.organization.timezone))


@transaction.atomic
def golive_create(
    *,
    organization: Organization,
    name: str,
    site: str,
    technology: str,
    go_live_on: datetime.date,
    actor: User,
    program: Program | None = None,
    request: Any = None,
) -> GoLive:
    if technology not in Technology.values:
        raise _invalid(_("Choose the technology the site is adopting."), "technology")
    if program is not None and program.organization_id != organization.pk:
        raise _invalid(_("Choose a programme of the same organization."), "program")
    golive = GoLive.objects.create(
        organization=organization,
        program=program,
        name=_text(name, "name", limit=200),
        site=_text(site, "site", limit=200),
        technology=technology,
        go_live_on=go_live_on,
        created_by=actor,
    )
    record(actor, "golive.created", golive, organization=organization, request=request)
    return golive


@transaction.atomic
def team_add(*, golive: GoLive, name: str, actor: User, request: Any = None) -> Team:
    name = _text(name, "name", limit=120)
    GoLive.objects.select_for_update().get(pk=golive.pk)
    _full(golive.teams.count(), MAX_TEAMS, "name")
    if golive.teams.filter(name__iexact=name).exists():
        raise _invalid(_("This go-live already has a team of that name."), "name")
    team = Team.objects.create(golive=golive, name=name)
    record(actor, "golive.team.added", team, organization=golive.organization, request=request)
    return team


@transaction.atomic
def member_add(
    *, team: Team, user: User, role: str, actor: User, request: Any = None
) -> TeamMember:
    """Add a person of the go-live's organization to a team, as a coach (super-user) or
    member; adding them again changes their role."""
    golive = team.golive
    if role not in TeamRole.values:
        raise _invalid(_("Choose coach or member."), "role")
    if not Membership.objects.filter(user=user, organization=golive.organization).exists():
        raise _invalid(_("Add people of this organization only."), "person")
    Team.objects.select_for_update().get(pk=team.pk)
    existing = TeamMember.objects.filter(team=team, user=user).first()
    if existing is None:
        _full(team.members.count(), MAX_TEAM_PEOPLE, "person")
        member = TeamMember.objects.create(team=team, user=user, role=role)
    else:
        member = existing
        member.role = role
        member.save(update_fields=["role"])
    record(
        actor,
        "golive.member.added",
        golive,
        organization=golive.organization,
        request=request,
        subject=user,
        detail={"team": team.code, "role": role},
    )
    notify(
        [user],
        "golive_team_joined",
        target=golive,
        actor=actor,
        context={"team": team.name, "coach": role == TeamRole.COACH},
    )
    return member


@transaction.atomic
def checklist_add(*, golive: GoLive, title: str, actor: User, request: Any = None) -> ChecklistItem:
    title = _text(title, "title", limit=200)
    GoLive.objects.select_for_update().get(pk=golive.pk)
    _full(golive.checklist.count(), MAX_CHECKLIST, "title")
    item = ChecklistItem.objects.create(golive=golive, title=title)
    record(actor, "golive.checklist.added", item, organization=golive.organization, request=request)
    return item


@transaction.atomic
def checklist_mark(
    *, item: ChecklistItem, done: bool, actor: User, request: Any = None
) -> ChecklistItem:
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    item.done_at = timezone.now() if done else None
    item.done_by = actor if done else None
    item.save(update_fields=["done_at", "done_by"])
    record(
        actor,
        "golive.checklist.done" if done else "golive.checklist.reopened",
        item,
        organization=item.golive.organization,
        request=request,
    )
    return item


@transaction.atomic
def milestone_add(
    *, golive: GoLive, title: str, due_on: datetime.date, actor: User, request: Any = None
) -> Milestone:
    title = _text(title, "title", limit=200)
    GoLive.objects.select_for_update().get(pk=golive.pk)
    _full(golive.milestones.count(), MAX_MILESTONES, "title")
    milestone = Milestone.objects.create(golive=golive, title=title, due_on=due_on)
    record(
        actor,
        "golive.milestone.added",
        milestone,
        organization=golive.organization,
        request=request,
    )
    return milestone


@transaction.atomic
def milestone_pass(
    *,
    milestone: Milestone,
    actor: User,
    passed_on: datetime.date | None = None,
    request: Any = None,
) -> Milestone:
    """A coach or coordinator marks the milestone passed; the team is asked for its pulse."""
    milestone = (
        Milestone.objects.select_for_update()
        .select_related("golive__organization")
        .get(pk=milestone.pk)
    )
    if milestone.passed:
        raise GoLiveError(_("This milestone has already been passed."), code="passed")
    golive = milestone.golive
    today = site_today(golive)
    passed_on = passed_on or today
    if passed_on > today:
        raise _invalid(_("A milestone is passed on a day that has come."), "passed_on")
    milestone.passed_on = passed_on
    milestone.passed_by = actor
    milestone.save(update_fields=["passed_on", "passed_by"])
    record(
        actor,
        "golive.milestone.passed",
        milestone,
        organization=golive.organization,
        request=request,
    )
    notify(
        [u for u in people_of(golive) if u.pk != actor.pk],
        "golive_pulse_open",
        target=golive,
        actor=actor,
        context={
            "milestone": milestone.title,
            "url": f"/golive/{golive.code}/pulse/{milestone.code}/",
        },
    )
    return milestone


@transaction.atomic
def issue_raise(
    *,
    golive: GoLive,
    title: str,
    severity: str,
    actor: User,
    detail: str = "",
    team: Team | None = None,
    request: Any = None,
) -> Issue:
    if severity not in Severity.values:
        raise _invalid(_("Choose how severe the issue is."), "severity")
    if team is not None and team.golive_id != golive.pk:
        raise _invalid(_("Choose a team of this go-live."), "team")
    issue = Issue.objects.create(
        golive=golive,
        team=team,
        title=_text(title, "title", limit=200),
        detail=_text(detail, "detail", limit=2000, required=False),
        severity=severity,
        raised_by=actor,
    )
    record(actor, "golive.issue.raised", issue, organization=golive.organization, request=request)
    notify(
        [u for u in coaches_of(golive) if u.pk != actor.pk],
        "golive_issue_raised",
        target=golive,
        actor=actor,
        context={"title": issue.title, "severity": issue.get_severity_display()},
    )
    return issue


@transaction.atomic
def issue_resolve(*, issue: Issue, resolution: str, actor: User, request: Any = None) -> Issue:
    issue = Issue.objects.select_for_update().select_related("golive").get(pk=issue.pk)
    if issue.status == IssueStatus.RESOLVED:
        raise GoLiveError(_("This issue has already been resolved."), code="resolved")
    issue.resolution = _text(resolution, "resolution", limit=2000)
    issue.status = IssueStatus.RESOLVED
    issue.resolved_at = timezone.now()
    issue.resolved_by = actor
    issue.save(update_fields=["resolution", "status", "resolved_at", "resolved_by"])
    record(
        actor,
        "golive.issue.resolved",
        issue,
        organization=issue.golive.organization,
        request=request,
    )
    if issue.raised_by_id and issue.raised_by_id != actor.pk:
        notify(
            [issue.raised_by],
            "golive_issue_resolved",
            target=issue.golive,
            actor=actor,
            context={"title": issue.title},
        )
    return issue


def pulse_team_of(golive: GoLive, user: User) -> Team | None:
    """The team a person answers the pulse for: their first team in the go-live."""
    member = (
        TeamMember.objects.filter(team__golive=golive, user=user)
        .select_related("team")
        .order_by("team__name", "team__id")
        .first()
    )
    return member.team if member else None


def has_answered(milestone: Milestone, user: User) -> bool:
    return PulseResponse.objects.filter(milestone=milestone, user=user).exists()


@transaction.atomic
def pulse_answer(
    *,
    milestone: Milestone,
    user: User,
    answers: dict[str, int],
    comment: str = "",
    request: Any = None,
) -> PulseResponse:
    """A team member's pulse after a passed milestone: once per person and milestone."""
    golive = milestone.golive
    if not milestone.passed:
        raise GoLiveError(
            _("The pulse opens when the milestone has been passed."), code="not_passed"
        )
    team = pulse_team_of(golive, user)
    if team is None:
        raise GoLiveError(
            _("Only the go-live's teams answer its pulse."), status=403, code="forbidden"
        )
    for key, _label in PULSE_ITEMS:
        if answers.get(key) not in range(1, 6):
            raise _invalid(_("Answer each statement from 1 to 5."), key)
    comment = _text(comment, "comment", limit=1000, required=False)
    try:
        with transaction.atomic():
            response = PulseResponse.objects.create(
                milestone=milestone,
                team=team,
                user=user,
                comment=comment,
                **{key: answers[key] for key, _label in PULSE_ITEMS},
            )
    except IntegrityError:
        raise GoLiveError(
            _("You have already answered the pulse for this milestone."), code="answered"
        ) from None
    # The audit names the milestone, not the answer: the pulse is anonymous in aggregates.
    record(
        user, "golive.pulse.answered", milestone, organization=golive.organization, request=request
    )
    return response


@transaction.atomic
def pair_add(
    *,
    golive: GoLive,
    junior: User,
    senior: User,
    actor: User,
    focus: str = "",
    request: Any = None,
) -> ReversePair:
    """Reverse mentoring: a junior colleague with digital skills coaches a senior one."""
    if junior.pk == senior.pk:
        raise _invalid(_("A pair is two different people."), "senior")
    members = set(
        Membership.objects.filter(
            organization=golive.organization, user__in=[junior, senior]
        ).values_list("user_id", flat=True)
    )
    if members != {junior.pk, senior.pk}:
        raise _invalid(_("Pair people of this organization only."), "junior")
    GoLive.objects.select_for_update().get(pk=golive.pk)
    _full(golive.pairs.count(), MAX_PAIRS, "junior")
    if golive.pairs.filter(junior=junior, senior=senior).exists():
        raise GoLiveError(_("These two are already paired."), code="paired")
    pair = ReversePair.objects.create(
        golive=golive,
        junior=junior,
        senior=senior,
        focus=_text(focus, "focus", limit=200, required=False),
    )
    record(actor, "golive.pair.added", pair, organization=golive.organization, request=request)
    notify(
        [junior, senior],
        "golive_pair_added",
        target=golive,
        actor=actor,
        context={"junior": junior.get_full_name(), "senior": senior.get_full_name()},
    )
    return pair


def organization_person(golive: GoLive, *, email: str = "", code: str = "") -> User:
    """A person of the go-live's organization, by e-mail address or person code."""
    people = User.objects.filter(
        is_active=True, memberships__organization=golive.organization
    ).distinct()
    person = (
        people.filter(email__iexact=email.strip()).first()
        if email
        else people.filter(code=code).first()
        if code
        else None
    )
    if person is None:
        raise _invalid(_("Add people of this organization only."), "person")
    return person

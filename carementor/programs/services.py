"""Every change to programmes and enrolments: atomic, audited, people told after commit."""

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.lib.errors import DomainError
from carementor.organizations import roles
from carementor.organizations.models import Organization
from carementor.profiles.models import Competency
from carementor.programs.catalog import get_template
from carementor.programs.models import Enrollment, EnrollmentQuestion, Program
from carementor.programs.notify import tell

if TYPE_CHECKING:
    from carementor.accounts.models import User


class ProgramError(DomainError):
    """A rule about programmes or enrolments was broken; the message is for people. A clash
    with the current state answers 409, any other broken rule 422."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        status = 409 if code in ("duplicate", "status", "closed") else 422
        super().__init__(message, status=status, code=code)


SCALAR_FIELDS = [
    "name",
    "summary",
    "format",
    "focus",
    "starts_on",
    "ends_on",
    "enrollment_opens_on",
    "enrollment_closes_on",
    "roles",
    "role_limits",
    "matching_mode",
    "weights",
    "verification_kind",
    "default_mentor_capacity",
    "circle_size",
    "max_open_requests",
    "request_expiry_days",
    "request_reminder_days",
    "pause_after_ignored",
    "meeting_cadence_days",
    "agreement_template",
    "cpd_hours_mentee",
    "cpd_hours_mentor",
]
M2M_FIELDS = [
    "eligible_professions",
    "eligible_career_stages",
    "partner_organizations",
    "focus_competencies",
]

# status → the statuses it may move to
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Program.Status.DRAFT: (Program.Status.PUBLISHED, Program.Status.ARCHIVED),
    Program.Status.PUBLISHED: (Program.Status.CLOSED,),
    Program.Status.CLOSED: (Program.Status.PUBLISHED, Program.Status.ARCHIVED),
    Program.Status.ARCHIVED: (),
}


def _apply(program: Program, data: dict[str, Any]) -> list[str]:
    changed = []
    for name in SCALAR_FIELDS:
        if name in data and data[name] is not None:
            setattr(program, name, data[name])
            changed.append(name)
    return changed


def _apply_m2m(program: Program, data: dict[str, Any]) -> None:
    for name in M2M_FIELDS:
        if name in data and data[name] is not None:
            getattr(program, name).set(data[name])


@transaction.atomic
def program_create(
    *,
    organization: Organization,
    actor: "User",
    data: dict[str, Any],
    template: str = "",
) -> Program:
    """Create a draft programme, starting from a catalogue template when one is named."""
    values: dict[str, Any] = {}
    chosen = get_template(template) if template else None
    if template and chosen is None:
        raise ProgramError(_("There is no programme template called %s.") % template, "template")
    if chosen is not None:
        values.update(chosen.initial())
    values.update({k: v for k, v in data.items() if v not in (None, "")})
    program = Program(organization=organization, created_by=actor, template=template)
    _apply(program, values)
    program.full_clean(exclude=["created_by"])
    program.save()
    _apply_m2m(program, values)
    if chosen is not None:
        if "focus_competencies" not in data or not data["focus_competencies"]:
            program.focus_competencies.set(Competency.objects.filter(code__in=chosen.competencies))
        for position, question in enumerate(chosen.questions):
            # Prompts are lazy: written in the language of the coordinator who creates it.
            values = {**question, "prompt": str(question["prompt"])}
            EnrollmentQuestion.objects.create(program=program, position=position, **values)
    record(actor, "program.created", program, organization=organization)
    return program


@transaction.atomic
def program_update(*, program: Program, actor: "User", data: dict[str, Any]) -> Program:
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status == Program.Status.ARCHIVED:
        raise ProgramError(_("An archived programme cannot be changed."), "archived")
    changed = _apply(program, data)
    program.full_clean(exclude=["created_by"])
    program.save(update_fields=[*changed, "updated_at"])
    _apply_m2m(program, data)
    record(
        actor,
        "program.updated",
        program,
        organization=program.organization,
        detail={"fields": changed},
    )
    return program


@transaction.atomic
def program_set_status(*, program: Program, actor: "User", status: str) -> Program:
    program = Program.objects.select_for_update().select_related("organization").get(pk=program.pk)
    if status not in TRANSITIONS.get(program.status, ()):
        raise ProgramError(
            _("A %(from)s programme cannot become %(to)s.")
            % {"from": program.get_status_display(), "to": Program.Status(status).label},
            "status",
        )
    program.status = status
    fields = ["status", "updated_at"]
    if status == Program.Status.PUBLISHED and program.published_at is None:
        program.published_at = timezone.now()
        fields.append("published_at")
    program.save(update_fields=fields)
    record(actor, f"program.{status}", program, organization=program.organization)
    return program


@transaction.atomic
def question_add(
    *,
    program: Program,
    actor: "User",
    prompt: str,
    kind: str,
    choices: list[str],
    required: bool,
    for_role: str = "",
) -> EnrollmentQuestion:
    if kind == EnrollmentQuestion.Kind.CHOICE and len(choices) < 2:
        raise ProgramError(_("A choice question needs at least two choices."), "choices")
    position = program.questions.count()
    question = EnrollmentQuestion.objects.create(
        program=program,
        prompt=prompt,
        kind=kind,
        choices=choices if kind == EnrollmentQuestion.Kind.CHOICE else [],
        required=required,
        for_role=for_role,
        position=position,
    )
    record(actor, "program.question_added", program, organization=program.organization)
    return question


@transaction.atomic
def question_delete(*, question: EnrollmentQuestion, actor: "User") -> None:
    program = question.program
    question.delete()
    record(actor, "program.question_deleted", program, organization=program.organization)


# -- eligibility and enrolment ------------------------------------------------------------


def eligibility_problems(program: Program, user: "User") -> list[str]:
    """Why ``user`` may not enrol in ``program`` (empty when they may)."""
    problems = []
    organizations = {program.organization_id} | set(
        program.partner_organizations.values_list("pk", flat=True)
    )
    if not roles.member_organization_ids(user) & organizations:
        problems.append(_("You are not a member of an organization taking part."))
    profile = getattr(user, "profile", None)
    professions = set(program.eligible_professions.values_list("pk", flat=True))
    if professions and (profile is None or profile.profession_id not in professions):
        problems.append(_("This programme is for other professions."))
    stages = set(program.eligible_career_stages.values_list("pk", flat=True))
    if stages and (profile is None or profile.career_stage_id not in stages):
        problems.append(_("This programme is for people at other career stages."))
    return problems


def _clean_answers(program: Program, role: str, answers: dict[str, Any]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    errors = []
    for question in program.questions.all():
        if question.for_role and role not in (question.for_role, Enrollment.Role.BOTH):
            continue
        value = str(answers.get(question.code, "") or "").strip()[:2000]
        if question.required and not value:
            errors.append(_("Please answer: %s") % question.prompt)
            continue
        if (
            value
            and question.kind == EnrollmentQuestion.Kind.CHOICE
            and value not in question.choices
        ):
            errors.append(_("Choose one of the offered answers for: %s") % question.prompt)
            continue
        if value and question.kind == EnrollmentQuestion.Kind.YES_NO and value not in ("yes", "no"):
            errors.append(_("Answer yes or no to: %s") % question.prompt)
            continue
        if value:
            cleaned[question.code] = value
    if errors:
        raise ProgramError(" ".join(errors), "answers")
    return cleaned


def default_capacity(program: Program, user: "User") -> int:
    profile = getattr(user, "profile", None)
    if profile is not None and profile.mentoring_capacity:
        return int(profile.mentoring_capacity)
    return int(program.default_mentor_capacity)


@transaction.atomic
def enrollment_apply(
    *, program: Program, user: "User", role: str, answers: dict[str, Any]
) -> Enrollment:
    program = Program.objects.select_for_update().get(pk=program.pk)
    if not program.is_open_for_enrollment:
        raise ProgramError(_("This programme is not taking applications now."), "closed")
    problems = eligibility_problems(program, user)
    if problems:
        raise ProgramError(" ".join(problems), "ineligible")
    if role not in Enrollment.Role.values:
        raise ProgramError(_("Choose how you want to take part."), "role")
    cleaned = _clean_answers(program, role, answers)
    existing = Enrollment.objects.select_for_update().filter(program=program, user=user).first()
    if existing is not None and existing.status not in (
        Enrollment.Status.WITHDRAWN,
        Enrollment.Status.DECLINED,
    ):
        raise ProgramError(_("You have already applied to this programme."), "duplicate")
    capacity = default_capacity(program, user) if role != Enrollment.Role.MENTEE else 0
    if existing is None:
        enrollment = Enrollment.objects.create(
            program=program, user=user, role=role, answers=cleaned, capacity=capacity
        )
    else:
        enrollment = existing
        enrollment.role, enrollment.answers, enrollment.capacity = (
            role,
            cleaned,
            max(capacity, enrollment.seats_taken),
        )
        enrollment.status = Enrollment.Status.APPLIED
        enrollment.decided_by, enrollment.decided_at, enrollment.decision_note = None, None, ""
        enrollment.save()
    record(user, "enrollment.applied", enrollment, organization=program.organization)
    return enrollment


DECISIONS = (
    Enrollment.Status.APPROVED,
    Enrollment.Status.WAITLISTED,
    Enrollment.Status.DECLINED,
)


@transaction.atomic
def enrollment_decide(
    *, enrollment: Enrollment, actor: "User", status: str, note: str = ""
) -> Enrollment:
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("program__organization", "user")
        .get(pk=enrollment.pk)
    )
    if status not in DECISIONS:
        raise ProgramError(_("Choose approve, waitlist or decline."), "status")
    if enrollment.status == Enrollment.Status.WITHDRAWN:
        raise ProgramError(_("This person has withdrawn."), "withdrawn")
    if enrollment.status == status:
        return enrollment
    enrollment.status = status
    enrollment.decision_note = note[:500]
    enrollment.decided_by = actor
    enrollment.decided_at = timezone.now()
    enrollment.save(
        update_fields=["status", "decision_note", "decided_by", "decided_at", "updated_at"]
    )
    program = enrollment.program
    record(actor, f"enrollment.{status}", enrollment, organization=program.organization)
    label = Enrollment.Status(status).label
    tell(
        [enrollment.user],
        "enrollment_decided",
        lambda: (
            _("Your application to %(program)s: %(status)s")
            % {"program": program.name, "status": str(label).lower()}
        ),
        target=enrollment,
        url=reverse("programs:detail", args=[program.code]),
        actor=actor,
        organization=program.organization,
    )
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment, actor: "User") -> Enrollment:
    enrollment = (
        Enrollment.objects.select_for_update().select_related("program").get(pk=enrollment.pk)
    )
    if enrollment.status == Enrollment.Status.WITHDRAWN:
        return enrollment
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.save(update_fields=["status", "updated_at"])
    record(actor, "enrollment.withdrawn", enrollment, organization=enrollment.program.organization)
    return enrollment


@transaction.atomic
def enrollment_set_capacity(*, enrollment: Enrollment, actor: "User", capacity: int) -> Enrollment:
    enrollment = (
        Enrollment.objects.select_for_update().select_related("program").get(pk=enrollment.pk)
    )
    if capacity < enrollment.seats_taken:
        raise ProgramError(
            _("This mentor already has %(n)s mentees; capacity cannot be lower.")
            % {"n": enrollment.seats_taken},
            "capacity",
        )
    enrollment.capacity = capacity
    enrollment.save(update_fields=["capacity", "updated_at"])
    record(
        actor,
        "enrollment.capacity_set",
        enrollment,
        organization=enrollment.program.organization,
        detail={"capacity": capacity},
    )
    return enrollment


@transaction.atomic
def enrollment_add(
    *, program: Program, actor: "User | None", user: "User", role: str, capacity: int | None = None
) -> tuple[Enrollment, bool]:
    """A coordinator (or an import) enrols someone directly, approved. Returns (row, created)."""
    existing = Enrollment.objects.select_for_update().filter(program=program, user=user).first()
    cap = (
        capacity
        if capacity is not None
        else (default_capacity(program, user) if role != Enrollment.Role.MENTEE else 0)
    )
    now = timezone.now()
    if existing is None:
        enrollment = Enrollment.objects.create(
            program=program,
            user=user,
            role=role,
            capacity=cap,
            status=Enrollment.Status.APPROVED,
            source=Enrollment.Source.IMPORT,
            decided_by=actor,
            decided_at=now,
        )
        created = True
    else:
        enrollment = existing
        enrollment.role = role
        enrollment.capacity = max(cap, enrollment.seats_taken)
        enrollment.status = Enrollment.Status.APPROVED
        enrollment.decided_by, enrollment.decided_at = actor, now
        enrollment.save()
        created = False
    record(actor, "enrollment.added", enrollment, organization=program.organization)
    return enrollment, created

"""A mentoring relationship and the agreement its parties sign."""

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code
from carementor.profiles.models import MentoringRole


class Phase(models.TextChoices):
    # After the AMEE guide 167 and Kram: initiation, cultivation, separation, redefinition.
    PROPOSED = "proposed", _("Proposed")
    AGREEING = "agreeing", _("Agreeing")
    ACTIVE = "active", _("Active")
    CLOSING = "closing", _("Closing")
    CLOSED = "closed", _("Closed")
    REDEFINED = "redefined", _("Redefined")


OPEN_PHASES = (Phase.PROPOSED, Phase.AGREEING, Phase.ACTIVE, Phase.CLOSING)
ENDED_PHASES = (Phase.CLOSED, Phase.REDEFINED)


class Source(models.TextChoices):
    REQUEST = "request", _("Mentee's request")
    MATCH_RUN = "match_run", _("Coordinator's match run")
    COORDINATOR = "coordinator", _("Created by a coordinator")
    SPEED_EVENT = "speed_event", _("Speed-mentoring event")


class Outcome(models.TextChoices):
    ACHIEVED = "achieved", _("Goals achieved")
    PARTLY = "partly", _("Goals partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Goals not achieved")
    ENDED_EARLY = "ended_early", _("Ended early")


class PartyRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class MentorshipQuerySet(models.QuerySet["Mentorship"]):
    def open(self) -> "MentorshipQuerySet":
        return self.filter(phase__in=OPEN_PHASES)

    def active(self) -> "MentorshipQuerySet":
        return self.filter(phase=Phase.ACTIVE)

    def with_party(self, user: Any) -> "MentorshipQuerySet":
        return self.filter(parties__user=user).distinct()

    def overseen_by(self, user: Any) -> "MentorshipQuerySet":
        """Mentorships in organizations where the person coordinates or administers."""
        from carementor.organizations.models import Membership

        orgs = Membership.objects.filter(user=user).filter(
            models.Q(is_coordinator=True) | models.Q(is_admin=True)
        )
        return self.filter(organization__in=orgs.values("organization"))

    def visible_to(self, user: Any) -> "MentorshipQuerySet":
        party = MentorshipParty.objects.filter(mentorship=models.OuterRef("pk"), user=user)
        overseen = self.overseen_by(user).values("pk")
        return self.filter(models.Q(models.Exists(party)) | models.Q(pk__in=overseen))

    def counting_against_capacity(self, program: Any, mentor: Any) -> "MentorshipQuerySet":
        """Open relationships in which ``mentor`` mentors, in ``program``."""
        return self.filter(
            program=program,
            phase__in=OPEN_PHASES,
            parties__user=mentor,
            parties__role=PartyRole.MENTOR,
        ).distinct()


class Mentorship(models.Model):
    """One relationship of a given role type between mentor(s) and mentee(s) in a program."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="mentorships"
    )
    # The program's organization, copied so every tenancy filter is one join shorter.
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="mentorships"
    )
    role = models.CharField(_("relationship"), max_length=20, choices=MentoringRole.choices)
    source = models.CharField(max_length=20, choices=Source.choices)
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.PROPOSED
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="MentorshipParty", related_name="mentorships"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    ends_on = models.DateField(_("planned end"), null=True, blank=True)
    closing_started_at = models.DateTimeField(null=True, blank=True)
    closing_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    # What was achieved against the goals, written together at closure. Shared by the
    # parties; coordinators see the outcome, not the reflection.
    reflection = models.TextField(_("reflection"), blank=True, max_length=10000)
    redefined_as = models.CharField(
        _("continues as"), max_length=20, choices=MentoringRole.choices, blank=True
    )
    last_meeting_at = models.DateTimeField(null=True, blank=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "phase"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(phase__in=ENDED_PHASES) | models.Q(closed_at__isnull=False),
                name="mentorship_ended_has_closed_at",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.program}"

    def get_absolute_url(self) -> str:
        return reverse("mentorships:detail", args=[self.code])

    @property
    def is_open(self) -> bool:
        return self.phase in OPEN_PHASES

    def party_for(self, user: Any) -> "MentorshipParty | None":
        for party in self.parties.all():
            if party.user_id == user.pk:
                return party
        return None

    def has_party(self, user: Any) -> bool:
        return self.party_for(user) is not None

    def mentors(self) -> list[Any]:
        return [p.user for p in self.parties.all() if p.role == PartyRole.MENTOR]

    def mentees(self) -> list[Any]:
        return [p.user for p in self.parties.all() if p.role == PartyRole.MENTEE]

    def party_users(self) -> list[Any]:
        return [p.user for p in self.parties.all()]

    def parties_except(self, user: Any) -> list[Any]:
        return [p.user for p in self.parties.all() if p.user_id != getattr(user, "pk", None)]

    def title(self) -> str:
        names = ", ".join(u.get_full_name() for u in self.mentors())
        mentees = ", ".join(u.get_full_name() for u in self.mentees())
        return f"{names} ↔ {mentees}"

    def phase_steps(self) -> list[tuple[str, str]]:
        last = Phase.REDEFINED if self.phase == Phase.REDEFINED else Phase.CLOSED
        steps = [Phase.PROPOSED, Phase.AGREEING, Phase.ACTIVE, Phase.CLOSING, last]
        return [(step.value, str(step.label)) for step in steps]

    def next_step(self) -> str:
        return str(NEXT_STEPS[Phase(self.phase)])


NEXT_STEPS = {
    Phase.PROPOSED: _("Read the draft agreement, adjust it together, then everyone signs."),
    Phase.AGREEING: _("Everyone signs the agreement; the mentorship starts when all have."),
    Phase.ACTIVE: _("Meet regularly, led by the mentee's agenda; work on goals and actions."),
    Phase.CLOSING: _("Hold a closure meeting, reflect on the goals, record the outcome."),
    Phase.CLOSED: _("This mentorship has ended. Thank you."),
    Phase.REDEFINED: _("This mentorship continues as a different, collegial relationship."),
}


class MentorshipParty(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="parties")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorship_parties"
    )
    role = models.CharField(max_length=10, choices=PartyRole.choices)
    joined_at = models.DateTimeField(default=timezone.now)
    # Messages after this moment count as unread for this party.
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["role", "id"]
        constraints = [models.UniqueConstraint(fields=["mentorship", "user"], name="party_unique")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


DEFAULT_CONFIDENTIALITY = _(
    "What we discuss stays between us. The limits: if either of us learns of a risk to patient "
    "safety, a legal duty to report (for example safeguarding), or a serious risk of harm to "
    "you or someone else, we will say so and involve the right people. Programme coordinators "
    "see that meetings happen, never what we discuss."
)


class Agreement(models.Model):
    """One version of a mentorship's agreement. An amendment is a new version, re-signed."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveSmallIntegerField(default=1)
    goals = models.TextField(_("goals"), blank=True, max_length=5000)
    expectations = models.TextField(_("expectations"), blank=True, max_length=5000)
    meeting_frequency = models.CharField(_("meeting frequency"), max_length=200, blank=True)
    meeting_mode = models.CharField(_("meeting mode"), max_length=200, blank=True)
    duration = models.CharField(_("duration"), max_length=200, blank=True)
    confidentiality = models.TextField(
        _("confidentiality and its limits"), blank=True, max_length=5000
    )
    body = models.TextField(_("programme terms"), blank=True, max_length=20000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the last party signs; from then on this version is the one in force.
    effective_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["mentorship", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "version"], name="agreement_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Agreement v{self.version} · {self.mentorship_id}"

    def signer_ids(self) -> set[int]:
        return {s.signer_id for s in self.signatures.all()}

    def is_fully_signed(self) -> bool:
        needed = {p.user_id for p in self.mentorship.parties.all()}
        return bool(needed) and needed <= self.signer_ids()

    def pending_signers(self) -> list[Any]:
        signed = self.signer_ids()
        return [p.user for p in self.mentorship.parties.all() if p.user_id not in signed]


class Signature(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "signer"], name="signature_unique")
        ]

    def __str__(self) -> str:
        return f"{self.signer_id} signed {self.agreement_id}"


class HelpRequest(models.Model):
    """A party's "needs help" call to the coordinator. The reason is for the coordinator."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="help_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("what would help"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Help for {self.mentorship_id}"


class ExtensionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="extension_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    new_ends_on = models.DateField(_("extend to"))
    reason = models.TextField(_("why"), max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship"],
                condition=models.Q(status="pending"),
                name="extension_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"Extend {self.mentorship_id} to {self.new_ends_on}"

"""A digital go-live: a site or ward adopting an EHR, telehealth or AI tool, coached as a team
by its super-users through a readiness checklist, adoption milestones, a shared issues log, a
pulse survey after each milestone and reverse-mentoring pairs."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code
from carementor.lib.text import clean_text
from carementor.organizations import roles

if TYPE_CHECKING:
    from carementor.accounts.models import User

# Limits that keep every list inside one go-live short enough to show without paging.
MAX_TEAMS = 30
MAX_TEAM_PEOPLE = 200
MAX_CHECKLIST = 100
MAX_MILESTONES = 30
MAX_PAIRS = 200

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Technology(models.TextChoices):
    EHR = "ehr", _("Electronic health record (EHR)")
    TELEHEALTH = "telehealth", _("Telehealth service")
    AI = "ai", _("AI tool")
    OTHER = "other", _("Other digital tool")


class GoLiveQuerySet(models.QuerySet["GoLive"]):
    def visible_to(self, user: "User") -> "GoLiveQuerySet":
        """Go-lives of the organizations one manages, and those one is in a team of."""

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_staff:
            return self
        return self.filter(
            models.Q(organization_id__in=roles.managed_organization_ids(user))
            | models.Q(pk__in=TeamMember.objects.filter(user=user).values("team__golive"))
        )


class GoLive(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="golives"
    )
    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="golives",
        verbose_name=_("programme"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[clean_text])
    site = models.CharField(_("site or ward"), max_length=200, validators=[clean_text])
    technology = models.CharField(_("technology"), max_length=12, choices=Technology.choices)
    go_live_on = models.DateField(_("go-live date"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = GoLiveQuerySet.as_manager()

    class Meta:
        ordering = ["-go_live_on", "-id"]
        verbose_name = _("go-live")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("golive:detail", args=[self.code])


class Team(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    golive = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("team name"), max_length=120, validators=[clean_text])

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["golive", "name"], name="golive_team_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TeamRole(models.TextChoices):
    COACH = "coach", _("Super-user (coach)")
    MEMBER = "member", _("Team member")


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="golive_teams"
    )
    role = models.CharField(_("role"), max_length=8, choices=TeamRole.choices)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "user__full_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="golive_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.team}"


class ChecklistItem(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    golive = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="checklist")
    title = models.CharField(_("readiness item"), max_length=200, validators=[clean_text])
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    golive = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200, validators=[clean_text])
    due_on = models.DateField(_("due on"))
    passed_on = models.DateField(_("passed on"), null=True, blank=True)
    passed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def passed(self) -> bool:
        return self.passed_on is not None


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical: patient safety")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Issue(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    golive = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="issues")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="issues"
    )
    title = models.CharField(_("issue"), max_length=200, validators=[clean_text])
    detail = models.TextField(_("detail"), blank=True, max_length=2000, validators=[clean_text])
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    status = models.CharField(max_length=8, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    resolution = models.TextField(
        _("resolution"), blank=True, max_length=2000, validators=[clean_text]
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["golive", "status"])]

    def __str__(self) -> str:
        return self.title


# The team pulse after a milestone: a few 1-5 items (1 strongly disagree … 5 strongly agree).
PULSE_ITEMS = (
    ("confidence", _("I feel confident using the new system in my daily work.")),
    ("support", _("I get the help I need from our super-users.")),
    ("care", _("The new system helps me care for patients safely.")),
    ("workload", _("My workload is manageable during the change.")),
)
PULSE_SHORT = {
    "confidence": _("Confidence"),
    "support": _("Support from super-users"),
    "care": _("Safe care"),
    "workload": _("Manageable workload"),
}


class PulseResponse(models.Model):
    """One person's pulse after one milestone. Stored with the person so that they answer only
    once; read by others only as aggregates of groups of at least MIN_GROUP."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="pulses")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="pulses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="golive_pulses"
    )
    confidence = models.PositiveSmallIntegerField(validators=SCORE)
    support = models.PositiveSmallIntegerField(validators=SCORE)
    care = models.PositiveSmallIntegerField(validators=SCORE)
    workload = models.PositiveSmallIntegerField(validators=SCORE)
    comment = models.TextField(blank=True, max_length=1000, validators=[clean_text])
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "user"], name="golive_pulse_once"),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{key}__gte": 1, f"{key}__lte": 5}),
                    name=f"golive_pulse_{key}_range",
                )
                for key, _label in PULSE_ITEMS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} · {self.answered_at:%Y-%m-%d}"


class ReversePair(models.Model):
    """Reverse mentoring: a junior with digital skills coaches a senior colleague."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    golive = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="pairs")
    junior = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    senior = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    focus = models.CharField(_("focus"), max_length=200, blank=True, validators=[clean_text])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["golive", "junior", "senior"], name="golive_pair_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(junior=models.F("senior")), name="golive_pair_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.junior} → {self.senior}"

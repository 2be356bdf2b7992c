"""SMART goals and the action items that move them forward."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code
from carementor.mentorships.models.relationship import Mentorship


class GoalStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class Goal(models.Model):
    """A SMART goal: specific (title), measurable (measure), achievable and relevant (why),
    time-bound (target date), optionally linked to competencies."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=300)
    measure = models.CharField(_("how we will know"), max_length=500, blank=True)
    why = models.TextField(_("why it matters"), max_length=2000, blank=True)
    target_date = models.DateField(_("by when"), null=True, blank=True)
    competencies = models.ManyToManyField(
        "profiles.Competency", blank=True, related_name="+", verbose_name=_("competencies")
    )
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "target_date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="goal_progress_max")
        ]

    def __str__(self) -> str:
        return self.title


class GoalProgress(models.Model):
    """A point on a goal's progress line, so progress can be seen over time."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="history")
    progress = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.progress}%"


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def open(self) -> "ActionItemQuerySet":
        return self.filter(done_at__isnull=True)

    def overdue(self) -> "ActionItemQuerySet":
        return self.open().filter(due_on__lt=timezone.localdate())


class ActionItem(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="action_items"
    )
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    meeting = models.ForeignKey(
        "mentorships.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_items"
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        indexes = [models.Index(fields=["owner", "done_at", "due_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.done_at is None and self.due_on is not None and self.due_on < timezone.localdate()
        )

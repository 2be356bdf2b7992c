"""A skills logbook: activities a person logs against a competency, each observed and signed
off (or declined) by one of their mentors on an entrustment scale."""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code
from carementor.lib.text import clean_text


class Entrustment(models.IntegerChoices):
    # After ten Cate's entrustment-supervision scale for EPAs.
    OBSERVED = 1, _("1 · Observed only, did not perform")
    DIRECT = 2, _("2 · Performed with direct supervision (supervisor in the room)")
    INDIRECT = 3, _("3 · Performed with indirect supervision (supervisor quickly available)")
    DISTANT = 4, _("4 · Performed unsupervised (supervision at a distance, after the fact)")
    SUPERVISING = 5, _("5 · Supervised or taught others")


LEVEL = [MinValueValidator(1), MaxValueValidator(5)]


class EntryStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for sign-off")
    SIGNED = "signed", _("Signed off")
    DECLINED = "declined", _("Not signed")


class EntryQuerySet(models.QuerySet["LogEntry"]):
    def signed(self) -> "EntryQuerySet":
        return self.filter(status=EntryStatus.SIGNED)

    def to_sign_by(self, user: Any) -> "EntryQuerySet":
        return self.filter(observer=user, status=EntryStatus.REQUESTED)


class LogEntry(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="logbook_entries"
    )
    competency = models.ForeignKey(
        "profiles.Competency", on_delete=models.PROTECT, verbose_name=_("competency")
    )
    activity = models.CharField(_("what you did"), max_length=300, validators=[clean_text])
    performed_on = models.DateField(_("when"))
    setting = models.CharField(_("where"), max_length=200, blank=True, validators=[clean_text])
    level = models.PositiveSmallIntegerField(
        _("level of supervision"), choices=Entrustment.choices, validators=LEVEL
    )
    reflection = models.TextField(
        _("reflection"), blank=True, max_length=2000, validators=[clean_text]
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="logbook_observations",
        verbose_name=_("observer"),
    )
    status = models.CharField(
        max_length=12, choices=EntryStatus.choices, default=EntryStatus.REQUESTED
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    observed_level = models.PositiveSmallIntegerField(
        _("entrustment level you observed"),
        choices=Entrustment.choices,
        null=True,
        blank=True,
        validators=LEVEL,
    )
    feedback = models.TextField(_("feedback"), blank=True, max_length=2000, validators=[clean_text])

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-performed_on", "-id"]
        indexes = [
            models.Index(fields=["user", "competency"]),
            models.Index(fields=["observer", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="logentry_level_range"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="signed")
                | (models.Q(observed_level__isnull=False) & models.Q(decided_at__isnull=False)),
                name="logentry_signed_has_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency} · {self.performed_on}"

    def get_absolute_url(self) -> str:
        return reverse("logbooks:entry", args=[self.code])


class Requirement(models.Model):
    """A programme's completion rule: this many signed-off entries for one competency."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="logbook_requirements"
    )
    competency = models.ForeignKey(
        "profiles.Competency", on_delete=models.PROTECT, verbose_name=_("competency")
    )
    signed_entries = models.PositiveSmallIntegerField(
        _("signed-off entries needed"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["competency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "competency"], name="logbook_requirement_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(signed_entries__gte=1, signed_entries__lte=100),
                name="logbook_requirement_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signed_entries} of {self.competency}"

"""Private well-being check-ins, the organization's support contacts, and summaries a person
chose to share with a mentor. Nobody but the person reads a check-in: there is no admin page
for them and no gate that lets anyone else in."""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code
from carementor.lib.text import clean_text
from carementor.wellbeing import who5

ANSWER = [MinValueValidator(0), MaxValueValidator(5)]
NOTE_MAX = 2000


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def of(self, user: Any) -> "CheckInQuerySet":
        return self.filter(user=user)


class CheckIn(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_checkins"
    )
    taken_at = models.DateTimeField(default=timezone.now)
    item1 = models.PositiveSmallIntegerField(validators=ANSWER)
    item2 = models.PositiveSmallIntegerField(validators=ANSWER)
    item3 = models.PositiveSmallIntegerField(validators=ANSWER)
    item4 = models.PositiveSmallIntegerField(validators=ANSWER)
    item5 = models.PositiveSmallIntegerField(validators=ANSWER)
    # The WHO-5 percentage (raw times 4), stored so trends aggregate in SQL.
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    burnout = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX, validators=[clean_text])

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["user", "taken_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__lte=100) & models.Q(burnout__gte=1, burnout__lte=5),
                name="wellbeing_checkin_ranges",
            ),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"item{i}__lte": 5}),
                    name=f"wellbeing_checkin_item{i}_range",
                )
                for i in range(1, 6)
            ],
        ]

    def __str__(self) -> str:
        return f"check-in {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("wellbeing:checkin", args=[self.code])

    @property
    def answers(self) -> list[int]:
        return [self.item1, self.item2, self.item3, self.item4, self.item5]

    @property
    def raw_score(self) -> int:
        return sum(self.answers)

    def reading(self) -> who5.Reading:
        return who5.Reading(score=self.score, burnout=self.burnout)


class SupportContacts(models.Model):
    """Where an organization's people can get help: set by its admins, shown in signposting."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="support_contacts"
    )
    eap_name = models.CharField(
        _("employee-assistance programme"), max_length=200, blank=True, validators=[clean_text]
    )
    eap_phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[clean_text])
    eap_email = models.EmailField(_("e-mail"), blank=True)
    eap_url = models.URLField(_("web page"), blank=True)
    eap_hours = models.CharField(_("hours"), max_length=200, blank=True, validators=[clean_text])
    oh_name = models.CharField(
        _("occupational health"), max_length=200, blank=True, validators=[clean_text]
    )
    oh_phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[clean_text])
    oh_email = models.EmailField(_("e-mail"), blank=True)
    oh_url = models.URLField(_("web page"), blank=True)
    oh_hours = models.CharField(_("hours"), max_length=200, blank=True, validators=[clean_text])
    note = models.TextField(
        _("anything else people should know"), blank=True, max_length=1000, validators=[clean_text]
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "support contacts"

    def __str__(self) -> str:
        return f"support contacts of {self.organization}"

    @property
    def has_eap(self) -> bool:
        return bool(self.eap_name or self.eap_phone or self.eap_email or self.eap_url)

    @property
    def has_oh(self) -> bool:
        return bool(self.oh_name or self.oh_phone or self.oh_email or self.oh_url)

    @property
    def is_empty(self) -> bool:
        return not (self.has_eap or self.has_oh or self.note)


class Preference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_preference"
    )
    monthly_invitation = models.BooleanField(_("invite me to a check-in every month"), default=True)
    last_invited_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"well-being preference of {self.user_id}"


class SharedSummary(models.Model):
    """A snapshot the person chose to give one mentorship's mentors: numbers only, never
    answers or notes. Later check-ins are not shared unless the person shares again."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_shares"
    )
    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="wellbeing_shares"
    )
    created_at = models.DateTimeField(default=timezone.now)
    first_taken_at = models.DateTimeField()
    last_taken_at = models.DateTimeField()
    checkins = models.PositiveIntegerField()
    latest_score = models.PositiveSmallIntegerField()
    mean_score = models.PositiveSmallIntegerField()
    latest_burnout = models.PositiveSmallIntegerField()
    message = models.TextField(
        _("a word to your mentor"), blank=True, max_length=1000, validators=[clean_text]
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"shared summary {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("wellbeing:share", args=[self.code])

    def reading(self) -> who5.Reading:
        return who5.Reading(score=self.latest_score, burnout=self.latest_burnout)

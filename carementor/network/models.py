"""The open national mentoring network: a platform-wide programme beside the organizations'.

Mentors offer mentoring there (`MentorOffer`); their offer is mirrored onto an enrolment in
the network's own programme (`OpenNetwork.program`), so requests, capacity, relationships
and every relationship tool are the programmes' own. Organizations decide whether their
mentors may take part (`OrganizationPolicy`). People block and report each other, and rate
a mentor privately after closure (`MentorRating`, shown to platform staff only in
aggregates of at least five).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code

# Ratings are shown only for mentors rated by at least this many people.
RATING_K = 5
# An average below this (of at least RATING_K raters) is a poor experience: staff are told.
POOR_AVERAGE = 3.0


class OpenNetwork(models.Model):
    """The one platform-wide network and the programme that carries its relationships."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.PROTECT, related_name="open_network"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.program)


class MentorOffer(models.Model):
    """A verified mentor's offer to mentor anyone in the country through the network."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_offer"
    )
    roles = models.JSONField(_("roles I offer"), default=list)
    topics = models.ManyToManyField(
        "profiles.Competency", blank=True, related_name="+", verbose_name=_("topics")
    )
    languages = models.ManyToManyField(
        "profiles.Language", blank=True, related_name="+", verbose_name=_("languages")
    )
    countries = models.ManyToManyField(
        "profiles.Country", blank=True, related_name="+", verbose_name=_("countries")
    )
    regions = models.CharField(
        _("states or regions"),
        max_length=500,
        blank=True,
        help_text=_("Separate with commas; empty means anywhere in the countries chosen."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("open mentees at once"), default=1, validators=[MaxValueValidator(20)]
    )
    online = models.BooleanField(_("online"), default=True)
    in_person = models.BooleanField(_("in person"), default=False)
    is_active = models.BooleanField(_("offering now"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["is_active"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(online=True) | models.Q(in_person=True),
                name="offer_online_or_in_person",
            )
        ]

    def __str__(self) -> str:
        return f"Offer by {self.user_id}"

    def region_list(self) -> list[str]:
        return [r.strip() for r in self.regions.split(",") if r.strip()]


class OrganizationPolicy(models.Model):
    """Whether an organization's members may offer mentoring in the open network."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="network_policy"
    )
    mentors_may_offer = models.BooleanField(
        _("our mentors may offer mentoring in the open network"), default=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Network policy of {self.organization_id}"


class Block(models.Model):
    """``blocker`` never sees ``blocked`` in the network again, and neither can ask the other."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="network_block_once"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="network_block_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Report(models.Model):
    """A report about someone's conduct in the network, for platform staff."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reported = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_reports"
    )
    reason = models.TextField(_("what happened"), max_length=4000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Report on {self.reported_id}"


class MentorRating(models.Model):
    """A mentee's private rating of a mentor after their relationship closed."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="+"
    )
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "mentor", "rater"], name="network_rating_once"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1) & models.Q(score__lte=5),
                name="network_rating_range",
            ),
        ]
        indexes = [models.Index(fields=["mentor"])]

    def __str__(self) -> str:
        return f"{self.score} for {self.mentor_id}"


class SavedSearch(models.Model):
    """A search someone saved; they are told when a mentor who matches it joins."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_searches"
    )
    name = models.CharField(_("name"), max_length=120)
    filters = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    last_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

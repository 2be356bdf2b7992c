from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code

# --- Controlled vocabularies (shipped as data, loaded by a data migration) ---------------


class Profession(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    # Broad group used for partial matching: medicine, nursing, pharmacy, dentistry, ayush,
    # allied, informatics, management, education.
    group = models.CharField(max_length=40)
    is_clinical = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CareerStage(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    rank = models.PositiveSmallIntegerField(unique=True, help_text="0 = student, ascending.")

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class Specialty(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=160)
    profession_group = models.CharField(max_length=40)
    # Parent for taxonomy-aware partial matching (e.g. paediatric cardiology → paediatrics).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    nucc_code = models.CharField(
        "NUCC taxonomy code", max_length=10, blank=True, help_text="Where one exists."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name


class Competency(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=160)
    domain = models.CharField(max_length=40)
    is_digital = models.BooleanField(default=False)

    class Meta:
        ordering = ["domain", "name"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    code = models.CharField("ISO 639 code", max_length=8, unique=True)
    name = models.CharField(max_length=80)
    native_name = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    code = models.CharField("ISO 3166-1 alpha-2", max_length=2, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name


# --- The profile -------------------------------------------------------------------------


class MentoringRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    COACH = "coach", _("Coach")
    ADVISOR = "advisor", _("Advisor")
    SPONSOR = "sponsor", _("Sponsor")
    PEER = "peer", _("Peer")


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")


class Slot(models.TextChoices):
    WEEKDAY_MORNING = "weekday_morning", _("Weekday mornings")
    WEEKDAY_AFTERNOON = "weekday_afternoon", _("Weekday afternoons")
    WEEKDAY_EVENING = "weekday_evening", _("Weekday evenings")
    WEEKEND_MORNING = "weekend_morning", _("Weekend mornings")
    WEEKEND_AFTERNOON = "weekend_afternoon", _("Weekend afternoons")
    WEEKEND_EVENING = "weekend_evening", _("Weekend evenings")
    NIGHT = "night", _("Late nights")


class ShiftPattern(models.TextChoices):
    REGULAR = "regular", _("Regular day hours")
    ROTATING = "rotating", _("Rotating shifts / rota")
    NIGHTS = "nights", _("Mostly nights")
    ON_CALL = "on_call", _("Frequent on-call")
    FLEXIBLE = "flexible", _("Flexible")


class Visibility(models.TextChoices):
    ORGANIZATION = "organization", _("People in my organizations")
    PLATFORM = "platform", _("All CareMentor members")
    PRIVATE = "private", _("Only me (and coordinators of programmes I join)")


def _colleague_ids(user: Any) -> "models.QuerySet[Any]":
    """Ids of everyone who shares at least one organization with the user (themselves too)."""
    from carementor.organizations.models import Membership

    mine = Membership.objects.filter(user=user).values("organization_id")
    return Membership.objects.filter(organization_id__in=mine).values("user_id")


class ProfileQuerySet(models.QuerySet["Profile"]):
    def with_vocabulary(self) -> "ProfileQuerySet":
        return self.select_related(
            "user", "profession", "career_stage", "country"
        ).prefetch_related("specialties", "languages", "competency_levels__competency")

    def for_directory(self) -> "ProfileQuerySet":
        """What a directory card shows, in a fixed number of queries."""
        return self.select_related(
            "user", "profession", "career_stage", "country"
        ).prefetch_related("specialties", "languages")

    def visible_to(self, user: Any) -> "ProfileQuerySet":
        """Profiles the user may open, by each owner's visibility setting.

        Private: the owner and platform staff. Organization: people sharing an
        organization with the owner. Platform: any signed-in member.
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_staff:
            return self
        others = models.Q(user__is_active=True) & (
            models.Q(visibility=Visibility.PLATFORM)
            | models.Q(visibility=Visibility.ORGANIZATION, user_id__in=_colleague_ids(user))
        )
        return self.filter(models.Q(user=user) | others)

    def in_directory_of(self, user: Any) -> "ProfileQuerySet":
        """Colleagues from the user's organizations who let others see their profile.

        Unlike visible_to(), staff get no extra rows here: the directory is for finding
        colleagues, and private profiles are never listed.
        """
        return (
            self.filter(user_id__in=_colleague_ids(user), user__is_active=True)
            .exclude(visibility=Visibility.PRIVATE)
            .exclude(user_id=user.pk)
        )


class Profile(models.Model):
    """A healthcare professional's profile: what a mentoring programme matches on."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    headline = models.CharField(_("headline"), max_length=160, blank=True)
    bio = models.TextField(_("about me"), blank=True, max_length=4000)
    profession = models.ForeignKey(
        Profession, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("profession")
    )
    specialties = models.ManyToManyField(Specialty, blank=True, verbose_name=_("specialties"))
    career_stage = models.ForeignKey(
        CareerStage,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("career stage"),
    )
    years_in_practice = models.PositiveSmallIntegerField(
        _("years in practice"), null=True, blank=True, validators=[MaxValueValidator(70)]
    )
    workplace = models.CharField(_("workplace"), max_length=200, blank=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("country")
    )
    region = models.CharField(_("state or region"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    languages = models.ManyToManyField(Language, blank=True, verbose_name=_("languages"))
    hours_per_month = models.PositiveSmallIntegerField(
        _("hours a month for mentoring"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(80)],
    )
    preferred_slots = models.JSONField(_("preferred times"), default=list, blank=True)
    shift_pattern = models.CharField(
        _("shift pattern"), max_length=20, choices=ShiftPattern.choices, blank=True
    )
    meeting_formats = models.JSONField(_("meeting formats"), default=list, blank=True)
    goals = models.TextField(_("goals"), blank=True, max_length=4000)
    interests = models.TextField(_("interests"), blank=True, max_length=2000)
    roles_offered = models.JSONField(_("roles I offer"), default=list, blank=True)
    roles_sought = models.JSONField(_("roles I am looking for"), default=list, blank=True)
    mentoring_capacity = models.PositiveSmallIntegerField(
        _("how many people I can mentor at once"),
        default=0,
        validators=[MaxValueValidator(50)],
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("direct supervisor"),
    )
    visibility = models.CharField(
        _("who can see my profile"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.ORGANIZATION,
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=Visibility.values),
                name="profile_visibility_valid",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    def completeness(self) -> tuple[int, list[str]]:
        """Percentage complete and the human names of what is still missing."""
        from carementor.profiles.completeness import profile_completeness

        return profile_completeness(self)

    def offers_mentoring(self) -> bool:
        return bool(self.roles_offered) and self.mentoring_capacity > 0

    # Display names for the multiple-choice lists; unknown values are skipped.
    def preferred_slot_labels(self) -> list[str]:
        return _labels(Slot, self.preferred_slots)

    def meeting_format_labels(self) -> list[str]:
        return _labels(MeetingFormat, self.meeting_formats)

    def roles_offered_labels(self) -> list[str]:
        return _labels(MentoringRole, self.roles_offered)

    def roles_sought_labels(self) -> list[str]:
        return _labels(MentoringRole, self.roles_sought)


def _labels(choices: type[models.TextChoices], values: list[str]) -> list[str]:
    names = dict(choices.choices)
    return [str(names[value]) for value in values if value in names]


class ProfileCompetency(models.Model):
    """A self-rated competency level (1 novice … 5 expert), optionally a growth target."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="competency_levels")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    target_level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["competency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "competency"], name="profile_competency_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5),
                name="profile_competency_level_range",
            ),
            models.CheckConstraint(
                condition=models.Q(target_level__isnull=True)
                | models.Q(target_level__gte=1, target_level__lte=5),
                name="profile_competency_target_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency}: {self.level}"

    @property
    def is_target(self) -> bool:
        return self.target_level is not None and self.target_level > self.level


class ConflictOfInterest(models.Model):
    """A conflict the person declares, so matching never pairs them with that person."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="conflicts")
    other_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    other_email = models.EmailField(_("their e-mail address"), blank=True)
    description = models.CharField(_("nature of the conflict"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        # Either part may be empty: a person declares an e-mail, a description, or both.
        return self.description or self.other_email

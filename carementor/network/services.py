"""Every change in the open network: the network's programme, offers, organization policy,
requests, blocks, reports, ratings and saved searches.

Requests and relationships go through the programmes' own services (``matching.services``,
``mentorships.services``) on the network's programme, so the request lifecycle, the
capacity lock and the role limits are exactly those of any programme.
"""

from collections.abc import Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.credentials.models import is_matchable
from carementor.lib.errors import DomainError
from carementor.matching import services as matching
from carementor.matching.models import MatchRequest
from carementor.mentorships.models import ENDED_PHASES, Mentorship, PartyRole
from carementor.network.models import (
    Block,
    MentorOffer,
    MentorRating,
    OpenNetwork,
    OrganizationPolicy,
    Report,
    SavedSearch,
)
from carementor.organizations.models import Membership, Organization
from carementor.profiles.models import Competency, Country, Language, MentoringRole, Profile
from carementor.programs.models import Enrollment, Format, MatchingMode, Program
from carementor.programs.notify import tell, tell_many

if TYPE_CHECKING:
    from carementor.accounts.models import User

NETWORK_SLUG = "open-network"
MAX_OFFER_CAPACITY = 20


class NetworkError(DomainError):
    def __init__(self, message: str, code: str = "invalid", status: int = 422) -> None:
        super().__init__(message, status=status, code=code)


# --- The network's programme ------------------------------------------------------------------


def network_program() -> Program:
    """The platform-wide programme that carries the network's requests and relationships,
    created on first use (a concurrent first use finds the other's row)."""
    found = OpenNetwork.objects.select_related("program__organization").first()
    if found is not None:
        return found.program
    try:
        with transaction.atomic():
            organization, _created = Organization.objects.get_or_create(
                slug=NETWORK_SLUG,
                defaults={
                    "name": "CareMentor open network",
                    "kind": Organization.Kind.NATIONAL_PROGRAM,
                    "country": "IN",
                    "timezone": "Asia/Kolkata",
                },
            )
            program = Program.objects.create(
                organization=organization,
                name="Open national mentoring network",
                summary=(
                    "Verified mentors, coaches, advisors, sponsors and peers from every "
                    "organization, open to any professional with a complete profile."
                ),
                format=Format.NETWORK,
                roles=list(MentoringRole.values),
                matching_mode=MatchingMode.SELF,
                default_mentor_capacity=1,
                max_open_requests=3,
                status=Program.Status.PUBLISHED,
                published_at=timezone.now(),
            )
            OpenNetwork.objects.create(program=program)
    except IntegrityError:
        pass
    return OpenNetwork.objects.select_related("program__organization").get().program


# --- Who may take part ------------------------------------------------------------------------

# What a profile needs before its owner can search the network or be found in it.
REQUIRED = (
    ("full_name", _("your full name")),
    ("profession", _("your profession")),
    ("career_stage", _("your career stage")),
    ("specialties", _("at least one specialty or field")),
    ("country", _("the country you work in")),
    ("languages", _("the languages you speak")),
)


def missing_for_network(user: "User") -> list[str]:
    """What the person must add to their profile before using the network (empty: ready)."""
    profile = Profile.objects.filter(user=user).prefetch_related("specialties", "languages").first()
    have = {
        "full_name": bool((user.full_name or "").strip()),
        "profession": bool(profile and profile.profession_id),
        "career_stage": bool(profile and profile.career_stage_id),
        "specialties": bool(profile and profile.specialties.all()),
        "country": bool(profile and profile.country_id),
        "languages": bool(profile and profile.languages.all()),
    }
    return [str(label) for key, label in REQUIRED if not have[key]]


def forbidding_organizations(user: "User") -> list[Organization]:
    """The person's organizations that do not let their mentors offer in the network."""
    return list(
        Organization.objects.filter(
            memberships__user=user, network_policy__mentors_may_offer=False
        ).distinct()
    )


def offer_refusal(user: "User") -> str:
    """Why the person may not offer mentoring in the network now ("" when they may)."""
    if missing_for_network(user):
        return _("Complete your profile first.")
    program = network_program()
    if not is_matchable(user, verification_kind=program.verification_kind):
        return _(
            "Only verified professionals mentor in the open network. Ask an organization "
            "you belong to to verify your registration or employment."
        )
    blocked = forbidding_organizations(user)
    if blocked:
        return _("%(org)s does not let its mentors offer mentoring in the open network.") % {
            "org": ", ".join(o.name for o in blocked)
        }
    return ""


# --- Offers -----------------------------------------------------------------------------------


def _open_load(program: Program, user: "User") -> int:
    return Mentorship.objects.counting_against_capacity(program, user).count()


@transaction.atomic
def offer_set(
    *,
    user: "User",
    roles: Sequence[str],
    capacity: int,
    online: bool,
    in_person: bool,
    regions: str = "",
    topics: Iterable[str] = (),
    languages: Iterable[str] = (),
    countries: Iterable[str] = (),
    is_active: bool = True,
) -> MentorOffer:
    """Create or change the person's offer and mirror it onto their network enrolment."""
    roles = [r for r in MentoringRole.values if r in set(roles)]
    if not roles:
        raise NetworkError(_("Choose at least one role you offer."), "roles")
    if not online and not in_person:
        raise NetworkError(_("Offer online meetings, in-person meetings or both."), "mode")
    if not 1 <= capacity <= MAX_OFFER_CAPACITY:
        raise NetworkError(
            _("Offer between 1 and %(n)d open mentees.") % {"n": MAX_OFFER_CAPACITY}, "capacity"
        )
    if is_active:
        refusal = offer_refusal(user)
        if refusal:
            raise NetworkError(refusal, "not_allowed", 403)
    program = network_program()
    seat = Enrollment.objects.select_for_update().filter(program=program, user=user).first()
    load = _open_load(program, user)
    if capacity < load:
        raise NetworkError(
            _("You mentor %(n)d people in the network now; offer at least that many places.")
            % {"n": load},
            "capacity",
            409,
        )
    topic_rows = list(Competency.objects.filter(code__in=list(topics)))
    language_rows = list(Language.objects.filter(code__in=list(languages)))
    country_rows = list(Country.objects.filter(code__in=list(countries)))
    offer, created = MentorOffer.objects.select_for_update().get_or_create(
        user=user,
        defaults={"roles": roles, "capacity": capacity, "online": online, "in_person": in_person},
    )
    was_active = offer.is_active and not created
    offer.roles = roles
    offer.capacity = capacity
    offer.online = online
    offer.in_person = in_person
    offer.regions = regions.strip()[:500]
    offer.is_active = is_active
    offer.save()
    offer.topics.set(topic_rows)
    offer.languages.set(language_rows)
    offer.countries.set(country_rows)
    now = timezone.now()
    if seat is None:
        seat = Enrollment(program=program, user=user, role=Enrollment.Role.MENTOR)
    elif seat.role == Enrollment.Role.MENTEE:
        seat.role = Enrollment.Role.BOTH
    seat.status = Enrollment.Status.APPROVED
    seat.capacity = capacity
    seat.seats_taken = load
    seat.paused_at = None if is_active else (seat.paused_at or now)
    if is_active:
        seat.ignored_requests = 0
    seat.save()
    _pool_changed(program, [user.pk])
    record(
        user,
        "network.offer_saved",
        offer,
        detail={"roles": roles, "capacity": capacity, "active": is_active},
    )
    if is_active and not was_active:
        transaction.on_commit(lambda: _tell_saved_searches_later(offer.pk))
    return offer


def _tell_saved_searches_later(offer_id: int) -> None:
    from carementor.network.tasks import tell_saved_searches

    tell_saved_searches.enqueue(offer_id)


def _pool_changed(program: Program, user_ids: list[int]) -> None:
    """Tell the suggestion pools that these mentors changed (they cache the programme)."""
    from carementor.matching import pools

    transaction.on_commit(lambda: pools.mentors_changed(user_ids, program.pk))


@transaction.atomic
def policy_set(*, organization: Organization, actor: "User", mentors_may_offer: bool) -> int:
    """Let, or stop, an organization's members offering mentoring in the network. Stopping
    pauses their offers (relationships already running continue); returns how many."""
    OrganizationPolicy.objects.update_or_create(
        organization=organization,
        defaults={"mentors_may_offer": mentors_may_offer, "updated_by": actor},
    )
    paused = 0
    if not mentors_may_offer:
        program = network_program()
        members = Membership.objects.filter(organization=organization).values("user")
        user_ids = list(
            MentorOffer.objects.filter(user__in=members, is_active=True).values_list(
                "user_id", flat=True
            )
        )
        paused = MentorOffer.objects.filter(user_id__in=user_ids).update(is_active=False)
        Enrollment.objects.filter(
            program=program, user_id__in=user_ids, paused_at__isnull=True
        ).update(paused_at=timezone.now())
        _pool_changed(program, user_ids)
    record(
        actor,
        "network.policy_changed",
        organization,
        organization=organization,
        detail={"mentors_may_offer": mentors_may_offer, "offers_paused": paused},
    )
    return paused


# --- Requests ---------------------------------------------------------------------------------


def blocked_between(a: Any, b: Any) -> bool:
    return Block.objects.filter(
        models.Q(blocker=a, blocked=b) | models.Q(blocker=b, blocked=a)
    ).exists()


def _ensure_mentee(program: Program, user: "User") -> Enrollment:
    seat = Enrollment.objects.select_for_update().filter(program=program, user=user).first()
    if seat is None:
        return Enrollment.objects.create(
            program=program,
            user=user,
            role=Enrollment.Role.MENTEE,
            status=Enrollment.Status.APPROVED,
            decided_at=timezone.now(),
        )
    if seat.role == Enrollment.Role.MENTOR:
        seat.role = Enrollment.Role.BOTH
        seat.save(update_fields=["role", "updated_at"])
    return seat


@transaction.atomic
def request_send(*, mentee: "User", mentor: "User", role: str, note: str) -> MatchRequest:
    """Ask a network mentor for a relationship of ``role``: the programmes' own request."""
    missing = missing_for_network(mentee)
    if missing:
        raise NetworkError(
            _("Complete your profile first: %(items)s.") % {"items": ", ".join(missing)},
            "profile_incomplete",
            403,
        )
    if mentor.pk == mentee.pk:
        raise NetworkError(_("You cannot ask yourself."), "self", 422)
    if blocked_between(mentee, mentor):
        raise NetworkError(_("This mentor is not available to you."), "unavailable", 409)
    offer = MentorOffer.objects.filter(user=mentor, is_active=True).first()
    if offer is None:
        raise NetworkError(_("This mentor is not available to you."), "unavailable", 409)
    if role not in offer.roles:
        raise NetworkError(
            _("%(name)s does not offer that kind of relationship.")
            % {"name": mentor.full_name or mentor.email},
            "role",
        )
    program = network_program()
    _ensure_mentee(program, mentee)
    return matching.request_send(
        program=program, mentee=mentee, mentor=mentor, note=note, role=role
    )


# --- Blocks and reports -----------------------------------------------------------------------


@transaction.atomic
def block(*, blocker: Any, blocked: Any) -> Block:
    """Hide ``blocked`` from ``blocker`` for good and withdraw open requests between them."""
    if blocker.pk == blocked.pk:
        raise NetworkError(_("You cannot block yourself."), "self")
    found, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    program = network_program()
    between = (
        MatchRequest.objects.open()
        .filter(program=program)
        .filter(models.Q(mentee=blocker, mentor=blocked) | models.Q(mentee=blocked, mentor=blocker))
    )
    between.update(status=MatchRequest.Status.WITHDRAWN, responded_at=timezone.now())
    record(blocker, "network.blocked", found)
    return found


@transaction.atomic
def unblock(*, blocker: Any, blocked: Any) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    record(blocker, "network.unblocked", None, detail={"user": blocked.code})


def staff_users() -> "models.QuerySet[Any]":
    from carementor.accounts.models import User

    return User.objects.filter(is_staff=True, is_active=True)


@transaction.atomic
def report(*, reporter: Any, reported: Any, reason: str) -> Report:
    reason = reason.strip()
    if not reason:
        raise NetworkError(_("Say what happened."), "reason")
    if reporter.pk == reported.pk:
        raise NetworkError(_("You cannot report yourself."), "self")
    found = Report.objects.create(reporter=reporter, reported=reported, reason=reason[:4000])
    record(reporter, "network.reported", found, detail={"reported": reported.code})
    tell_many(
        list(staff_users()),
        "network_report",
        lambda: _("A conduct report in the open network needs review"),
        url=reverse("network:staff"),
    )
    return found


@transaction.atomic
def report_resolve(*, found: Report, actor: "User") -> Report:
    if not actor.is_staff:
        raise NetworkError(_("Only platform staff resolve reports."), "forbidden", 403)
    found.status = Report.Status.RESOLVED
    found.resolved_by = actor
    found.resolved_at = timezone.now()
    found.save(update_fields=["status", "resolved_by", "resolved_at"])
    record(actor, "network.report_resolved", found)
    return found


# --- Private ratings after closure ------------------------------------------------------------


def rateable(user: "User") -> "models.QuerySet[Mentorship]":
    """Ended network relationships in which the person was a mentee and has not rated."""
    program = network_program()
    rated = MentorRating.objects.filter(rater=user).values("mentorship")
    return (
        Mentorship.objects.filter(
            program=program,
            phase__in=ENDED_PHASES,
            activated_at__isnull=False,
            parties__user=user,
            parties__role=PartyRole.MENTEE,
        )
        .exclude(pk__in=rated)
        .distinct()
    )


@transaction.atomic
def rate(*, mentorship: Mentorship, rater: Any, score: int) -> list[MentorRating]:
    """The mentee's private rating of each mentor of an ended network relationship."""
    if not 1 <= score <= 5:
        raise NetworkError(_("Rate from 1 to 5."), "score")
    if not rateable(rater).filter(pk=mentorship.pk).exists():
        raise NetworkError(
            _("Only mentees rate, once, after a network relationship has ended."),
            "not_rateable",
            409,
        )
    mentors = list(mentorship.mentors())
    before = {m.pk: _rating_of(m) for m in mentors}
    rows = [
        MentorRating.objects.create(mentorship=mentorship, mentor=m, rater=rater, score=score)
        for m in mentors
    ]
    record(rater, "network.rated", mentorship)
    # Tell staff once, when a mentor's ratings first read as poor (never who rated what).
    newly_poor = [m for m in mentors if _is_poor(_rating_of(m)) and not _is_poor(before[m.pk])]
    if newly_poor:
        tell_many(
            list(staff_users()),
            "network_poor_ratings",
            lambda: _("A mentor's private ratings in the open network are poor"),
            url=reverse("network:staff") + "#ratings-heading",
        )
    return rows


def _rating_of(mentor: Any) -> tuple[int, float | None]:
    row = MentorRating.objects.filter(mentor=mentor).aggregate(
        raters=models.Count("rater", distinct=True), average=models.Avg("score")
    )
    return row["raters"], row["average"]


def _is_poor(rating: tuple[int, float | None]) -> bool:
    from carementor.network.models import POOR_AVERAGE, RATING_K

    raters, average = rating
    return raters >= RATING_K and average is not None and float(average) < POOR_AVERAGE


def rating_summary() -> "models.QuerySet[Any]":
    """Mentors rated by at least k people, lowest average first (for platform staff); ``poor``
    marks an average below ``POOR_AVERAGE``."""
    from carementor.network.models import POOR_AVERAGE, RATING_K

    return (
        MentorRating.objects.values("mentor__code", "mentor__full_name")
        .annotate(
            raters=models.Count("rater", distinct=True),
            average=models.Avg("score"),
            poor=models.Case(
                models.When(average__lt=POOR_AVERAGE, then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            ),
        )
        .filter(raters__gte=RATING_K)
        .order_by("average", "mentor__code")
    )


# --- Saved searches ---------------------------------------------------------------------------


@transaction.atomic
def search_save(*, user: "User", name: str, filters: dict[str, str]) -> SavedSearch:
    from carementor.network.search import clean_filters

    name = name.strip() or _("My search")
    cleaned = clean_filters(filters)
    if SavedSearch.objects.filter(user=user).count() >= 20:
        raise NetworkError(_("You can keep at most 20 saved searches."), "limit", 409)
    saved = SavedSearch.objects.create(user=user, name=name[:120], filters=cleaned)
    record(user, "network.search_saved", saved)
    return saved


@transaction.atomic
def search_delete(*, user: Any, code: str) -> bool:
    """Delete one of the person's saved searches; False when they have none with that code."""
    deleted, _rows = SavedSearch.objects.filter(user=user, code=code).delete()
    if deleted:
        record(user, "network.search_deleted", None, detail={"search": code})
    return bool(deleted)


def notify_saved_searches(offer_id: int) -> int:
    """Tell everyone whose saved search the newly offering mentor matches; returns how many."""
    from carementor.network.search import mentor_matches

    offer = MentorOffer.objects.select_related("user").filter(pk=offer_id, is_active=True).first()
    if offer is None:
        return 0
    told = 0
    searches = SavedSearch.objects.exclude(user=offer.user).select_related("user")
    for saved in searches.iterator(chunk_size=500):
        if not mentor_matches(offer, saved.filters, viewer=saved.user):
            continue
        tell(
            [saved.user],
            "network_mentor_joined",
            partial(_joined_title, saved.name),
            url=reverse("network:search") + "?" + saved_query(saved),
        )
        SavedSearch.objects.filter(pk=saved.pk).update(last_notified_at=timezone.now())
        told += 1
    return told


def _joined_title(name: str) -> str:
    return _("A mentor who matches your search “%(name)s” joined the network") % {"name": name}


def saved_query(saved: SavedSearch) -> str:
    from urllib.parse import urlencode

    return urlencode(saved.filters)

"""Searching the open network: filters in SQL, ranking and reasons from the matching engine.

The filters narrow the network's mentor enrolments (approved, unpaused, with a free place,
verified, offering now, not blocked either way) in the database; at most ``CANDIDATES`` of
them are then scored against the searcher by the same engine and explanations programmes use.
When a specialty filter finds nobody, the search drops it and ranks the rest by closeness,
saying so ("nobody matches your specialty yet; here are the nearest").
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet

from carementor.accounts.models import User
from carementor.matching import profiles_adapter as adapter
from carementor.matching.engine import Scorer, explain
from carementor.matching.suggestions import mentor_enrollments
from carementor.network.models import Block, MentorOffer
from carementor.network.services import network_program
from carementor.profiles.models import MeetingFormat, MentoringRole, Slot
from carementor.programs.models import Enrollment

CANDIDATES = 300
PAGE_SIZE = 20
FILTER_KEYS = (
    "role",
    "specialty",
    "subspecialty",
    "language",
    "region",
    "country",
    "career_stage",
    "slot",
    "competency",
    "digital",
    "mode",
    "q",
)
MODES = ("online", "in_person")


def clean_filters(raw: dict[str, Any]) -> dict[str, str]:
    """Known keys only, trimmed; unknown values of closed lists are dropped."""
    out = {}
    for key in FILTER_KEYS:
        value = str(raw.get(key) or "").strip()[:80]
        if not value:
            continue
        if key == "role" and value not in MentoringRole.values:
            continue
        if key == "slot" and value not in Slot.values:
            continue
        if key == "mode" and value not in MODES:
            continue
        if key == "digital" and value not in ("1", "true", "on"):
            continue
        out[key] = value
    return out


def _blocked_ids(viewer: User) -> "QuerySet[Block]":
    return Block.objects.filter(Q(blocker=viewer) | Q(blocked=viewer))


def _base(viewer: User | None) -> "QuerySet[Enrollment]":
    program = network_program()
    qs = mentor_enrollments(program).filter(user__network_offer__is_active=True)
    if viewer is not None:
        qs = qs.exclude(user=viewer)
        qs = qs.exclude(user__in=_blocked_ids(viewer).filter(blocker=viewer).values("blocked"))
        qs = qs.exclude(user__in=_blocked_ids(viewer).filter(blocked=viewer).values("blocker"))
    return qs


def _apply(qs: "QuerySet[Enrollment]", f: dict[str, str], *, specialty: bool = True) -> Any:
    offer = "user__network_offer__"
    profile = "user__profile__"
    if f.get("role"):
        qs = qs.filter(**{f"{offer}roles__icontains": f'"{f["role"]}"'})
    if specialty and f.get("specialty"):
        code = f["specialty"]
        qs = qs.filter(
            Q(**{f"{profile}specialties__code": code})
            | Q(**{f"{profile}specialties__parent__code": code})
        )
    if specialty and f.get("subspecialty"):
        qs = qs.filter(**{f"{profile}specialties__code": f["subspecialty"]})
    if f.get("language"):
        qs = qs.filter(
            Q(**{f"{offer}languages__code": f["language"]})
            | Q(**{f"{profile}languages__code": f["language"]})
        )
    if f.get("region"):
        qs = qs.filter(
            Q(**{f"{offer}regions__icontains": f["region"]})
            | Q(**{f"{profile}region__iexact": f["region"]})
        )
    if f.get("country"):
        qs = qs.filter(
            Q(**{f"{offer}countries__code": f["country"]})
            | Q(**{f"{profile}country__code": f["country"]})
        )
    if f.get("career_stage"):
        qs = qs.filter(**{f"{profile}career_stage__code": f["career_stage"]})
    if f.get("slot"):
        qs = qs.filter(**{f"{profile}preferred_slots__icontains": f'"{f["slot"]}"'})
    if f.get("competency"):
        qs = qs.filter(
            Q(**{f"{offer}topics__code": f["competency"]})
            | Q(**{f"{profile}competency_levels__competency__code": f["competency"]})
        )
    if f.get("digital"):
        qs = qs.filter(
            Q(**{f"{offer}topics__is_digital": True})
            | Q(
                **{
                    f"{profile}competency_levels__competency__is_digital": True,
                    f"{profile}competency_levels__level__gte": 4,
                }
            )
        )
    if f.get("mode") == "online":
        qs = qs.filter(**{f"{offer}online": True})
    elif f.get("mode") == "in_person":
        qs = qs.filter(**{f"{offer}in_person": True})
    if f.get("q"):
        text = f["q"]
        qs = qs.filter(
            Q(user__full_name__icontains=text)
            | Q(**{f"{profile}headline__icontains": text})
            | Q(**{f"{profile}interests__icontains": text})
        )
    return qs.distinct()


@dataclass
class Hit:
    user: User
    offer: MentorOffer
    score: float
    reasons: list[dict[str, Any]] = field(default_factory=list)
    free_places: int = 0


@dataclass
class Result:
    hits: list[Hit]
    total: int
    page: int
    pages: int
    nearest: bool = False  # the specialty filter found nobody; these are the closest

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def search(viewer: User, filters: dict[str, str], *, page: int = 1) -> Result:
    """One page of network mentors for ``viewer``, best fit first, with reasons."""
    filters = clean_filters(filters)
    qs = _apply(_base(viewer), filters)
    ids = list(qs.order_by("-capacity", "pk").values_list("user_id", flat=True)[:CANDIDATES])
    nearest = False
    if not ids and (filters.get("specialty") or filters.get("subspecialty")):
        nearest = True
        qs = _apply(_base(viewer), filters, specialty=False)
        ids = list(qs.order_by("-capacity", "pk").values_list("user_id", flat=True)[:CANDIDATES])
    if not ids:
        return Result(hits=[], total=0, page=1, pages=1, nearest=nearest)
    program = network_program()
    seats = {
        e.user_id: e
        for e in Enrollment.objects.filter(program=program, user_id__in=ids).only(
            "user_id", "capacity", "seats_taken"
        )
    }
    users = {
        u.pk: u
        for u in adapter.users_with_profiles(
            User.objects.filter(pk__in=[*ids, viewer.pk])
        ).select_related("network_offer")
    }
    mentor_ids = [i for i in ids if i in users]
    me = adapter.person(users[viewer.pk])
    them = [
        adapter.person(users[i], capacity=seats[i].capacity, load=seats[i].seats_taken)
        for i in mentor_ids
    ]
    a, b = adapter.populations([me], them)
    scorer = Scorer(a, b, adapter.program_settings(program))
    scores = scorer.scores(0)
    order = [int(r) for r in np.argsort(-scores, kind="stable") if np.isfinite(scores[r])]
    total = len(order)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 1), pages)
    names = adapter.labels()
    hits = []
    for row in order[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
        user = users[mentor_ids[row]]
        why = explain(scorer, 0, row, labels=names)
        seat = seats[user.pk]
        hits.append(
            Hit(
                user=user,
                offer=user.network_offer,
                score=float(scores[row]),
                reasons=adapter.reasons_json(why.reasons, names),
                free_places=seat.free_seats,
            )
        )
    return Result(hits=hits, total=total, page=page, pages=pages, nearest=nearest)


def mentor_matches(offer: MentorOffer, filters: dict[str, str], *, viewer: User) -> bool:
    """Whether the mentor behind ``offer`` is found by a saved search of ``viewer``."""
    qs = _apply(_base(viewer), clean_filters(filters))
    return bool(qs.filter(user_id=offer.user_id).exists())


def vocabulary_for_filters() -> dict[str, Any]:
    """What the filter form offers (the shared, cached vocabularies)."""
    from carementor.profiles.models import CareerStage, Competency, Country, Specialty
    from carementor.profiles.vocabulary import vocabulary

    vocab = vocabulary()
    return {
        "languages": vocab.languages,
        "specialties": list(Specialty.objects.filter(parent__isnull=True).only("code", "name")),
        "subspecialties": list(
            Specialty.objects.filter(parent__isnull=False).only("code", "name", "parent_id")
        ),
        "career_stages": list(CareerStage.objects.only("code", "name")),
        "countries": list(Country.objects.only("code", "name")),
        "competencies": list(Competency.objects.only("code", "name", "is_digital")),
        "roles": MentoringRole.choices,
        "slots": Slot.choices,
        "formats": MeetingFormat.choices,
    }

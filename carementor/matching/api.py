"""Coordinator matching API (mounted inside the programmes router at /api/v1/programs)."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from carementor.accounts.models import User
from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS, ApiError
from carementor.matching import formats_run, hybrid, speed
from carementor.matching import runs as services
from carementor.matching.cohort_run import unmatched_rows
from carementor.matching.models import MatchProposal, MatchRun, PairRule, SpeedEvent
from carementor.matching.permissions import get_event_for, get_run_for
from carementor.matching.schemas import (
    CirclePageOut,
    ConcludeOut,
    EventIn,
    InterestIn,
    PairIn,
    PairOut,
    PairRuleIn,
    PairRuleOut,
    ProposalOut,
    ProposalPageOut,
    RankingIn,
    RankingOut,
    RunIn,
    RunOut,
    RunPageOut,
    SpeedEventOut,
    SwapIn,
)
from carementor.programs.permissions import can_manage, get_program_for
from carementor.programs.schemas import PageParams

router = Router(tags=["matching"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _person(code: str) -> User:
    user = User.objects.filter(code=code).first()
    if user is None:
        raise ApiError(404, "Not found.", "not_found")
    return user


def run_out(run: MatchRun) -> dict[str, Any]:
    return {
        "code": run.code,
        "program": run.program.code,
        "shape": formats_run.shape(run.program),
        "mode": run.mode,
        "maximize_matched": run.maximize_matched,
        "status": run.status,
        "progress_done": run.progress_done,
        "progress_total": run.progress_total,
        "stats": run.stats,
        "unmatched": unmatched_rows(run),
        "error": run.error,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "published_at": run.published_at,
    }


def proposal_out(p: MatchProposal) -> dict[str, Any]:
    return {
        "mentee": p.mentee.code,
        "mentee_name": p.mentee.full_name,
        "mentor": p.mentor.code,
        "mentor_name": p.mentor.full_name,
        "score": p.score,
        "reasons": p.reasons,
        "locked": p.locked,
    }


@router.get("/{code}/runs", response={200: RunPageOut, **READ_ERRORS})
def list_runs(request: HttpRequest, code: str, params: Query[PageParams]) -> dict[str, Any]:
    program = get_program_for(_user(request), code, manage=True)
    qs = MatchRun.objects.filter(program=program).select_related("program")
    items = qs[params.offset : params.offset + params.limit]
    return {"count": qs.count(), "items": [run_out(r) for r in items]}


@router.post("/{code}/runs", response={201: RunOut, **WRITE_ERRORS})
def start_run(request: HttpRequest, code: str, payload: RunIn) -> Status:
    """Start a run; small cohorts come back finished, large ones queued (poll the run)."""
    program = get_program_for(_user(request), code, manage=True)
    run = services.run_start(
        program=program,
        actor=_user(request),
        mode=payload.mode,
        maximize_matched=payload.maximize_matched,
        request=request,
    )
    return Status(201, run_out(run))


@router.get("/{code}/runs/{run}", response={200: RunOut, **READ_ERRORS})
def get_run(request: HttpRequest, code: str, run: str) -> dict[str, Any]:
    return run_out(get_run_for(_user(request), code, run))


@router.get("/{code}/runs/{run}/proposals", response={200: ProposalPageOut, **READ_ERRORS})
def list_proposals(
    request: HttpRequest, code: str, run: str, params: Query[PageParams]
) -> dict[str, Any]:
    found = get_run_for(_user(request), code, run)
    qs = found.proposals.select_related("mentee", "mentor").order_by("-score", "pk")
    items = qs[params.offset : params.offset + params.limit]
    return {"count": qs.count(), "items": [proposal_out(p) for p in items]}


@router.get("/{code}/runs/{run}/circles", response={200: CirclePageOut, **READ_ERRORS})
def list_circles(
    request: HttpRequest, code: str, run: str, params: Query[PageParams]
) -> dict[str, Any]:
    """A group run's proposals as circles: one mentor and the mentees proposed to them."""
    found = get_run_for(_user(request), code, run)
    leaders = (
        User.objects.filter(pk__in=found.proposals.values("mentor_id"))
        .order_by("full_name", "pk")
        .only("code", "full_name", "email")
    )
    page = list(leaders[params.offset : params.offset + params.limit])
    members: dict[int, list[MatchProposal]] = {u.pk: [] for u in page}
    for p in found.proposals.filter(mentor__in=page).select_related("mentee").order_by("pk"):
        members[p.mentor_id].append(p)
    items = []
    for leader in page:
        scores = [p.score for p in members[leader.pk] if p.score is not None]
        items.append(
            {
                "mentor": leader.code,
                "mentor_name": leader.full_name,
                "mentees": [
                    {"code": p.mentee.code, "name": p.mentee.full_name, "score": p.score}
                    for p in members[leader.pk]
                ],
                "mean_score": round(sum(scores) / len(scores), 3) if scores else None,
            }
        )
    return {"count": leaders.count(), "items": items}


@router.put("/{code}/runs/{run}/proposals/{mentee}", response={200: ProposalOut, **WRITE_ERRORS})
def swap_proposal(
    request: HttpRequest, code: str, run: str, mentee: str, payload: SwapIn
) -> dict[str, Any]:
    """Give the mentee another mentor in a draft run (the pair is then locked)."""
    found = get_run_for(_user(request), code, run)
    proposal = services.proposal_swap(
        run=found, mentee=_person(mentee), mentor=_person(payload.mentor), actor=_user(request)
    )
    return proposal_out(proposal)


@router.post("/{code}/runs/{run}/publish", response={200: RunOut, **WRITE_ERRORS})
def publish_run(request: HttpRequest, code: str, run: str) -> dict[str, Any]:
    """Create every proposal's mentorship at once, or none."""
    found = get_run_for(_user(request), code, run)
    published = services.run_publish(run=found, actor=_user(request), request=request)
    return run_out(published)


def ranking_out(program: Any, user: User) -> dict[str, Any]:
    return {
        "max": hybrid.MAX_RANKED,
        "mentors": [
            {"rank": r.rank, "code": r.mentor.code, "name": r.mentor.full_name}
            for r in hybrid.ranking_of(program, user)
        ],
    }


@router.get("/{code}/ranking", response={200: RankingOut, **READ_ERRORS})
def get_ranking(request: HttpRequest, code: str) -> dict[str, Any]:
    """Your ranked choice of mentors in a hybrid programme, best first."""
    program = get_program_for(_user(request), code)
    return ranking_out(program, _user(request))


@router.put("/{code}/ranking", response={200: RankingOut, **WRITE_ERRORS})
def set_ranking(request: HttpRequest, code: str, payload: RankingIn) -> dict[str, Any]:
    """Replace your ranked choices (mentor codes, best first; at most `max`)."""
    program = get_program_for(_user(request), code)
    found = {u.code: u for u in User.objects.filter(code__in=payload.mentors)}
    if any(c not in found for c in payload.mentors):
        raise ApiError(
            422, _("One of these mentors cannot be matched in this programme."), "unavailable"
        )
    hybrid.ranking_set(
        program=program,
        mentee=_user(request),
        mentors=[found[c] for c in payload.mentors],
        actor=_user(request),
        request=request,
    )
    return ranking_out(program, _user(request))


@router.get("/{code}/pair-rules", response={200: list[PairRuleOut], **READ_ERRORS})
def list_pair_rules(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    program = get_program_for(_user(request), code, manage=True)
    rules = PairRule.objects.filter(program=program).select_related("mentee", "mentor")
    return [
        {
            "mentee": r.mentee.code,
            "mentor": r.mentor.code,
            "kind": r.kind,
            "created_at": r.created_at,
        }
        for r in rules.order_by("-created_at")[:1000]
    ]


@router.post("/{code}/pair-rules", response={200: PairRuleOut, 204: None, **WRITE_ERRORS})
def set_pair_rule(request: HttpRequest, code: str, payload: PairRuleIn) -> Any:
    """Lock or forbid a pair for later runs; kind "" clears the rule (204)."""
    program = get_program_for(_user(request), code, manage=True)
    rule = services.pair_rule_set(
        program=program,
        mentee=_person(payload.mentee),
        mentor=_person(payload.mentor),
        kind=payload.kind,
        actor=_user(request),
        request=request,
    )
    if rule is None:
        return Status(204, None)
    return {
        "mentee": payload.mentee,
        "mentor": payload.mentor,
        "kind": rule.kind,
        "created_at": rule.created_at,
    }


@router.post("/{code}/pairs", response={201: PairOut, **WRITE_ERRORS})
def create_pair(request: HttpRequest, code: str, payload: PairIn) -> Status:
    """Pair a mentee and a mentor directly: the mentorship is created now."""
    program = get_program_for(_user(request), code, manage=True)
    mentorship = services.pair_create(
        program=program,
        mentee=_person(payload.mentee),
        mentor=_person(payload.mentor),
        actor=_user(request),
        role=payload.role,
        request=request,
    )
    return Status(201, {"mentorship": getattr(mentorship, "code", None)})


# --- Speed-mentoring events ----------------------------------------------------------------


def event_out(event: SpeedEvent, user: User, manager: bool) -> dict[str, Any]:
    meetings = event.meetings.select_related("mentor", "mentee").order_by("round", "table")
    if not manager:
        meetings = meetings.filter(Q(mentor=user) | Q(mentee=user))
    return {
        "code": event.code,
        "program": event.program.code,
        "title": event.title,
        "starts_at": event.starts_at,
        "round_minutes": event.round_minutes,
        "rounds": event.rounds,
        "location": event.location,
        "status": event.status,
        "meetings": [
            {
                "round": m.round,
                "table": m.table,
                "starts_at": event.round_starts(m.round),
                "mentor": m.mentor.code,
                "mentor_name": m.mentor.full_name,
                "mentee": m.mentee.code,
                "mentee_name": m.mentee.full_name,
            }
            for m in meetings
        ],
    }


@router.get("/{code}/events", response={200: list[SpeedEventOut], **READ_ERRORS})
def list_events(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """Events of the programme with one's own meetings (coordinators: every meeting)."""
    user = _user(request)
    program = get_program_for(user, code)
    manager = can_manage(user, program)
    events = SpeedEvent.objects.filter(program=program).select_related("program")
    return [event_out(e, user, manager) for e in events.order_by("-starts_at")[:100]]


@router.post("/{code}/events", response={201: SpeedEventOut, **WRITE_ERRORS})
def create_event(request: HttpRequest, code: str, payload: EventIn) -> Status:
    """Schedule an event; the rotation is computed at once from today's participants."""
    program = get_program_for(_user(request), code, manage=True)
    event = speed.event_create(
        program=program, actor=_user(request), request=request, **payload.dict()
    )
    return Status(201, event_out(event, _user(request), True))


@router.get("/{code}/events/{event}", response={200: SpeedEventOut, **READ_ERRORS})
def get_event(request: HttpRequest, code: str, event: str) -> dict[str, Any]:
    found, manager = get_event_for(_user(request), code, event)
    return event_out(found, _user(request), manager)


@router.put("/{code}/events/{event}/interest", response={204: None, **WRITE_ERRORS})
def set_interest(request: HttpRequest, code: str, event: str, payload: InterestIn) -> Status:
    """Whom one would like to continue with, best first (replaces earlier choices)."""
    found, _manager = get_event_for(_user(request), code, event)
    people = {u.code: u for u in User.objects.filter(code__in=payload.chosen)}
    if len(people) != len(set(payload.chosen)):
        raise ApiError(422, "You can only choose people you met.", "not_met")
    speed.interest_set(
        event=found, chooser=_user(request), chosen=[people[c] for c in payload.chosen]
    )
    return Status(204, None)


@router.post("/{code}/events/{event}/conclude", response={200: ConcludeOut, **WRITE_ERRORS})
def conclude_event(request: HttpRequest, code: str, event: str) -> dict[str, Any]:
    """Turn mutual choices into mentorships (stable matching on both sides' lists)."""
    found, _manager = get_event_for(_user(request), code, event, manage=True)
    created = speed.event_conclude(event=found, actor=_user(request), request=request)
    return {"mentorships": [getattr(m, "code", "") for m in created]}

"""Goals, action items and messages API."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from carementor.accounts.models import User
from carementor.audit.services import record_read
from carementor.credentials.uploads import inspect_upload, read_upload
from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS, ApiError, ErrorOut
from carementor.mentorships import conversation, plans
from carementor.mentorships import serializers as ser
from carementor.mentorships.models import ActionItem, Goal, Message
from carementor.mentorships.permissions import get_mentorship_for
from carementor.mentorships.plans import GoalData
from carementor.mentorships.schemas import (
    ActionItemIn,
    ActionItemOut,
    DoneIn,
    GoalIn,
    GoalOut,
    GoalProgressIn,
    MessageOut,
    MessagePageOut,
    PageIn,
)
from carementor.profiles.models import Competency

router = Router(tags=["mentorships"])


def _user(request: HttpRequest) -> User:
    """The signed-in person: the API's authentication lets no one else through."""
    return request.user  # type: ignore[return-value]


UPLOAD_ERRORS: dict[int, type[ErrorOut]] = {**WRITE_ERRORS, 413: ErrorOut}
PAGE_SIZE = 50


def _goals(mentorship: Any) -> Any:
    return Goal.objects.filter(mentorship=mentorship).prefetch_related("competencies", "history")


@router.get("/{code}/goals", response={200: list[GoalOut], **READ_ERRORS})
def list_goals(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    return [ser.goal(g) for g in _goals(mentorship)]


@router.post("/{code}/goals", response={201: GoalOut, **WRITE_ERRORS})
def create_goal(request: HttpRequest, code: str, payload: GoalIn) -> Status:
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    competencies = list(Competency.objects.filter(code__in=payload.competencies))
    if len(competencies) != len(set(payload.competencies)):
        raise ApiError(422, "Unknown competency.", "invalid")
    goal = plans.goal_create(
        mentorship=mentorship,
        user=_user(request),
        data=GoalData(
            title=payload.title,
            measure=payload.measure,
            why=payload.why,
            target_date=payload.target_date,
            competencies=tuple(competencies),
        ),
        confirm_no_identifiers=payload.confirm_no_identifiers,
    )
    return Status(201, ser.goal(_goals(mentorship).get(pk=goal.pk)))


@router.post("/{code}/goals/{goal_code}/progress", response={200: GoalOut, **WRITE_ERRORS})
def goal_progress(
    request: HttpRequest, code: str, goal_code: str, payload: GoalProgressIn
) -> dict[str, Any]:
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    goal = Goal.objects.filter(mentorship=mentorship, code=goal_code).first()
    if goal is None:
        raise Http404
    goal.mentorship = mentorship
    plans.goal_progress(
        goal=goal,
        user=_user(request),
        progress=payload.progress,
        note=payload.note,
        status=payload.status,
        confirm_no_identifiers=payload.confirm_no_identifiers,
    )
    return ser.goal(_goals(mentorship).get(pk=goal.pk))


@router.get("/{code}/action-items", response={200: list[ActionItemOut], **READ_ERRORS})
def list_action_items(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    items = ActionItem.objects.filter(mentorship=mentorship).select_related("owner", "goal")
    for item in items:
        item.mentorship = mentorship
    return [ser.action_item(a) for a in items]


@router.post("/{code}/action-items", response={201: ActionItemOut, **WRITE_ERRORS})
def create_action_item(request: HttpRequest, code: str, payload: ActionItemIn) -> Status:
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    owner = {u.code: u for u in mentorship.party_users()}.get(payload.owner)
    if owner is None:
        raise ApiError(422, "The owner must be in this mentorship.", "invalid")
    goal = None
    if payload.goal:
        goal = Goal.objects.filter(mentorship=mentorship, code=payload.goal).first()
        if goal is None:
            raise ApiError(422, "Unknown goal.", "invalid")
    item = plans.action_item_create(
        mentorship=mentorship,
        user=_user(request),
        title=payload.title,
        owner=owner,
        due_on=payload.due_on,
        goal=goal,
        confirm_no_identifiers=payload.confirm_no_identifiers,
    )
    return Status(201, ser.action_item(item))


@router.post("/{code}/action-items/{item_code}/done", response={200: ActionItemOut, **WRITE_ERRORS})
def action_item_done(
    request: HttpRequest, code: str, item_code: str, payload: DoneIn
) -> dict[str, Any]:
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    item = (
        ActionItem.objects.filter(mentorship=mentorship, code=item_code)
        .select_related("owner", "goal")
        .first()
    )
    if item is None:
        raise Http404
    item.mentorship = mentorship
    item = plans.action_item_set_done(item=item, user=_user(request), done=payload.done)
    return ser.action_item(item)


@router.get("/{code}/messages", response={200: MessagePageOut, **READ_ERRORS})
def list_messages(request: HttpRequest, code: str, params: Query[PageIn]) -> dict[str, Any]:
    """Newest first. Reading marks the conversation read for you."""
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    unread = conversation.unread_count(_user(request), mentorship)
    rows = (
        Message.objects.filter(mentorship=mentorship)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("-created_at", "-id")
    )
    start = (params.page - 1) * PAGE_SIZE
    items = [ser.message(m, mentorship.code) for m in rows[start : start + PAGE_SIZE]]
    record_read(
        request.user,
        "message.read",
        mentorship,
        organization=mentorship.organization,
        request=request,
        detail={"page": params.page},
    )
    conversation.messages_mark_read(mentorship, _user(request))
    return {"count": rows.count(), "unread": unread, "page": params.page, "items": items}


@router.post("/{code}/messages", response={201: MessageOut, **UPLOAD_ERRORS})
def send_message(
    request: HttpRequest,
    code: str,
    body: str = Form(""),  # type: ignore[assignment]
    attachment: UploadedFile | None = File(None),  # type: ignore[assignment]  # noqa: B008
    confirm_no_identifiers: bool = Form(False),  # type: ignore[assignment]
) -> Status:
    """Multipart: ``body`` and an optional ``attachment`` (PDF, PNG or JPEG, 10 MB).

    A body that looks like it identifies a patient is refused with 422 ``patient_identifiers``
    (each finding's kind and span in ``errors``); send it again edited, or with
    ``confirm_no_identifiers=true`` if it identifies nobody."""
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    inspected = (
        inspect_upload(attachment.name or "", read_upload(attachment)) if attachment else None
    )
    message = conversation.message_send(
        mentorship=mentorship,
        author=request.user,
        body=body,
        attachment=inspected,
        request=request,
        confirm_no_identifiers=confirm_no_identifiers,
    )
    return Status(201, ser.message(message, mentorship.code))

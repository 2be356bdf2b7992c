"""Communities in the API: find, create, join, leave and mute; posts, comments, helpful marks,
accepted answers, follows, reports; moderation. And the patient-identifier check."""

from datetime import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AwareDatetime, ConfigDict

from carementor.accounts.models import User
from carementor.communities import chats, posting, selectors, services
from carementor.communities.appeals import appeal_create, appeal_decide
from carementor.communities.attachments import attachment_add, attachment_response
from carementor.communities.digest import community_digest
from carementor.communities.models import (
    Appeal,
    Attachment,
    Chat,
    ChatMessage,
    Comment,
    Community,
    Member,
    ModerationAction,
    Post,
)
from carementor.communities.permissions import (
    get_appeal_for,
    get_attachment_for,
    get_chat_for,
    get_community_for,
    get_post_for,
)
from carementor.credentials.uploads import inspect_upload, read_upload
from carementor.lib.api_errors import AUTH_ERRORS, READ_ERRORS, WRITE_ERRORS, ApiError, ErrorOut
from carementor.lib.paging import BoundedPageNumberPagination
from carementor.lib.phi import find_identifiers
from carementor.lib.text import Name, Text
from carementor.organizations.models import Organization
from carementor.profiles.models import Profession, Specialty

router = Router(tags=["communities"])
UPLOAD_ERRORS = {**WRITE_ERRORS, 413: ErrorOut}
safeguards_router = Router(tags=["safeguards"])


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


# --- Safeguards ------------------------------------------------------------------------------


class CheckIn(Strict):
    text: Text = Field(max_length=50_000)


class FindingOut(Schema):
    kind: str
    start: int
    end: int
    confidence: str = Field(description="high (blocks a community post) or medium (asks)")


class CheckOut(Schema):
    findings: list[FindingOut]


@safeguards_router.post(
    "/check",
    response={200: CheckOut, **AUTH_ERRORS},
    summary="Find patient identifiers in a text",
    description="Nothing is stored. Offsets are character positions in the text.",
)
def safeguards_check(request: HttpRequest, payload: CheckIn) -> Any:
    return {"findings": [f.as_dict() for f in find_identifiers(payload.text)]}


# --- Communities -----------------------------------------------------------------------------


class CommunityOut(Schema):
    code: str
    kind: str
    name: str
    description: str
    guidelines: str
    join_policy: str
    organization: str | None = Field(description="The organisation's code, if any.")
    program: str | None = Field(description="The programme's code, if any.")
    profession: str | None
    specialty: str | None
    region: str
    topic: str
    member_count: int

    @staticmethod
    def resolve_organization(obj: Community) -> str | None:
        return obj.organization.code if obj.organization else None

    @staticmethod
    def resolve_program(obj: Community) -> str | None:
        return obj.program.code if obj.program else None

    @staticmethod
    def resolve_profession(obj: Community) -> str | None:
        return obj.profession.code if obj.profession else None

    @staticmethod
    def resolve_specialty(obj: Community) -> str | None:
        return obj.specialty.code if obj.specialty else None


class MyMembershipOut(Schema):
    code: str
    community: CommunityOut
    role: str
    status: str
    muted: bool
    digest: bool


class CommunityFilter(Schema):
    q: Text = Field("", max_length=200)
    profession: str = Field("", max_length=40)
    specialty: str = Field("", max_length=60)


class CommunityIn(Strict):
    name: Name = Field(min_length=1, max_length=120)
    description: Text = Field("", max_length=2000)
    guidelines: Text = Field("", max_length=4000)
    join_policy: Literal["open", "request", "invitation"] = "open"
    organization: str | None = Field(None, max_length=16, description="For an organisation's.")
    program: str | None = Field(None, max_length=16, description="For a programme's own space.")
    profession: str | None = Field(None, max_length=40)
    specialty: str | None = Field(None, max_length=60)
    region: Name = Field("", max_length=80)
    topic: Name = Field("", max_length=80)


@router.get("/", response={200: list[MyMembershipOut], **AUTH_ERRORS}, summary="My communities")
@paginate(BoundedPageNumberPagination, page_size=20)
def my_communities(request: HttpRequest) -> QuerySet[Member]:
    return selectors.my_communities(_user(request)).select_related(
        "community__program", "community__profession", "community__specialty"
    )


@router.get(
    "/find",
    response={200: list[CommunityOut], **AUTH_ERRORS},
    summary="Communities to find and join",
)
@paginate(BoundedPageNumberPagination, page_size=20)
def find_communities(request: HttpRequest, filters: Query[CommunityFilter]) -> Any:
    return selectors.communities_to_find(
        _user(request), q=filters.q, profession=filters.profession, specialty=filters.specialty
    ).select_related("program")


@router.post("/", response={201: CommunityOut, **WRITE_ERRORS}, summary="Start a community")
def create_community(request: HttpRequest, payload: CommunityIn) -> Status[Any]:
    user = _user(request)
    if payload.program:
        from carementor.programs.models import Program

        program = Program.objects.filter(code=payload.program).first()
        if program is None:
            raise Http404
        return Status(201, services.community_for_program(program, actor=user, request=request))
    organization = None
    if payload.organization:
        organization = Organization.objects.filter(
            code=payload.organization, memberships__user=user
        ).first()
        if organization is None:
            raise Http404
    profession = specialty = None
    if payload.profession:
        profession = Profession.objects.filter(code=payload.profession).first()
        if profession is None:
            raise ApiError(422, "Unknown profession.", "invalid")
    if payload.specialty:
        specialty = Specialty.objects.filter(code=payload.specialty).first()
        if specialty is None:
            raise ApiError(422, "Unknown specialty.", "invalid")
    community = services.community_create(
        actor=user,
        name=payload.name,
        description=payload.description,
        guidelines=payload.guidelines,
        join_policy=payload.join_policy,
        organization=organization,
        profession=profession,
        specialty=specialty,
        region=payload.region,
        topic=payload.topic,
        request=request,
    )
    return Status(201, community)


@router.get("/{code}", response={200: CommunityOut, **READ_ERRORS}, summary="A community")
def get_community(request: HttpRequest, code: str) -> Community:
    return get_community_for(_user(request), code).community


class JoinIn(Strict):
    accept_guidelines: bool = Field(description="Must be true: the guidelines are accepted.")


class CommunityMemberOut(Schema):
    code: str
    user: str
    name: str
    role: str
    status: str
    muted: bool
    digest: bool
    warnings: int
    suspended_until: datetime | None

    @staticmethod
    def resolve_user(obj: Member) -> str:
        return obj.user.code

    @staticmethod
    def resolve_name(obj: Member) -> str:
        return obj.user.get_full_name()


@router.post(
    "/{code}/join",
    response={200: CommunityMemberOut, **WRITE_ERRORS},
    summary="Join (or ask to join, or accept an invitation)",
)
def join_community(request: HttpRequest, code: str, payload: JoinIn) -> Member:
    user = _user(request)
    access = get_community_for(user, code)
    return services.community_join(
        access.community, user, accept_guidelines=payload.accept_guidelines, request=request
    )


@router.post("/{code}/leave", response={200: CommunityMemberOut, **WRITE_ERRORS}, summary="Leave")
def leave_community(request: HttpRequest, code: str) -> Member:
    access = get_community_for(_user(request), code)
    if access.member is None:
        raise Http404
    return services.community_leave(access.member, request=request)


class MuteIn(Strict):
    muted: bool


@router.post(
    "/{code}/mute", response={200: CommunityMemberOut, **WRITE_ERRORS}, summary="Mute or unmute"
)
def mute_community(request: HttpRequest, code: str, payload: MuteIn) -> Member:
    access = get_community_for(_user(request), code)
    if access.member is None:
        raise Http404
    return services.community_mute(access.member, muted=payload.muted)


class CommunityDigestIn(Strict):
    digest: bool = Field(description="One notification a day listing the new posts.")


@router.post(
    "/{code}/digest",
    response={200: CommunityMemberOut, **WRITE_ERRORS},
    summary="Turn the daily digest on or off",
)
def digest_community(request: HttpRequest, code: str, payload: CommunityDigestIn) -> Member:
    access = get_community_for(_user(request), code)
    if access.member is None:
        raise Http404
    return community_digest(access.member, digest=payload.digest)


class CommunityMemberFilter(Schema):
    status: Literal["", "active", "requested", "invited", "banned"] = ""


@router.get(
    "/{code}/members",
    response={200: list[CommunityMemberOut], **READ_ERRORS},
    summary="Members (moderators)",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_members(request: HttpRequest, code: str, filters: Query[CommunityMemberFilter]) -> Any:
    access = get_community_for(_user(request), code)
    if not access.can_moderate:
        raise ApiError(403, "Only the community's moderators may do this.", "forbidden")
    return selectors.members_of(access, status=filters.status)


class MentionFilter(Schema):
    q: Text = Field("", max_length=64, description="What follows the @ typed so far")


class MentionOut(Schema):
    handle: str = Field(description="Write @handle in a post, comment or chat line")
    name: str
    profile: str | None

    @staticmethod
    def resolve_handle(obj: Member) -> str:
        return obj.user.code

    @staticmethod
    def resolve_name(obj: Member) -> str:
        return obj.user.get_full_name()

    @staticmethod
    def resolve_profile(obj: Member) -> str | None:
        return getattr(obj, "profile_code", None)


@router.get(
    "/{code}/mentionable",
    response={200: list[MentionOut], **READ_ERRORS},
    summary="Members one can @mention (autocomplete)",
)
@paginate(BoundedPageNumberPagination, page_size=8)
def mentionable(request: HttpRequest, code: str, filters: Query[MentionFilter]) -> Any:
    """Active members whose name begins with or contains ``q``, for members who may post."""
    access = get_community_for(_user(request), code)
    if not access.can_post:
        raise ApiError(403, "Only the community's members may mention its members.", "forbidden")
    return selectors.mentionable(access, filters.q)


class MemberActionIn(Strict):
    action: Literal["approve", "decline", "make_moderator", "make_member", "warn", "suspend", "ban"]
    reason: Text = Field("", max_length=300)
    days: int = Field(0, ge=0, le=90, description="For suspend: mute for this many days.")


@router.post(
    "/{code}/members/{member_code}",
    response={200: CommunityMemberOut, **WRITE_ERRORS},
    summary="Decide about a member (moderators)",
)
def decide_member(
    request: HttpRequest, code: str, member_code: str, payload: MemberActionIn
) -> Member:
    access = get_community_for(_user(request), code)
    if not access.can_moderate:
        raise ApiError(403, "Only the community's moderators may do this.", "forbidden")
    member = Member.objects.filter(community=access.community, code=member_code).first()
    if member is None:
        raise Http404
    return services.member_decide(
        access, member, payload.action, reason=payload.reason, days=payload.days, request=request
    )


class InviteIn(Strict):
    user: str = Field(max_length=16, description="The invitee's user code.")


@router.post(
    "/{code}/invitations",
    response={201: CommunityMemberOut, **WRITE_ERRORS},
    summary="Invite someone (moderators)",
)
def invite_member(request: HttpRequest, code: str, payload: InviteIn) -> Status[Any]:
    access = get_community_for(_user(request), code)
    if not access.can_moderate:
        raise ApiError(403, "Only the community's moderators may do this.", "forbidden")
    invitee = User.objects.filter(code=payload.user, is_active=True).first()
    if invitee is None:
        raise ApiError(422, "Nobody with that code.", "invalid")
    return Status(201, services.member_invite(access, invitee, request=request))


# --- Posts -----------------------------------------------------------------------------------


class SourceOut(Schema):
    kind: str = Field(description="doi, pmid or url")
    value: str
    url: str


class CommunityAttachmentOut(Schema):
    code: str
    name: str
    content_type: str
    size: int
    sha256: str
    comment: str | None = Field(description="The comment's code, or null for the post's own.")
    url: str = Field(description="Download it here (signed-in readers of the post only).")

    @staticmethod
    def resolve_comment(obj: Attachment) -> str | None:
        return obj.comment.code if obj.comment_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_url(obj: Attachment) -> str:
        return f"/api/v1/communities/attachments/{obj.code}"


class PostOut(Schema):
    code: str
    community: str
    kind: str
    title: str
    body: str
    body_html: str
    author: str
    author_name: str
    sources: list[SourceOut]
    interest: str
    interest_detail: str
    visibility: str
    moderation_reason: str
    held_reason: str = Field(description="While held: identifiers or new_account.")
    label: str
    label_reason: str
    accepted_answer: str | None
    comment_count: int
    helpful_count: int
    created_at: datetime
    edited_at: datetime | None
    last_activity_at: datetime
    unread: bool = False
    attachments: list[CommunityAttachmentOut] = Field(
        [], description="The post's own files (comments list theirs)."
    )

    @staticmethod
    def resolve_attachments(obj: Post) -> list[Attachment]:
        return [a for a in obj.attachments.all() if a.comment_id is None]

    @staticmethod
    def resolve_community(obj: Post) -> str:
        return obj.community.code

    @staticmethod
    def resolve_author(obj: Post) -> str:
        return obj.author.code

    @staticmethod
    def resolve_author_name(obj: Post) -> str:
        return obj.author.get_full_name()

    @staticmethod
    def resolve_accepted_answer(obj: Post) -> str | None:
        return obj.accepted_answer.code if obj.accepted_answer_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_unread(obj: Post) -> bool:
        return bool(getattr(obj, "unread", False))


class PostFilter(Schema):
    q: Text = Field("", max_length=200)
    kind: Literal["", "question", "discussion"] = ""
    unanswered: bool = False


class PostIn(Strict):
    kind: Literal["discussion", "question"] = "discussion"
    title: Name = Field(min_length=1, max_length=200)
    body: Text = Field(min_length=1, max_length=20_000, description="Markdown (a safe subset).")
    sources: list[Text] = Field([], max_length=10, description="DOIs, PubMed ids or URLs.")
    interest: Literal["none", "industry", "sponsorship", "financial", "other"] = "none"
    interest_detail: Text = Field("", max_length=300)
    confirm_no_identifiers: bool = Field(
        False,
        description="After a 422 patient_identifiers answer: the author confirms that the "
        "findings identify nobody. Medium findings then post; high ones are held.",
    )

    def draft(self) -> posting.Draft:
        return posting.Draft(**self.model_dump())


@router.get(
    "/{code}/posts", response={200: list[PostOut], **READ_ERRORS}, summary="A community's posts"
)
@paginate(BoundedPageNumberPagination, page_size=20)
def list_posts(request: HttpRequest, code: str, filters: Query[PostFilter]) -> Any:
    user = _user(request)
    access = get_community_for(user, code)
    if not access.can_read:
        raise Http404
    return (
        selectors.posts_in(
            access, user, q=filters.q, kind=filters.kind, unanswered=filters.unanswered
        )
        .select_related("community", "accepted_answer")
        .prefetch_related("attachments")
    )


@router.post(
    "/{code}/posts",
    response={201: PostOut, **WRITE_ERRORS, 429: ErrorOut},
    summary="Write a post",
    description="Answers 422 with code patient_identifiers and the findings in `errors` when "
    "the text looks like it identifies a patient; send again with the details removed or "
    "with confirm_no_identifiers.",
)
def create_post(request: HttpRequest, code: str, payload: PostIn) -> Status[Any]:
    user = _user(request)
    access = get_community_for(user, code)
    return Status(201, posting.post_create(access, user, payload.draft(), request=request))


@router.get("/posts/{code}", response={200: PostOut, **READ_ERRORS}, summary="A post")
def get_post(request: HttpRequest, code: str) -> Post:
    user = _user(request)
    _access, post = get_post_for(user, code)
    posting.post_mark_read(user, post)
    return post


@router.put("/posts/{code}", response={200: PostOut, **WRITE_ERRORS}, summary="Edit my post")
def edit_post(request: HttpRequest, code: str, payload: PostIn) -> Post:
    user = _user(request)
    access, post = get_post_for(user, code)
    return posting.post_edit(access, post, user, payload.draft(), request=request)


class CommentOut(Schema):
    code: str
    author: str
    author_name: str
    verified_in_topic: bool = Field(
        False, description="The author holds a valid credential and practises the specialty."
    )
    body: str
    body_html: str
    visibility: str
    helpful_count: int
    created_at: datetime
    attachments: list[CommunityAttachmentOut] = []

    @staticmethod
    def resolve_attachments(obj: Comment) -> list[Attachment]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_author(obj: Comment) -> str:
        return obj.author.code

    @staticmethod
    def resolve_verified_in_topic(obj: Comment) -> bool:
        return bool(getattr(obj, "verified_in_topic", False))

    @staticmethod
    def resolve_author_name(obj: Comment) -> str:
        return obj.author.get_full_name()


class CommentIn(Strict):
    body: Text = Field(min_length=1, max_length=10_000)
    confirm_no_identifiers: bool = False


@router.get(
    "/posts/{code}/comments",
    response={200: list[CommentOut], **READ_ERRORS},
    summary="A post's comments or answers",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_comments(request: HttpRequest, code: str) -> Any:
    user = _user(request)
    access, post = get_post_for(user, code)
    return selectors.comments_on(access, post, user)


@router.post(
    "/posts/{code}/comments",
    response={201: CommentOut, **WRITE_ERRORS, 429: ErrorOut},
    summary="Comment on a post, or answer a question",
)
def create_comment(request: HttpRequest, code: str, payload: CommentIn) -> Status[Any]:
    user = _user(request)
    access, post = get_post_for(user, code)
    comment = posting.comment_create(
        access,
        post,
        user,
        payload.body,
        confirm_no_identifiers=payload.confirm_no_identifiers,
        request=request,
    )
    return Status(201, comment)


@router.post(
    "/posts/{code}/attachments",
    response={201: CommunityAttachmentOut, **UPLOAD_ERRORS},
    summary="Attach a file to my post or comment",
    description="Multipart: `file` (PDF, PNG or JPEG, 10 MB; checked like credential "
    "evidence; images lose their metadata) and optionally `comment`, one of my comments' "
    "codes. At most five files each.",
)
def attach_file(
    request: HttpRequest,
    code: str,
    file: UploadedFile = File(...),  # type: ignore[assignment]  # noqa: B008
    comment: str = Form(""),  # type: ignore[assignment]
) -> Status[Any]:
    user = _user(request)
    access, post = get_post_for(user, code)
    target = _comment(post, comment[:16] or None)
    inspected = inspect_upload(file.name or "", read_upload(file))
    return Status(
        201, attachment_add(access, post, user, inspected, comment=target, request=request)
    )


@router.get(
    "/attachments/{code}",
    response={200: None, **READ_ERRORS},
    summary="Download a post's or comment's file",
)
def download_attachment(request: HttpRequest, code: str) -> Any:
    _access, attachment = get_attachment_for(_user(request), code)
    try:
        return attachment_response(attachment)
    except FileNotFoundError:
        raise Http404 from None


def _comment(post: Post, code: str | None) -> Comment | None:
    if not code:
        return None
    comment = post.comments.filter(code=code).first()
    if comment is None:
        raise Http404
    return comment


class HelpfulIn(Strict):
    comment: str | None = Field(None, max_length=16, description="A comment instead of the post.")


class HelpfulOut(Schema):
    helpful: bool


@router.post(
    "/posts/{code}/helpful",
    response={200: HelpfulOut, **WRITE_ERRORS},
    summary="Mark or unmark as helpful",
)
def toggle_helpful(request: HttpRequest, code: str, payload: HelpfulIn) -> Any:
    user = _user(request)
    access, post = get_post_for(user, code)
    comment = _comment(post, payload.comment)
    return {"helpful": posting.helpful_toggle(access, user, post=post, comment=comment)}


class FollowIn(Strict):
    following: bool


class FollowOut(Schema):
    following: bool


@router.post(
    "/posts/{code}/follow", response={200: FollowOut, **WRITE_ERRORS}, summary="Follow a post"
)
def follow_post(request: HttpRequest, code: str, payload: FollowIn) -> Any:
    user = _user(request)
    _access, post = get_post_for(user, code)
    return {"following": posting.post_follow(user, post, following=payload.following).following}


class CommunityAcceptIn(Strict):
    comment: str | None = Field(max_length=16, description="The answer's code, or null.")


@router.post(
    "/posts/{code}/accept",
    response={200: PostOut, **WRITE_ERRORS},
    summary="Accept an answer to my question",
)
def accept_answer(request: HttpRequest, code: str, payload: CommunityAcceptIn) -> Post:
    user = _user(request)
    access, post = get_post_for(user, code)
    comment = _comment(post, payload.comment)
    return posting.answer_accept(access, post, comment, user, request=request)


class CommunityReportIn(Strict):
    reason: Literal["misinformation", "patient_data", "harassment", "promotion", "other"] = "other"
    note: Text = Field("", max_length=500)
    comment: str | None = Field(None, max_length=16)


class ReportOut(Schema):
    code: str
    reason: str
    created_at: datetime


@router.post(
    "/posts/{code}/reports",
    response={201: ReportOut, **WRITE_ERRORS},
    summary="Report a post or comment",
)
def report_post(request: HttpRequest, code: str, payload: CommunityReportIn) -> Status[Any]:
    user = _user(request)
    access, post = get_post_for(user, code)
    comment = _comment(post, payload.comment)
    report = posting.report_create(
        access,
        user,
        post,
        reason=payload.reason,
        note=payload.note,
        comment=comment,
        request=request,
    )
    return Status(201, report)


# --- Moderation ------------------------------------------------------------------------------


class ModerationQueueItemOut(PostOut):
    open_reports: int = 0
    has_held_comment: bool = False

    @staticmethod
    def resolve_open_reports(obj: Post) -> int:
        return int(getattr(obj, "open_reports", 0) or 0)


@router.get(
    "/{code}/moderation",
    response={200: list[ModerationQueueItemOut], **READ_ERRORS},
    summary="Moderation queue (moderators)",
)
@paginate(BoundedPageNumberPagination, page_size=20)
def moderation_queue(request: HttpRequest, code: str) -> Any:
    access = get_community_for(_user(request), code)
    if not access.can_moderate:
        raise ApiError(403, "Only the community's moderators may do this.", "forbidden")
    return (
        selectors.moderation_queue(access)
        .select_related("community", "accepted_answer")
        .prefetch_related("attachments")
    )


class ModerateIn(Strict):
    action: Literal["approve", "hide", "remove", "restore", "dismiss", "label"]
    reason: Text = Field("", max_length=300)
    label: Literal["", "outdated", "disputed", "not_evidence_based"] = ""
    comment: str | None = Field(None, max_length=16)


class ModerationOut(Schema):
    code: str
    action: str
    reason: str
    created_at: datetime


@router.post(
    "/posts/{code}/moderate",
    response={200: ModerationOut, **WRITE_ERRORS},
    summary="Decide about a post or comment (moderators)",
)
def moderate_post(request: HttpRequest, code: str, payload: ModerateIn) -> ModerationAction:
    user = _user(request)
    access, post = get_post_for(user, code)
    if not access.can_moderate:
        raise ApiError(403, "Only the community's moderators may do this.", "forbidden")
    comment = _comment(post, payload.comment)
    return posting.moderate(
        access,
        user,
        post=post,
        comment=comment,
        action=payload.action,
        reason=payload.reason,
        label=payload.label,
        request=request,
    )


class CommunityAppealIn(Strict):
    text: Text = Field(min_length=1, max_length=1000)
    comment: str | None = Field(None, max_length=16, description="One of my hidden comments.")


class CommunityAppealOut(Schema):
    code: str
    post: str
    comment: str | None
    author: str
    text: str
    created_at: datetime
    decided_at: datetime | None
    outcome: str = Field(description="restored, upheld, or empty while open")
    decision_reason: str

    @staticmethod
    def resolve_post(obj: Appeal) -> str:
        return obj.post.code

    @staticmethod
    def resolve_comment(obj: Appeal) -> str | None:
        return obj.comment.code if obj.comment_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_author(obj: Appeal) -> str:
        return obj.author.code


@router.post(
    "/posts/{code}/appeals",
    response={201: CommunityAppealOut, **WRITE_ERRORS},
    summary="Appeal against hiding my post or comment (once)",
)
def appeal_post(request: HttpRequest, code: str, payload: CommunityAppealIn) -> Status[Any]:
    user = _user(request)
    access, post = get_post_for(user, code)
    comment = _comment(post, payload.comment)
    appeal = appeal_create(access, user, post, text=payload.text, comment=comment, request=request)
    return Status(201, appeal)


@router.get(
    "/{code}/appeals",
    response={200: list[CommunityAppealOut], **READ_ERRORS},
    summary="Open appeals (moderators)",
)
@paginate(BoundedPageNumberPagination, page_size=20)
def list_appeals(request: HttpRequest, code: str) -> Any:
    access = get_community_for(_user(request), code)
    if not access.can_moderate:
        raise ApiError(403, "Only the community's moderators may do this.", "forbidden")
    return selectors.appeals_open(access)


class CommunityAppealDecisionIn(Strict):
    outcome: Literal["restored", "upheld"]
    reason: Text = Field("", max_length=300, description="Required to uphold.")


@router.post(
    "/appeals/{code}/decide",
    response={200: CommunityAppealOut, **WRITE_ERRORS},
    summary="Decide an appeal (moderators)",
)
def decide_appeal(request: HttpRequest, code: str, payload: CommunityAppealDecisionIn) -> Appeal:
    user = _user(request)
    access, appeal = get_appeal_for(user, code)
    if not access.can_moderate:
        raise ApiError(403, "Only the community's moderators may do this.", "forbidden")
    return appeal_decide(
        access, user, appeal, outcome=payload.outcome, reason=payload.reason, request=request
    )


# --- Chats -----------------------------------------------------------------------------------


class ChatOut(Schema):
    code: str
    topic: str
    host: str
    host_name: str
    starts_at: datetime
    ends_at: datetime

    @staticmethod
    def resolve_host(obj: Chat) -> str:
        return obj.host.code

    @staticmethod
    def resolve_host_name(obj: Chat) -> str:
        return obj.host.get_full_name()


class ChatIn(Strict):
    topic: Name = Field(min_length=1, max_length=200)
    host: str = Field(max_length=16, description="The host's user code (a member).")
    starts_at: AwareDatetime
    ends_at: AwareDatetime


@router.get(
    "/{code}/chats", response={200: list[ChatOut], **READ_ERRORS}, summary="A community's chats"
)
@paginate(BoundedPageNumberPagination, page_size=20)
def list_chats(request: HttpRequest, code: str) -> Any:
    access = get_community_for(_user(request), code)
    if not access.can_read:
        raise Http404
    return selectors.chats_in(access)


@router.post(
    "/{code}/chats", response={201: ChatOut, **WRITE_ERRORS}, summary="Schedule a chat (moderators)"
)
def schedule_chat(request: HttpRequest, code: str, payload: ChatIn) -> Status[Any]:
    user = _user(request)
    access = get_community_for(user, code)
    if not access.can_moderate:
        raise ApiError(403, "Only the community's moderators may do this.", "forbidden")
    host = User.objects.filter(code=payload.host, is_active=True).first()
    if host is None:
        raise ApiError(422, "Nobody with that code.", "invalid_host")
    chat = chats.chat_schedule(
        access,
        user,
        topic=payload.topic,
        host=host,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        request=request,
    )
    return Status(201, chat)


class ChatMessageOut(Schema):
    code: str
    author: str
    author_name: str
    body: str
    visibility: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: ChatMessage) -> str:
        return obj.author.code

    @staticmethod
    def resolve_author_name(obj: ChatMessage) -> str:
        return obj.author.get_full_name()


class ChatMessageIn(Strict):
    body: Text = Field(min_length=1, max_length=2000)
    confirm_no_identifiers: bool = False


@router.get(
    "/chats/{code}/messages",
    response={200: list[ChatMessageOut], **READ_ERRORS},
    summary="A chat's thread, oldest first",
)
@paginate(BoundedPageNumberPagination, page_size=100)
def list_chat_messages(request: HttpRequest, code: str) -> Any:
    user = _user(request)
    access, chat = get_chat_for(user, code)
    return selectors.chat_messages(access, chat, user)


@router.post(
    "/chats/{code}/messages",
    response={201: ChatMessageOut, **WRITE_ERRORS, 429: ErrorOut},
    summary="Write in a live chat",
)
def say_in_chat(request: HttpRequest, code: str, payload: ChatMessageIn) -> Status[Any]:
    user = _user(request)
    access, chat = get_chat_for(user, code)
    message = chats.chat_say(
        access, chat, user, payload.body, confirm_no_identifiers=payload.confirm_no_identifiers
    )
    return Status(201, message)

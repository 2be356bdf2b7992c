"""State changes of posts and comments: written and edited (through the patient-identifier
check), found helpful, answered, followed, read, reported and moderated."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.communities import attachments as files
from carementor.communities import mentions
from carementor.communities.content import parse_sources, render_markdown
from carementor.communities.errors import CommunityError, IdentifiersFound
from carementor.communities.models import (
    Comment,
    HeldReason,
    Helpful,
    Interest,
    Label,
    Member,
    ModerationAction,
    Post,
    PostKind,
    PostState,
    Report,
    ReportReason,
    Visibility,
)
from carementor.communities.permissions import CommunityAccess
from carementor.credentials.uploads import InspectedFile
from carementor.lib.phi import find_identifiers, has_high
from carementor.notifications.services import notify
from carementor.organizations.models import Membership

MAX_LINKS = 10  # more links than this in one post reads as spam
# Nobody writes this much in an hour by hand; a script or a compromised account does.
POSTS_PER_HOUR = 10
COMMENTS_PER_HOUR = 60
# Accounts younger than this, vouched for by no organisation, have their first post or
# comment in a community checked by a moderator: the cheapest defence against spam accounts.
NEW_ACCOUNT_DAYS = 7


def first_of_new_account(access: CommunityAccess, author: User) -> bool:
    """Whether what ``author`` writes now is held as the first words of a new account."""
    if access.can_moderate:
        return False
    if author.date_joined < timezone.now() - timedelta(days=NEW_ACCOUNT_DAYS):
        return False
    if Membership.objects.filter(user=author).exists():
        return False
    community = access.community
    return not (
        Post.objects.filter(
            community=community, author=author, visibility=Visibility.VISIBLE
        ).exists()
        or Comment.objects.filter(
            post__community=community, author=author, visibility=Visibility.VISIBLE
        ).exists()
    )


def _held_reason(identifiers: bool, new_account: bool) -> str:
    if identifiers:
        return HeldReason.IDENTIFIERS
    return HeldReason.NEW_ACCOUNT if new_account else HeldReason.NONE


def _check_rate(model: type[Post] | type[Comment], author: User, limit: int) -> None:
    since = timezone.now() - timedelta(hours=1)
    if model.objects.filter(author=author, created_at__gte=since).count() >= limit:
        raise CommunityError(
            _("You have written a lot in the last hour. Please wait a while."),
            status=429,
            code="rate_limited",
        )


@dataclass
class Draft:
    """What an author sends for a post (validated at the edge)."""

    title: str
    body: str
    kind: str = PostKind.DISCUSSION
    sources: list[str] = field(default_factory=list)
    interest: str = Interest.NONE
    interest_detail: str = ""
    confirm_no_identifiers: bool = False
    # Checked by the credentials upload inspector at the edge; metadata is stripped here.
    attachments: list[InspectedFile] = field(default_factory=list)


def screen(text: str, *, confirmed: bool, field_name: str = "body") -> bool:
    """Check text for patient identifiers. Unconfirmed findings refuse the text; confirmed
    ones let it through. Returns whether a moderator must see it first (a high-confidence
    identifier the author insists is not one)."""
    findings = find_identifiers(text)
    if findings and not confirmed:
        raise IdentifiersFound(findings, field_name)
    return has_high(findings)


def _check_links(text: str) -> None:
    if text.count("http://") + text.count("https://") > MAX_LINKS:
        raise CommunityError(
            _("Too many links: use at most %(n)d.") % {"n": MAX_LINKS},
            status=422,
            code="too_many_links",
        )


def _check_interest(draft: Draft) -> None:
    if draft.interest not in Interest.values or draft.kind not in PostKind.values:
        raise CommunityError(_("That choice is not available."), status=422, code="invalid")
    if draft.interest != Interest.NONE and not draft.interest_detail.strip():
        raise CommunityError(
            _("Say briefly what the interest is."),
            status=422,
            code="interest_detail_required",
            errors=[{"loc": ["interest_detail"], "msg": _("Describe the interest.")}],
        )


def _require_poster(access: CommunityAccess, user: User) -> Member:
    if not access.can_post or access.member is None:
        raise CommunityError(
            _("Join the community and accept its guidelines to post."),
            status=403,
            code="not_a_member",
        )
    return access.member


def post_create(
    access: CommunityAccess, author: User, draft: Draft, *, request: HttpRequest | None = None
) -> Post:
    """Write a post with its attachments (stored first, removed again if the post fails)."""
    stored = files.store(draft.attachments)
    try:
        return _post_create(access, author, draft, stored, request=request)
    except BaseException:
        files.discard(stored)
        raise


@transaction.atomic
def _post_create(
    access: CommunityAccess,
    author: User,
    draft: Draft,
    stored: list[tuple[InspectedFile, str]],
    *,
    request: HttpRequest | None = None,
) -> Post:
    _require_poster(access, author)
    _check_rate(Post, author, POSTS_PER_HOUR)
    _check_interest(draft)
    sources = parse_sources(draft.sources)
    _check_links(draft.body)
    identifiers = screen(f"{draft.title}\n{draft.body}", confirmed=draft.confirm_no_identifiers)
    held_reason = _held_reason(identifiers, first_of_new_account(access, author))
    held = bool(held_reason)
    people = mentions.mentioned(draft.body, access.community)
    now = timezone.now()
    post = Post.objects.create(
        community=access.community,
        author=author,
        kind=draft.kind,
        title=draft.title.strip(),
        body=draft.body,
        body_html=render_markdown(mentions.link_mentions(draft.body, people)),
        sources=sources,
        interest=draft.interest,
        interest_detail=draft.interest_detail.strip() if draft.interest != Interest.NONE else "",
        visibility=Visibility.HELD if held else Visibility.VISIBLE,
        held_reason=held_reason,
        identifiers_confirmed=draft.confirm_no_identifiers and bool(find_identifiers(draft.body)),
        last_activity_at=now,
    )
    files.link(stored, post=post, uploader=author, comment=None)
    PostState.objects.create(user=author, post=post, read_at=now, following=True)
    record(
        author,
        "communities.post_held" if held else "communities.posted",
        post,
        organization=access.community.organization,
        request=request,
    )
    if not held:
        mentions.notify_mentioned(
            people, author=author, community=access.community, target=post, title=post.title
        )
    return post


@transaction.atomic
def post_edit(
    access: CommunityAccess,
    post: Post,
    editor: User,
    draft: Draft,
    *,
    request: HttpRequest | None = None,
) -> Post:
    if post.author_id != editor.pk:
        raise PermissionDenied(_("Only the author may edit a post."))
    _require_poster(access, editor)
    _check_interest(draft)
    sources = parse_sources(draft.sources)
    _check_links(draft.body)
    held = screen(f"{draft.title}\n{draft.body}", confirmed=draft.confirm_no_identifiers)
    post = Post.objects.select_for_update().get(pk=post.pk)
    post.title = draft.title.strip()
    post.body = draft.body
    people = mentions.mentioned(draft.body, access.community)
    post.body_html = render_markdown(mentions.link_mentions(draft.body, people))
    post.sources = sources
    post.kind = draft.kind
    post.interest = draft.interest
    post.interest_detail = draft.interest_detail.strip() if draft.interest != "none" else ""
    post.edited_at = timezone.now()
    post.identifiers_confirmed = draft.confirm_no_identifiers and held
    if held and post.visibility == Visibility.VISIBLE:
        post.visibility = Visibility.HELD
        post.held_reason = HeldReason.IDENTIFIERS
    post.save()
    record(
        editor,
        "communities.post_edited",
        post,
        organization=access.community.organization,
        request=request,
    )
    return post


def comment_create(
    access: CommunityAccess,
    post: Post,
    author: User,
    body: str,
    *,
    confirm_no_identifiers: bool = False,
    attachments: list[InspectedFile] | None = None,
    request: HttpRequest | None = None,
) -> Comment:
    """Comment (or answer) with attachments, stored first and removed if the comment fails."""
    stored = files.store(attachments or [])
    try:
        return _comment_create(
            access,
            post,
            author,
            body,
            stored,
            confirm_no_identifiers=confirm_no_identifiers,
            request=request,
        )
    except BaseException:
        files.discard(stored)
        raise


@transaction.atomic
def _comment_create(
    access: CommunityAccess,
    post: Post,
    author: User,
    body: str,
    stored: list[tuple[InspectedFile, str]],
    *,
    confirm_no_identifiers: bool,
    request: HttpRequest | None,
) -> Comment:
    _require_poster(access, author)
    _check_rate(Comment, author, COMMENTS_PER_HOUR)
    if post.visibility != Visibility.VISIBLE:
        raise CommunityError(_("This post does not take answers now."), code="closed")
    _check_links(body)
    identifiers = screen(body, confirmed=confirm_no_identifiers)
    held_reason = _held_reason(identifiers, first_of_new_account(access, author))
    held = bool(held_reason)
    people = mentions.mentioned(body, access.community)
    comment = Comment.objects.create(
        post=post,
        author=author,
        body=body,
        body_html=render_markdown(mentions.link_mentions(body, people)),
        visibility=Visibility.HELD if held else Visibility.VISIBLE,
        held_reason=held_reason,
        identifiers_confirmed=confirm_no_identifiers and identifiers,
    )
    files.link(stored, post=post, uploader=author, comment=comment)
    now = timezone.now()
    if not held:
        Post.objects.filter(pk=post.pk).update(
            comment_count=F("comment_count") + 1, last_activity_at=now
        )
    PostState.objects.update_or_create(
        user=author, post=post, defaults={"read_at": now, "following": True}
    )
    record(
        author,
        "communities.comment_held" if held else "communities.commented",
        comment,
        organization=access.community.organization,
        request=request,
    )
    if not held:
        _notify_followers(access, post, comment, author)
        mentions.notify_mentioned(
            people, author=author, community=access.community, target=comment, title=post.title
        )
    return comment


def _notify_followers(access: CommunityAccess, post: Post, comment: Comment, author: User) -> None:
    muted = set(
        Member.objects.filter(community=access.community, muted=True).values_list(
            "user_id", flat=True
        )
    )
    followers = (
        User.objects.filter(
            pk__in=PostState.objects.filter(post=post, following=True).values("user_id")
        )
        .exclude(pk=author.pk)
        .exclude(pk__in=muted)
    )
    notify(
        followers,
        "community_answer" if post.is_question else "community_comment",
        target=comment,
        actor=author,
        context={"title": post.title, "community": access.community.name},
        organization=access.community.organization,
    )


@transaction.atomic
def helpful_toggle(
    access: CommunityAccess, user: User, *, post: Post, comment: Comment | None = None
) -> bool:
    """Mark (or unmark) a post or a comment as helpful; returns whether it now is."""
    if not access.is_member:
        raise CommunityError(_("Join the community first."), status=403, code="not_a_member")
    target: Post | Comment = comment if comment is not None else post
    if target.author_id == user.pk:
        raise CommunityError(_("You cannot mark your own writing helpful."), code="own")
    lookup = {"comment": comment} if comment is not None else {"post": post}
    model = type(target)
    existing = Helpful.objects.filter(user=user, **lookup).first()
    if existing is not None:
        existing.delete()
        model.objects.filter(pk=target.pk).update(helpful_count=F("helpful_count") - 1)
        return False
    try:
        with transaction.atomic():
            Helpful.objects.create(user=user, **lookup)
    except IntegrityError:  # the same click from another tab
        return True
    model.objects.filter(pk=target.pk).update(helpful_count=F("helpful_count") + 1)
    return True


@transaction.atomic
def answer_accept(
    access: CommunityAccess,
    post: Post,
    comment: Comment | None,
    actor: User,
    *,
    request: HttpRequest | None = None,
) -> Post:
    """The question's author accepts an answer (or, with None, un-accepts it)."""
    if post.author_id != actor.pk:
        raise PermissionDenied(_("Only the person who asked may accept an answer."))
    if not post.is_question:
        raise CommunityError(_("Only questions have accepted answers."), code="not_a_question")
    if comment is not None and (
        comment.post_id != post.pk or comment.visibility != Visibility.VISIBLE
    ):
        raise CommunityError(_("That answer is not on this question."), status=422, code="invalid")
    post = Post.objects.select_for_update().get(pk=post.pk)
    post.accepted_answer = comment
    post.save(update_fields=["accepted_answer"])
    record(
        actor,
        "communities.answer_accepted",
        post,
        organization=access.community.organization,
        request=request,
        detail={"comment": comment.code if comment else ""},
    )
    if comment is not None and comment.author_id != actor.pk:
        notify(
            [comment.author],
            "community_answer_accepted",
            target=comment,
            actor=actor,
            context={"title": post.title},
            organization=access.community.organization,
        )
    return post


def post_follow(user: User, post: Post, *, following: bool) -> PostState:
    state, _created = PostState.objects.update_or_create(
        user=user, post=post, defaults={"following": following}
    )
    return state


def post_mark_read(user: User, post: Post) -> None:
    PostState.objects.update_or_create(user=user, post=post, defaults={"read_at": timezone.now()})


@transaction.atomic
def report_create(
    access: CommunityAccess,
    reporter: User,
    post: Post,
    *,
    reason: str,
    note: str = "",
    comment: Comment | None = None,
    request: HttpRequest | None = None,
) -> Report:
    if reason not in ReportReason.values:
        raise CommunityError(_("Choose a reason."), status=422, code="invalid")
    existing = Report.objects.open().filter(reporter=reporter, post=post, comment=comment).first()
    if existing is not None:
        return existing
    report = Report.objects.create(
        community=access.community,
        reporter=reporter,
        post=post,
        comment=comment,
        reason=reason,
        note=note.strip()[:500],
    )
    record(
        reporter,
        "communities.reported",
        report,
        organization=access.community.organization,
        request=request,
        detail={"post": post.code, "comment": comment.code if comment else "", "reason": reason},
    )
    moderators = [
        m.user
        for m in access.community.members.active()
        .filter(role__in=["owner", "moderator"], muted=False)
        .select_related("user")
    ]
    notify(
        moderators,
        "community_reported",
        target=access.community,
        actor=None,
        context={"community": access.community.name, "url": _queue_url(access)},
        organization=access.community.organization,
    )
    return report


def _queue_url(access: CommunityAccess) -> str:
    from django.urls import reverse

    return reverse("communities:moderation", args=[access.community.code])


MODERATION_ACTIONS = ("approve", "hide", "remove", "restore", "dismiss", "label")


@transaction.atomic
def moderate(
    access: CommunityAccess,
    moderator: User,
    *,
    post: Post,
    action: str,
    comment: Comment | None = None,
    reason: str = "",
    label: str = "",
    request: HttpRequest | None = None,
) -> ModerationAction:
    """Approve a held item, hide or remove it (with a reason the author sees), restore it,
    dismiss the reports on it, or label a post outdated, disputed or not evidence-based.
    Every open report on the item is resolved by the decision."""
    if not access.can_moderate:
        raise PermissionDenied(_("Only the community's moderators may do this."))
    if action not in MODERATION_ACTIONS:
        raise CommunityError(_("That is not a moderation action."), status=422, code="invalid")
    if action in ("hide", "remove", "label") and not reason.strip():
        raise CommunityError(
            _("Give a reason; the author and readers see it."),
            status=422,
            code="reason_required",
            errors=[{"loc": ["reason"], "msg": _("Give a reason.")}],
        )
    if action == "label" and (comment is not None or label not in Label.values):
        raise CommunityError(_("Choose a label for the post."), status=422, code="invalid")
    target: Post | Comment = comment if comment is not None else post
    target = type(target).objects.select_for_update().get(pk=target.pk)
    before = target.visibility
    if action == "label":
        assert isinstance(target, Post)
        target.label = label
        target.label_reason = reason.strip()[:300] if label else ""
        target.save(update_fields=["label", "label_reason"])
    elif action in ("approve", "restore"):
        target.visibility = Visibility.VISIBLE
        target.moderation_reason = ""
        target.held_reason = HeldReason.NONE
        target.save(update_fields=["visibility", "moderation_reason", "held_reason"])
    elif action in ("hide", "remove"):
        target.visibility = Visibility.HIDDEN if action == "hide" else Visibility.REMOVED
        target.moderation_reason = reason.strip()[:300]
        target.save(update_fields=["visibility", "moderation_reason"])
    if isinstance(target, Comment):
        _recount_comments(post)
    Report.objects.open().filter(post=post, comment=comment).update(
        resolved_at=timezone.now(), resolved_by=moderator, resolution=action
    )
    decision = ModerationAction.objects.create(
        community=access.community,
        moderator=moderator,
        action=action,
        post=post,
        comment=comment,
        reason=reason.strip()[:300],
    )
    record(
        moderator,
        f"communities.moderation_{action}",
        target,
        organization=access.community.organization,
        request=request,
        subject=target.author,
        detail={"before": before, "reason": reason.strip()[:300], "label": label},
    )
    if action in ("approve", "hide", "remove", "label"):
        notify(
            [target.author],
            "community_moderated",
            target=post,
            actor=None,
            context={"title": post.title, "action": action, "reason": reason.strip()[:300]},
            organization=access.community.organization,
        )
    if action == "approve" and before == Visibility.HELD:
        # Mentions in a held item reach people once a moderator lets it through.
        mentions.notify_mentioned(
            mentions.mentioned(target.body, access.community),
            author=target.author,
            community=access.community,
            target=target,
            title=post.title,
        )
    return decision


def _recount_comments(post: Post) -> None:
    Post.objects.filter(pk=post.pk).update(
        comment_count=Comment.objects.filter(post=post, visibility=Visibility.VISIBLE).count()
    )

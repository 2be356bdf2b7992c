"""Appeals: the author of a hidden post or comment asks the moderators once to look again;
a moderator restores it or upholds the decision. Both steps are audited and notified."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.communities.errors import CommunityError
from carementor.communities.models import Appeal, Comment, Post, Role, Visibility
from carementor.communities.permissions import CommunityAccess
from carementor.communities.posting import moderate
from carementor.notifications.services import notify


@transaction.atomic
def appeal_create(
    access: CommunityAccess,
    author: User,
    post: Post,
    *,
    text: str,
    comment: Comment | None = None,
    request: HttpRequest | None = None,
) -> Appeal:
    target: Post | Comment = comment if comment is not None else post
    if target.author_id != author.pk:
        raise PermissionDenied(_("Only the author may appeal."))
    if target.visibility != Visibility.HIDDEN:
        raise CommunityError(
            _("Only something a moderator hid can be appealed."), code="not_hidden"
        )
    if not text.strip():
        raise CommunityError(
            _("Say why it should be shown again."),
            status=422,
            code="text_required",
            errors=[{"loc": ["text"], "msg": _("Say why.")}],
        )
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                community=access.community,
                post=post,
                comment=comment,
                author=author,
                text=text.strip()[:1000],
            )
    except IntegrityError:
        raise CommunityError(
            _("You have already appealed this once."), status=409, code="already_appealed"
        ) from None
    record(
        author,
        "communities.appealed",
        appeal,
        organization=access.community.organization,
        request=request,
        detail={"post": post.code, "comment": comment.code if comment else ""},
    )
    moderators = [
        m.user
        for m in access.community.members.active()
        .filter(role__in=[Role.OWNER, Role.MODERATOR], muted=False)
        .select_related("user")
    ]
    notify(
        moderators,
        "community_appealed",
        target=appeal,
        actor=author,
        context={"title": post.title, "community": access.community.name},
        organization=access.community.organization,
    )
    return appeal


APPEAL_OUTCOMES = (Appeal.Outcome.RESTORED, Appeal.Outcome.UPHELD)


@transaction.atomic
def appeal_decide(
    access: CommunityAccess,
    moderator: User,
    appeal: Appeal,
    *,
    outcome: str,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Appeal:
    """Restore the item (through the ordinary moderation decision) or uphold the hiding."""
    if not access.can_moderate:
        raise PermissionDenied(_("Only the community's moderators may do this."))
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("post", "comment")
        .get(pk=appeal.pk)
    )
    if appeal.community_id != access.community.pk or outcome not in APPEAL_OUTCOMES:
        raise CommunityError(_("That is not possible."), status=422, code="invalid")
    if appeal.decided_at is not None:
        raise CommunityError(_("This appeal was already decided."), status=409, code="decided")
    if appeal.author_id == moderator.pk:
        raise CommunityError(
            _("Another moderator must decide your own appeal."), status=403, code="own_appeal"
        )
    if outcome == Appeal.Outcome.UPHELD and not reason.strip():
        raise CommunityError(
            _("Give a reason; the author sees it."),
            status=422,
            code="reason_required",
            errors=[{"loc": ["reason"], "msg": _("Give a reason.")}],
        )
    if outcome == Appeal.Outcome.RESTORED:
        moderate(
            access,
            moderator,
            post=appeal.post,
            comment=appeal.comment,
            action="restore",
            reason=reason,
            request=request,
        )
    appeal.decided_at = timezone.now()
    appeal.decided_by = moderator
    appeal.outcome = outcome
    appeal.decision_reason = reason.strip()[:300]
    appeal.save(update_fields=["decided_at", "decided_by", "outcome", "decision_reason"])
    record(
        moderator,
        f"communities.appeal_{outcome}",
        appeal,
        organization=access.community.organization,
        request=request,
        subject=appeal.author,
        detail={"post": appeal.post.code, "reason": appeal.decision_reason},
    )
    notify(
        [appeal.author],
        "community_appeal_decided",
        target=appeal.post,
        actor=None,
        context={
            "title": appeal.post.title,
            "outcome": outcome,
            "reason": appeal.decision_reason,
        },
        organization=access.community.organization,
    )
    return appeal

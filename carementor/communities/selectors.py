"""The lists pages and the API share: communities to find, a community's posts with unread
markers, a post's comments, the moderation queue. Each is one query (plus its count)."""

import re

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from carementor.accounts.models import User
from carementor.communities.models import (
    Appeal,
    Chat,
    ChatMessage,
    Comment,
    Community,
    Helpful,
    Kind,
    Member,
    MemberStatus,
    Post,
    PostKind,
    PostState,
    Report,
    Visibility,
)
from carementor.communities.permissions import CommunityAccess
from carementor.credentials.models import Credential
from carementor.profiles.models import Profile
from carementor.programs.models import Enrollment


def _search(queryset: QuerySet, q: str, fields: tuple[str, ...]) -> QuerySet:
    """PostgreSQL full-text search (English stemming, web-search syntax); on SQLite, every
    word must appear somewhere in the fields, case-insensitively."""
    q = q.strip()[:200]
    if not q:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector(*fields, config="english")
        query = SearchQuery(q, search_type="websearch", config="english")
        return queryset.annotate(search=vector).filter(search=query)
    for word in q.split()[:10]:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def _fts5_query(q: str) -> str:
    """Each word of a person's search as a quoted FTS5 prefix term, all required: nothing
    they type is read as FTS5 syntax."""
    words = [w for w in (re.sub(r"[^\w]+", " ", q).split()) if w][:10]
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


# The rows of each FTS5 table (migrations 0007 and 0008) that match a query.
_FTS5_MATCH = {
    "communities_post_fts": (
        "SELECT rowid FROM communities_post_fts WHERE communities_post_fts MATCH %s"
    ),
    "communities_community_fts": (
        "SELECT rowid FROM communities_community_fts WHERE communities_community_fts MATCH %s"
    ),
}


def _indexed_search(queryset: QuerySet, q: str, fields: tuple[str, ...], fts: str) -> QuerySet:
    """Rows whose ``fields`` match ``q``, through each database's stored index (migrations
    0007 and 0008): PostgreSQL's GIN index over the English text-search vector of those very
    fields, or SQLite's FTS5 table ``fts`` (Porter stemming, word prefixes)."""
    q = q.strip()[:200]
    if not q or connection.vendor != "sqlite":
        return _search(queryset, q, fields)
    match = _fts5_query(q)
    if not match:
        return queryset.none()
    return queryset.filter(pk__in=RawSQL(_FTS5_MATCH[fts], [match]))  # noqa: S611 (fixed SQL)


def search_posts(posts: QuerySet[Post], q: str) -> QuerySet[Post]:
    """Posts whose title or body match ``q``."""
    return _indexed_search(posts, q, ("title", "body"), "communities_post_fts")


def search_communities(communities: QuerySet[Community], q: str) -> QuerySet[Community]:
    """Communities whose name, description, topic or region match ``q``."""
    fields = ("name", "description", "topic", "region")
    return _indexed_search(communities, q, fields, "communities_community_fts")


def communities_to_find(
    user: User, *, q: str = "", profession: str = "", specialty: str = ""
) -> QuerySet[Community]:
    """Open communities, and those of one's organisations and programmes, that one has not
    joined yet."""
    joined = Member.objects.filter(
        user=user, status__in=[MemberStatus.ACTIVE, MemberStatus.REQUESTED, MemberStatus.INVITED]
    ).values("community_id")
    programmes = Enrollment.objects.approved().filter(user=user).values("program_id")
    found = (
        Community.objects.live()
        .filter(
            Q(pk__in=Community.objects.discoverable().values("pk"))
            | Q(kind=Kind.ORGANIZATION, organization__memberships__user=user)
            | Q(kind=Kind.PROGRAM, program_id__in=programmes)
        )
        .exclude(pk__in=joined)
        .select_related("organization", "profession", "specialty")
        .distinct()
    )
    if profession:
        found = found.filter(profession__code=profession)
    if specialty:
        found = found.filter(specialty__code=specialty)
    return search_communities(found, q).order_by("-member_count", "name", "id")


def my_communities(user: User) -> QuerySet[Member]:
    return (
        Member.objects.filter(
            user=user,
            status__in=[MemberStatus.ACTIVE, MemberStatus.REQUESTED, MemberStatus.INVITED],
            community__archived_at__isnull=True,
        )
        .select_related("community", "community__organization")
        .order_by("community__name", "id")
    )


def posts_in(
    access: CommunityAccess, user: User, *, q: str = "", kind: str = "", unanswered: bool = False
) -> QuerySet[Post]:
    states = PostState.objects.filter(post=OuterRef("pk"), user=user)
    posts = (
        Post.objects.filter(community=access.community)
        .readable_by(user, moderator=access.can_moderate)
        .select_related("author")
        .annotate(
            my_read_at=Subquery(states.values("read_at")[:1]),
            following=Exists(states.filter(following=True)),
        )
        .annotate(
            unread=Case(
                When(my_read_at__isnull=True, then=Value(True)),
                When(last_activity_at__gt=F("my_read_at"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if kind in PostKind.values:
        posts = posts.filter(kind=kind)
    if unanswered:
        posts = posts.filter(kind=PostKind.QUESTION, accepted_answer__isnull=True)
    return search_posts(posts, q).order_by("-last_activity_at", "-id")


def verified_in_topic(community: Community, author_field: str = "author") -> Exists | Value:
    """Whether the author holds a valid (verified, unexpired) credential and practises the
    community's specialty, or its profession: their answers carry a badge."""
    if community.specialty_id is None and community.profession_id is None:
        return Value(False)
    profiles = Profile.objects.filter(user=OuterRef(author_field))
    if community.specialty_id is not None:
        profiles = profiles.filter(specialties=community.specialty_id)
    else:
        profiles = profiles.filter(profession=community.profession_id)
    credentials = Credential.objects.valid().filter(holder=OuterRef(author_field))
    return Exists(profiles) & Exists(credentials)  # type: ignore[return-value]


def comments_on(access: CommunityAccess, post: Post, user: User) -> QuerySet[Comment]:
    comments = (
        Comment.objects.filter(post=post).select_related("author").prefetch_related("attachments")
    )
    if access.can_moderate:
        comments = comments.exclude(visibility=Visibility.REMOVED)
    else:
        comments = comments.filter(
            Q(visibility=Visibility.VISIBLE)
            | Q(author=user, visibility__in=[Visibility.HELD, Visibility.HIDDEN])
        )
    return comments.annotate(
        i_found_helpful=Exists(Helpful.objects.filter(comment=OuterRef("pk"), user=user)),
        verified_in_topic=Case(
            When(verified_in_topic(access.community), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    ).order_by("created_at", "id")


def moderation_queue(access: CommunityAccess) -> QuerySet[Post]:
    """Posts with open reports or held items (their own or a comment's), oldest first."""
    open_reports = Report.objects.open().filter(post=OuterRef("pk"))
    held_comments = Comment.objects.filter(post=OuterRef("pk"), visibility=Visibility.HELD)
    return (
        Post.objects.filter(community=access.community)
        .filter(
            Q(visibility=Visibility.HELD) | Exists(open_reports) | Exists(held_comments),
        )
        .exclude(visibility=Visibility.REMOVED)
        .select_related("author")
        .annotate(
            open_reports=Subquery(
                open_reports.values("post").annotate(n=Count("id")).values("n")[:1]
            ),
            has_held_comment=Exists(held_comments),
        )
        .order_by("created_at", "id")
    )


def mentionable(access: CommunityAccess, q: str) -> QuerySet[Member]:
    """The community's active members whose name (or public code) begins what someone is
    typing after "@", for the mention autocomplete. E-mail addresses are never searched or
    shown: a suggestion is mentioned by the member's public code."""
    q = " ".join(q.split())[:64]
    members = (
        Member.objects.active()
        .filter(community=access.community, user__is_active=True)
        .select_related("user")
        .annotate(
            profile_code=Subquery(Profile.objects.filter(user=OuterRef("user")).values("code")[:1])
        )
    )
    if q:
        members = members.filter(
            Q(user__full_name__icontains=q)
            | Q(user__preferred_name__icontains=q)
            | Q(user__code__istartswith=q)
        )
    return members.order_by("user__full_name", "id")


def members_of(access: CommunityAccess, *, status: str = "") -> QuerySet[Member]:
    members = Member.objects.filter(community=access.community).select_related("user")
    if status in MemberStatus.values:
        members = members.filter(status=status)
    else:
        members = members.exclude(status=MemberStatus.LEFT)
    return members.order_by("status", "user__full_name", "id")


def chats_in(access: CommunityAccess) -> QuerySet[Chat]:
    return Chat.objects.filter(community=access.community).select_related("host")


def chat_messages(access: CommunityAccess, chat: Chat, user: User) -> QuerySet[ChatMessage]:
    messages = ChatMessage.objects.filter(chat=chat).select_related("author")
    if not access.can_moderate:
        messages = messages.filter(Q(visibility=Visibility.VISIBLE) | Q(author=user))
    return messages.exclude(visibility=Visibility.REMOVED).order_by("created_at", "id")


def appeals_open(access: CommunityAccess) -> QuerySet[Appeal]:
    """Appeals waiting for a moderator, oldest first."""
    return (
        Appeal.objects.open()
        .filter(community=access.community)
        .select_related("author", "post", "comment", "community")
        .order_by("created_at", "id")
    )

"""Communities of practice: spaces, their members, posts and comments, reports and moderation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code
from carementor.lib.text import clean_name, clean_text


class Kind(models.TextChoices):
    OPEN = "open", _("Open to all professionals")
    ORGANIZATION = "organization", _("Organisation")
    PROGRAM = "program", _("Programme")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Anyone may join")
    REQUEST = "request", _("Ask to join")
    INVITATION = "invitation", _("By invitation only")


class CommunityQuerySet(models.QuerySet["Community"]):
    def live(self) -> "CommunityQuerySet":
        return self.filter(archived_at__isnull=True)

    def discoverable(self) -> "CommunityQuerySet":
        """Open communities anyone signed in can find (invitation-only ones stay hidden)."""
        return self.live().filter(kind=Kind.OPEN).exclude(join_policy=JoinPolicy.INVITATION)


class Community(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, default=Kind.OPEN)
    name = models.CharField(_("name"), max_length=120, validators=[clean_name])
    description = models.TextField(
        _("what it is for"), max_length=2000, blank=True, validators=[clean_text]
    )
    guidelines = models.TextField(
        _("guidelines"),
        max_length=4000,
        validators=[clean_text],
        help_text=_("Every member accepts these when joining."),
    )
    join_policy = models.CharField(
        _("who may join"), max_length=12, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="communities",
    )
    program = models.OneToOneField(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="community",
    )
    profession = models.ForeignKey(
        "profiles.Profession", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    specialty = models.ForeignKey(
        "profiles.Specialty", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    region = models.CharField(_("region"), max_length=80, blank=True, validators=[clean_name])
    topic = models.CharField(_("topic"), max_length=80, blank=True, validators=[clean_name])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    member_count = models.PositiveIntegerField(default=0)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "communities"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="open", organization__isnull=True, program__isnull=True)
                | Q(kind="organization", organization__isnull=False, program__isnull=True)
                | Q(kind="program", organization__isnull=False, program__isnull=False),
                name="community_kind_matches_scope",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:detail", args=[self.code])


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MODERATOR = "moderator", _("Moderator")
    MEMBER = "member", _("Member")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Member")
    REQUESTED = "requested", _("Asked to join")
    INVITED = "invited", _("Invited")
    LEFT = "left", _("Left")
    BANNED = "banned", _("Removed by a moderator")


class MemberQuerySet(models.QuerySet["Member"]):
    def active(self) -> "MemberQuerySet":
        return self.filter(status=MemberStatus.ACTIVE)


class Member(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=MemberStatus.choices)
    guidelines_accepted_at = models.DateTimeField(null=True, blank=True)
    muted = models.BooleanField(_("muted"), default=False)
    # One notification a day listing the community's new posts (with the person's others).
    digest = models.BooleanField(_("daily digest"), default=False)
    digest_sent_at = models.DateTimeField(null=True, blank=True)
    warnings = models.PositiveSmallIntegerField(default=0)
    # A moderator's "mute for N days": the member reads but cannot write until then.
    suspended_until = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["community", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="community_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.community_id}"

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    @property
    def can_moderate(self) -> bool:
        return self.is_active and self.role in (Role.OWNER, Role.MODERATOR)


class PostKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    QUESTION = "question", _("Question")


class Visibility(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HELD = "held", _("Held for a moderator")
    HIDDEN = "hidden", _("Hidden by a moderator")
    REMOVED = "removed", _("Removed")


class HeldReason(models.TextChoices):
    NONE = "", _("Not held")
    IDENTIFIERS = "identifiers", _("May identify a patient")
    NEW_ACCOUNT = "new_account", _("First post of a new account")


class Interest(models.TextChoices):
    NONE = "none", _("No competing interests")
    INDUSTRY = "industry", _("Industry relationship")
    SPONSORSHIP = "sponsorship", _("Sponsorship")
    FINANCIAL = "financial", _("Financial interest")
    OTHER = "other", _("Other interest")


class Label(models.TextChoices):
    NONE = "", _("No label")
    OUTDATED = "outdated", _("Outdated")
    DISPUTED = "disputed", _("Disputed")
    NOT_EVIDENCE_BASED = "not_evidence_based", _("Not evidence-based")


class PostQuerySet(models.QuerySet["Post"]):
    def readable_by(self, user: object, *, moderator: bool) -> "PostQuerySet":
        """Visible posts, plus one's own held or hidden ones; moderators see all but removed."""
        if moderator:
            return self.exclude(visibility=Visibility.REMOVED)
        return self.filter(
            Q(visibility=Visibility.VISIBLE)
            | Q(author=user, visibility__in=[Visibility.HELD, Visibility.HIDDEN])
        )


class Post(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_posts"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=PostKind.choices, default=PostKind.DISCUSSION
    )
    title = models.CharField(_("title"), max_length=200, validators=[clean_name])
    body = models.TextField(_("text"), max_length=20_000, validators=[clean_text])
    body_html = models.TextField(editable=False)
    sources = models.JSONField(default=list, blank=True)
    interest = models.CharField(
        _("competing interests"), max_length=12, choices=Interest.choices, default=Interest.NONE
    )
    interest_detail = models.CharField(
        _("details of the interest"), max_length=300, blank=True, validators=[clean_text]
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.VISIBLE
    )
    moderation_reason = models.CharField(max_length=300, blank=True)
    held_reason = models.CharField(
        max_length=12, choices=HeldReason.choices, default="", blank=True
    )
    label = models.CharField(max_length=20, choices=Label.choices, default="", blank=True)
    label_reason = models.CharField(max_length=300, blank=True)
    # Set when the author confirmed that what the detector found is not patient-identifiable.
    identifiers_confirmed = models.BooleanField(default=False)
    accepted_answer = models.ForeignKey(
        "Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment_count = models.PositiveIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(db_index=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        indexes = [models.Index(fields=["community", "-last_activity_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("communities:post", args=[self.code])

    def is_readable_by(self, user: object, *, moderator: bool) -> bool:
        """The rule of ``PostQuerySet.readable_by`` for one row."""
        if moderator:
            return self.visibility != Visibility.REMOVED
        if self.visibility == Visibility.VISIBLE:
            return True
        mine = getattr(user, "pk", None) == self.author_id
        return mine and self.visibility in (Visibility.HELD, Visibility.HIDDEN)

    @property
    def is_question(self) -> bool:
        return self.kind == PostKind.QUESTION


class Comment(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_comments"
    )
    body = models.TextField(_("text"), max_length=10_000, validators=[clean_text])
    body_html = models.TextField(editable=False)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.VISIBLE
    )
    moderation_reason = models.CharField(max_length=300, blank=True)
    held_reason = models.CharField(
        max_length=12, choices=HeldReason.choices, default="", blank=True
    )
    identifiers_confirmed = models.BooleanField(default=False)
    helpful_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("communities:post", args=[self.post.code]) + f"#c-{self.code}"


class Helpful(models.Model):
    """One person found a post or a comment helpful (never both in one row)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="helpfuls"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="helpfuls"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True)
                | Q(post__isnull=True, comment__isnull=False),
                name="helpful_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "post"], condition=Q(post__isnull=False), name="helpful_post_once"
            ),
            models.UniqueConstraint(
                fields=["user", "comment"],
                condition=Q(comment__isnull=False),
                name="helpful_comment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"helpful {self.post_id or self.comment_id}"


class PostState(models.Model):
    """What one person last read of a post, and whether they follow it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="states")
    read_at = models.DateTimeField(null=True, blank=True)
    following = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="post_state_once"),
        ]

    def __str__(self) -> str:
        return f"state of {self.post_id} for {self.user_id}"


class ReportReason(models.TextChoices):
    MISINFORMATION = "misinformation", _("Misinformation")
    PATIENT_DATA = "patient_data", _("Patient data")
    HARASSMENT = "harassment", _("Harassment")
    PROMOTION = "promotion", _("Undisclosed promotion")
    OTHER = "other", _("Other")


class ReportQuerySet(models.QuerySet["Report"]):
    def open(self) -> "ReportQuerySet":
        return self.filter(resolved_at__isnull=True)


class Report(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="reports")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=ReportReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[clean_text])
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=20, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Two partial constraints rather than one with nulls_distinct=False, which SQLite
            # (the default database) cannot enforce.
            models.UniqueConstraint(
                fields=["reporter", "post"],
                condition=Q(resolved_at__isnull=True, comment__isnull=True),
                name="report_open_once_post",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(resolved_at__isnull=True, comment__isnull=False),
                name="report_open_once_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"report {self.code}"


class ModerationAction(models.Model):
    """Every moderator decision, shown in the community's log (and in the audit trail)."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        HIDE = "hide", _("Hidden")
        REMOVE = "remove", _("Removed")
        RESTORE = "restore", _("Restored")
        DISMISS = "dismiss", _("Report dismissed")
        LABEL = "label", _("Labelled")
        WARN = "warn", _("Warned")
        SUSPEND = "suspend", _("Muted for some days")
        BAN = "ban", _("Removed from the community")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="actions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.code}"


class AppealQuerySet(models.QuerySet["Appeal"]):
    def open(self) -> "AppealQuerySet":
        return self.filter(decided_at__isnull=True)


class Appeal(models.Model):
    """The author of a hidden post or comment asks the moderators once to look again."""

    class Outcome(models.TextChoices):
        RESTORED = "restored", _("Restored")
        UPHELD = "upheld", _("Hiding upheld")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="appeals")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="appeals")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="appeals"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("why it should be shown"), max_length=1000, validators=[clean_text])
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    decision_reason = models.CharField(max_length=300, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Once per post and once per comment, however it was decided.
            models.UniqueConstraint(
                fields=["post"], condition=Q(comment__isnull=True), name="appeal_once_post"
            ),
            models.UniqueConstraint(
                fields=["comment"], condition=Q(comment__isnull=False), name="appeal_once_comment"
            ),
        ]

    def __str__(self) -> str:
        return f"appeal {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("communities:moderation", args=[self.community.code]) + "#appeals"


class ChatQuerySet(models.QuerySet["Chat"]):
    def live_at(self, moment: object) -> "ChatQuerySet":
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)


class Chat(models.Model):
    """A scheduled community chat: a topic, a host, a start and an end. Members write in its
    thread while it is live; afterwards it is an archive anyone in the community can read."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="chats")
    topic = models.CharField(_("topic"), max_length=200, validators=[clean_name])
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChatQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="chat_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("communities:chat", args=[self.code])

    def is_live(self, moment: object) -> bool:
        return self.starts_at <= moment < self.ends_at  # type: ignore[operator]


class ChatMessage(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=2000, validators=[clean_text])
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.VISIBLE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"chat message {self.code}"


class Attachment(models.Model):
    """A file on a post (or on one of its comments), checked by the credentials upload
    inspector, with image metadata removed, stored outside any web root."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:attachment", args=[self.code])

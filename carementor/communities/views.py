"""Community pages: find and join communities, read and write posts, moderate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carementor.accounts.models import User
from carementor.communities import posting, selectors, services
from carementor.communities.appeals import appeal_create, appeal_decide
from carementor.communities.attachments import attachment_response
from carementor.communities.chats import chat_moderate, chat_say, chat_schedule
from carementor.communities.digest import community_digest
from carementor.communities.errors import CommunityError, IdentifiersFound
from carementor.communities.forms import (
    AppealDecisionForm,
    AppealForm,
    ChatForm,
    ChatMessageForm,
    CommentForm,
    CommunityForm,
    InviteForm,
    JoinForm,
    MemberActionForm,
    ModerateForm,
    PostForm,
    ReportForm,
)
from carementor.communities.models import (
    Appeal,
    Comment,
    HeldReason,
    Member,
    ModerationAction,
    Visibility,
)
from carementor.communities.permissions import (
    CommunityAccess,
    get_attachment_for,
    get_chat_for,
    get_community_for,
    get_post_for,
)
from carementor.credentials.multipart import strict_uploads, upload_problem
from carementor.credentials.uploads import InspectedFile, inspect_upload, read_upload
from carementor.lib.errors import DomainError
from carementor.lib.http import AuthedRequest
from carementor.lib.safeguards import shown
from carementor.organizations.models import Membership, Organization
from carementor.organizations.models import Role as OrgRole
from carementor.programs.models import Program

PER_PAGE = 20


def _private(response: HttpResponse) -> HttpResponse:
    """Communities are for signed-in professionals only, never for search engines."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page(request: AuthedRequest, queryset, per_page: int = PER_PAGE, name: str = "page"):  # type: ignore[no-untyped-def]
    return Paginator(queryset, per_page).get_page(request.GET.get(name))


def _findings(exc: IdentifiersFound, text: str) -> list[dict[str, str]]:
    return shown(exc.findings, text)


def _uploads(request: AuthedRequest) -> list[InspectedFile]:
    """The attached files, each through the credentials upload inspector."""
    problem = upload_problem(request)
    if problem is not None:
        raise problem
    return [
        inspect_upload(upload.name or "", read_upload(upload))
        for upload in request.FILES.getlist("attachment")
    ]


def _overseen_organizations(user: User) -> list[Organization]:
    memberships = Membership.objects.filter(user=user).select_related("organization")
    return [
        m.organization
        for m in memberships
        if m.has_role(OrgRole.ADMIN) or m.has_role(OrgRole.COORDINATOR)
    ]


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """My communities, and communities to find: open ones by profession, specialty, region
    or topic, and those of my organisations and programmes."""
    q = request.GET.get("q", "")[:200]
    mine = _page(request, selectors.my_communities(request.user), name="mine")
    found = _page(request, selectors.communities_to_find(request.user, q=q))
    context = {"mine": mine, "found": found, "q": q}
    if getattr(request, "htmx", False) and request.GET.get("part") == "found":
        return render(request, "communities/index.html#found", context)
    return render(request, "communities/index.html", context)


@login_required
def create(request: AuthedRequest) -> HttpResponse:
    organizations = _overseen_organizations(request.user)
    programs = (
        Program.objects.filter(organization__in=organizations, community__isnull=True)
        .exclude(status=Program.Status.ARCHIVED)
        .order_by("name")
    )
    form = CommunityForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organization = next((o for o in organizations if o.code == data["scope"]), None)
        community = services.community_create(
            actor=request.user,
            name=data["name"],
            description=data["description"],
            guidelines=data["guidelines"],
            join_policy=data["join_policy"],
            organization=organization,
            profession=data["profession"],
            specialty=data["specialty"],
            region=data["region"],
            topic=data["topic"],
            request=request,
        )
        messages.success(request, _("The community is open. You are its owner."))
        return redirect(community)
    return render(
        request,
        "communities/create.html",
        {"form": form, "programs": programs},
        status=422 if form.errors else 200,
    )


@require_POST
@login_required
def program_community(request: AuthedRequest, program_code: str) -> HttpResponse:
    program = Program.objects.filter(code=program_code).select_related("organization").first()
    if program is None or program.organization not in _overseen_organizations(request.user):
        raise Http404
    community = services.community_for_program(program, actor=request.user, request=request)
    return redirect(community)


@login_required
def detail(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_community_for(request.user, code)
    q = request.GET.get("q", "")[:200]
    kind = request.GET.get("kind", "")
    posts = None
    if access.can_read:
        posts = _page(request, selectors.posts_in(access, request.user, q=q, kind=kind))
    context = {"access": access, "community": access.community, "posts": posts, "q": q}
    context["kind"] = kind
    context["query"] = f"q={q}&kind={kind}"
    if getattr(request, "htmx", False) and request.GET.get("part") == "posts":
        return _private(render(request, "communities/detail.html#posts", context))
    return _private(render(request, "communities/detail.html", context))


@login_required
def join(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_community_for(request.user, code)
    form = JoinForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                member = services.community_join(
                    access.community, request.user, accept_guidelines=True, request=request
                )
            except CommunityError as exc:
                messages.error(request, exc.message)
                return redirect(access.community)
            if member.is_active:
                messages.success(request, _("Welcome. You can post now."))
            else:
                messages.success(request, _("Your request is with the moderators."))
            return redirect(access.community)
        status = 422
    return render(
        request,
        "communities/join.html",
        {"access": access, "community": access.community, "form": form},
        status=status,
    )


@require_POST
@login_required
def membership(request: AuthedRequest, code: str) -> HttpResponse:
    """Leave, mute or unmute, or turn the daily digest on or off."""
    access = get_community_for(request.user, code)
    if access.member is None:
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "leave":
            services.community_leave(access.member, request=request)
            messages.success(request, _("You left the community."))
            return redirect("communities:index")
        if action in ("mute", "unmute"):
            services.community_mute(access.member, muted=action == "mute")
            messages.success(
                request,
                _("Muted: no notifications from this community.")
                if action == "mute"
                else _("Notifications are back on."),
            )
        elif action in ("digest_on", "digest_off"):
            community_digest(access.member, digest=action == "digest_on")
            messages.success(
                request,
                _("You will get one notification a day with the new posts.")
                if action == "digest_on"
                else _("The daily digest is off."),
            )
        else:
            return HttpResponse(status=400)
    except CommunityError as exc:
        messages.error(request, exc.message)
    return redirect(access.community)


@login_required
def members(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_community_for(request.user, code)
    if not access.can_moderate:
        raise PermissionDenied
    invite = InviteForm()
    if request.method == "POST":
        try:
            if "email" in request.POST:
                invite = InviteForm(request.POST)
                if invite.is_valid():
                    invitee = User.objects.filter(
                        email__iexact=invite.cleaned_data["email"], is_active=True
                    ).first()
                    if invitee is None:
                        raise CommunityError(
                            _("Nobody with that e-mail address uses CareMentor yet."),
                            status=422,
                        )
                    services.member_invite(access, invitee, request=request)
                    messages.success(request, _("Invitation sent."))
                    return redirect("communities:members", code=code)
            else:
                form = MemberActionForm(request.POST)
                if not form.is_valid():
                    return HttpResponse(status=400)
                member = Member.objects.filter(
                    community=access.community, code=form.cleaned_data["member"]
                ).first()
                if member is None:
                    raise Http404
                services.member_decide(
                    access,
                    member,
                    form.cleaned_data["action"],
                    reason=form.cleaned_data["reason"],
                    days=form.cleaned_data["days"] or 0,
                    request=request,
                )
                messages.success(request, _("Done."))
                return redirect("communities:members", code=code)
        except CommunityError as exc:
            messages.error(request, exc.message)
    status = request.GET.get("status", "")
    page = _page(request, selectors.members_of(access, status=status))
    return render(
        request,
        "communities/members.html",
        {
            "access": access,
            "community": access.community,
            "page": page,
            "invite": invite,
            "status": status,
        },
    )


def _post_form_response(
    request: AuthedRequest,
    template: str,
    context: dict[str, object],
    form: PostForm,
    exc: DomainError,
) -> HttpResponse:
    if isinstance(exc, IdentifiersFound):
        text = f"{form.cleaned_data['title']}\n{form.cleaned_data['body']}"
        context["findings"] = _findings(exc, text)
        context["blocking"] = any(f.confidence == "high" for f in exc.findings)
    else:
        form.add_error(None, exc.message)
    return render(request, template, context, status=exc.status)


@login_required
@strict_uploads
def post_new(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_community_for(request.user, code)
    if not access.can_post:
        return redirect("communities:join", code=code)
    form = PostForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": request.GET.get("kind", "discussion"), "interest": "none"},
    )
    context: dict[str, object] = {"access": access, "community": access.community, "form": form}
    if request.method == "POST":
        if form.is_valid():
            try:
                draft = form.draft()
                draft.attachments = _uploads(request)
                post = posting.post_create(access, request.user, draft, request=request)
            except DomainError as exc:
                return _post_form_response(
                    request, "communities/post_form.html", context, form, exc
                )
            if post.held_reason == HeldReason.NEW_ACCOUNT:
                messages.warning(
                    request,
                    _(
                        "Welcome. A moderator checks the first post of a new account before "
                        "others see it."
                    ),
                )
            elif post.visibility == Visibility.HELD:
                messages.warning(request, _("Your post is held until a moderator has checked it."))
            return redirect(post)
        return render(request, "communities/post_form.html", context, status=422)
    return render(request, "communities/post_form.html", context)


@login_required
def post_edit(request: AuthedRequest, code: str) -> HttpResponse:
    access, post = get_post_for(request.user, code)
    if post.author_id != request.user.pk:
        raise Http404
    initial = {
        "kind": post.kind,
        "title": post.title,
        "body": post.body,
        "sources": "\n".join(s["value"] for s in post.sources),
        "interest": post.interest,
        "interest_detail": post.interest_detail,
    }
    form = PostForm(request.POST or None, initial=initial)
    del form.fields["attachment"]  # files are added with a post, or afterwards by the API
    context: dict[str, object] = {
        "access": access,
        "community": access.community,
        "form": form,
        "post": post,
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                posting.post_edit(access, post, request.user, form.draft(), request=request)
            except CommunityError as exc:
                return _post_form_response(
                    request, "communities/post_form.html", context, form, exc
                )
            return redirect(post)
        return render(request, "communities/post_form.html", context, status=422)
    return render(request, "communities/post_form.html", context)


@login_required
@strict_uploads
def post_detail(request: AuthedRequest, code: str) -> HttpResponse:
    access, post = get_post_for(request.user, code)
    form = CommentForm(request.POST or None, request.FILES or None)
    status = 200
    findings = None
    if request.method == "POST":
        if form.is_valid():
            try:
                comment = posting.comment_create(
                    access,
                    post,
                    request.user,
                    form.cleaned_data["body"],
                    confirm_no_identifiers=form.cleaned_data["confirm_no_identifiers"],
                    attachments=_uploads(request),
                    request=request,
                )
            except IdentifiersFound as exc:
                findings = _findings(exc, form.cleaned_data["body"])
                status = 422
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                if comment.visibility == Visibility.HELD:
                    messages.warning(request, _("Your answer is held until a moderator checks it."))
                return redirect(comment)
        else:
            status = 422
    posting.post_mark_read(request.user, post)
    comments = _page(request, selectors.comments_on(access, post, request.user), per_page=50)
    following = post.states.filter(user=request.user, following=True).exists()
    post_files = post.attachments.filter(comment__isnull=True)
    appealed = {
        code or ""
        for code in Appeal.objects.filter(post=post, author=request.user).values_list(
            "comment__code", flat=True
        )
    }
    i_found_helpful = post.helpfuls.filter(user=request.user).exists()
    return _private(
        render(
            request,
            "communities/post.html",
            {
                "access": access,
                "community": access.community,
                "post": post,
                "comments": comments,
                "form": form,
                "findings": findings,
                "following": following,
                "post_files": post_files,
                "appealed": appealed,
                "appeal_form": AppealForm(),
                "i_found_helpful": i_found_helpful,
            },
            status=status,
        )
    )


@require_POST
@login_required
def appeal(request: AuthedRequest, code: str) -> HttpResponse:
    """The author appeals against hiding their post or one of its comments."""
    access, post = get_post_for(request.user, code)
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why it should be shown again."))
        return redirect(post)
    comment = None
    if form.cleaned_data["comment"]:
        comment = post.comments.filter(code=form.cleaned_data["comment"]).first()
        if comment is None:
            raise Http404
    try:
        appeal_create(
            access,
            request.user,
            post,
            text=form.cleaned_data["text"],
            comment=comment,
            request=request,
        )
    except CommunityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your appeal is with the moderators."))
    return redirect(comment or post)


@login_required
def attachment(request: AuthedRequest, code: str) -> HttpResponse:
    """A file on a post or comment, for whoever may read it; never at a public URL."""
    _access, found = get_attachment_for(request.user, code)
    try:
        return _private(attachment_response(found))  # type: ignore[arg-type]
    except FileNotFoundError:
        raise Http404 from None


@require_POST
@login_required
def post_action(request: AuthedRequest, code: str) -> HttpResponse:
    """Helpful (post or comment), follow and unfollow, accept an answer."""
    access, post = get_post_for(request.user, code)
    action = request.POST.get("action")
    comment = None
    if request.POST.get("comment"):
        comment = Comment.objects.filter(post=post, code=request.POST["comment"]).first()
        if comment is None:
            raise Http404
    try:
        if action == "helpful":
            posting.helpful_toggle(access, request.user, post=post, comment=comment)
        elif action in ("follow", "unfollow"):
            posting.post_follow(request.user, post, following=action == "follow")
        elif action == "accept":
            posting.answer_accept(access, post, comment, request.user, request=request)
            messages.success(request, _("Answer accepted."))
        else:
            return HttpResponse(status=400)
    except CommunityError as exc:
        messages.error(request, exc.message)
    return redirect(comment or post)


@login_required
def report(request: AuthedRequest, code: str) -> HttpResponse:
    access, post = get_post_for(request.user, code)
    comment = None
    comment_code = request.GET.get("comment") or request.POST.get("comment")
    if comment_code:
        comment = Comment.objects.filter(post=post, code=comment_code).first()
        if comment is None:
            raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        posting.report_create(
            access,
            request.user,
            post,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            comment=comment,
            request=request,
        )
        messages.success(request, _("Thank you. The moderators will look at it."))
        return redirect(post)
    return render(
        request,
        "communities/report.html",
        {"community": access.community, "post": post, "comment": comment, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def moderation(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_community_for(request.user, code)
    if not access.can_moderate:
        raise PermissionDenied
    if request.method == "POST" and "appeal" in request.POST:
        _decide_appeal(request, access)
        return redirect("communities:moderation", code=code)
    if request.method == "POST":
        response = _moderate(request, access)
        if response is not None:
            return response
        return redirect("communities:moderation", code=code)
    queue = _page(request, selectors.moderation_queue(access))
    held_comments = Comment.objects.filter(
        post__in=[p.pk for p in queue.object_list], visibility=Visibility.HELD
    ).select_related("author", "post")
    reports = (
        access.community.reports.open()
        .filter(post__in=[p.pk for p in queue.object_list])
        .select_related("reporter", "comment")
    )
    log = ModerationAction.objects.filter(community=access.community).select_related(
        "moderator", "post", "member__user"
    )[:20]
    return render(
        request,
        "communities/moderation.html",
        {
            "access": access,
            "community": access.community,
            "queue": queue,
            "held_comments": held_comments,
            "reports": reports,
            "log": log,
            "appeals": _page(request, selectors.appeals_open(access), name="appeals"),
            "form": ModerateForm(),
        },
    )


def _decide_appeal(request: AuthedRequest, access: CommunityAccess) -> None:
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return
    found = Appeal.objects.filter(community=access.community, code=form.cleaned_data["appeal"])
    the_appeal = found.first()
    if the_appeal is None:
        raise Http404
    try:
        appeal_decide(
            access,
            request.user,
            the_appeal,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except CommunityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))


def _moderate(request: AuthedRequest, access: CommunityAccess) -> HttpResponse | None:
    form = ModerateForm(request.POST)
    post_code = request.POST.get("post", "")
    post = access.community.posts.filter(code=post_code).first()
    if post is None:
        raise Http404
    if not form.is_valid():
        return HttpResponse(status=400)
    comment = None
    if form.cleaned_data["comment"]:
        comment = post.comments.filter(code=form.cleaned_data["comment"]).first()
        if comment is None:
            raise Http404
    try:
        posting.moderate(
            access,
            request.user,
            post=post,
            comment=comment,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
            label=form.cleaned_data["label"],
            request=request,
        )
    except CommunityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return None


@login_required
def chats(request: AuthedRequest, code: str) -> HttpResponse:
    """A community's scheduled chats (live, upcoming, archived); moderators schedule new ones."""
    access = get_community_for(request.user, code)
    if not access.can_read:
        raise Http404
    form = ChatForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not access.can_moderate:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            host = access.community.members.active().filter(user__email__iexact=data["host"])
            member = host.select_related("user").first()
            try:
                if member is None:
                    raise CommunityError(_("The host must be a member."), status=422)
                chat = chat_schedule(
                    access,
                    request.user,
                    topic=data["topic"],
                    host=member.user,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    request=request,
                )
            except CommunityError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("The chat is scheduled."))
                return redirect(chat)
        else:
            status = 422
    return _private(
        render(
            request,
            "communities/chats.html",
            {
                "access": access,
                "community": access.community,
                "page": _page(request, selectors.chats_in(access)),
                "form": form,
                "now": timezone.now(),
            },
            status=status,
        )
    )


@login_required
def chat(request: AuthedRequest, code: str) -> HttpResponse:
    """The chat's thread: refreshed every few seconds while live, an archive afterwards."""
    access, the_chat = get_chat_for(request.user, code)
    if request.method == "POST" and request.POST.get("message"):
        message = the_chat.messages.filter(code=request.POST["message"]).first()
        if message is None:
            raise Http404
        chat_moderate(access, request.user, message, request.POST.get("action", ""))
        return redirect(the_chat)
    form = ChatMessageForm(request.POST or None)
    status = 200
    findings = None
    if request.method == "POST":
        if form.is_valid():
            try:
                chat_say(
                    access,
                    the_chat,
                    request.user,
                    form.cleaned_data["body"],
                    confirm_no_identifiers=form.cleaned_data["confirm_no_identifiers"],
                )
            except IdentifiersFound as exc:
                findings = _findings(exc, form.cleaned_data["body"])
                status = 422
            except CommunityError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                return redirect(the_chat)
        else:
            status = 422
    now = timezone.now()
    context = {
        "access": access,
        "community": access.community,
        "chat": the_chat,
        "live": the_chat.is_live(now),
        "upcoming": the_chat.starts_at > now,
        "page": _page(request, selectors.chat_messages(access, the_chat, request.user), 100),
        "form": form,
        "findings": findings,
    }
    if getattr(request, "htmx", False) and request.GET.get("part") == "thread":
        return _private(render(request, "communities/chat.html#thread", context))
    return _private(render(request, "communities/chat.html", context, status=status))

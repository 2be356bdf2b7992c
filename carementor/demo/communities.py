"""Demo communities: three open ones (paediatric cardiology, critical-care nursing, digital
health), the teaching hospital's own, and one programme's space, with the personas asking,
answering, disclosing interests and giving sources — a question with an accepted answer, a
post labelled "disputed", a reported one, one held for a moderator, and a chat archive.

Rows are written directly (no notifications, no e-mail) with stable codes. Safe to run twice:
a community whose code already exists is left alone, whatever testers did in it.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from carementor.accounts.models import User
from carementor.communities import attachments, mentions
from carementor.communities.content import parse_sources, render_markdown
from carementor.communities.models import (
    Appeal,
    Chat,
    ChatMessage,
    Comment,
    Community,
    HeldReason,
    Kind,
    Member,
    MemberStatus,
    ModerationAction,
    Post,
    PostKind,
    PostState,
    Report,
    Role,
    Visibility,
)
from carementor.communities.services import DEFAULT_GUIDELINES, community_for_program
from carementor.demo.logins import (
    AISHA,
    ASHA,
    HOSPITAL,
    KAVYA,
    MARY,
    MEENA,
    RAVI,
    ROHAN,
    STAFF,
    TOM,
    VIKRAM,
)
from carementor.demo.rng import stable_code
from carementor.organizations.models import Organization
from carementor.profiles.models import Profession, Specialty
from carementor.programs.models import Program


@dataclass(frozen=True)
class Reply:
    author: str
    body: str
    accepted: bool = False
    hours: int = 2


@dataclass(frozen=True)
class PostSpec:
    key: str
    author: str
    title: str
    body: str
    kind: str = PostKind.DISCUSSION
    sources: tuple[str, ...] = ()
    interest: str = "none"
    interest_detail: str = ""
    days_ago: int = 3
    replies: tuple[Reply, ...] = ()
    label: tuple[str, str] | None = None  # (label, reason)
    report: tuple[str, str, str] | None = None  # (reporter, reason, note)
    held: bool = False
    held_reason: str = HeldReason.IDENTIFIERS
    # Hidden by the moderator with this reason; and the author's appeal, if any.
    hidden: str = ""
    appeal: str = ""
    # A PDF on the post (its name), generated in code.
    attachment: str = ""


@dataclass(frozen=True)
class CommunitySpec:
    key: str
    name: str
    description: str
    owner: str
    moderators: tuple[str, ...]
    members: tuple[str, ...]
    organization: str = ""
    profession: str = ""
    specialty: str = ""
    region: str = ""
    topic: str = ""
    posts: tuple[PostSpec, ...] = field(default_factory=tuple)
    # An archived chat: topic, host, and its messages (author, text) in order.
    chat: tuple[str, str, tuple[tuple[str, str], ...]] | None = None


COMMUNITIES = (
    CommunitySpec(
        key="paeds-cardiology",
        name="Paediatric cardiology: training and fellowships",
        description="For residents and fellows heading into paediatric cardiology, and the "
        "consultants who have been there.",
        owner=VIKRAM.email,
        moderators=(STAFF.email,),
        members=(ASHA.email, AISHA.email),
        specialty="paediatric-cardiology",
        region="India",
        posts=(
            PostSpec(
                key="fellowship-interview",
                author=ASHA.email,
                kind=PostKind.QUESTION,
                title="How did you prepare for the fellowship interview?",
                body="I am a second-year paediatrics resident in Chennai and want to apply for "
                "a paediatric cardiology fellowship next year. What did the panel ask you, and "
                "what would you do differently?",
                days_ago=6,
                replies=(
                    Reply(
                        VIKRAM.email,
                        "Bring **two cases you learned from**, not your best ones, and be "
                        "ready to read an echo clip live. Panels ask why cardiology and why "
                        "now; have a one-minute answer.",
                        accepted=True,
                    ),
                    Reply(AISHA.email, "Ask current fellows about the rota before you go."),
                ),
            ),
            PostSpec(
                key="echo-course",
                author=VIKRAM.email,
                title="Reading list for congenital echo",
                body="The guideline below is a good start for standardised views.",
                sources=("https://www.asecho.org/guideline/pediatric-echocardiography/",),
                days_ago=2,
            ),
        ),
    ),
    CommunitySpec(
        key="critical-care-nursing",
        name="Critical care nursing",
        description="Nurses in ICUs and high-dependency units asking and answering practical "
        "questions. Hindi and English welcome.",
        owner=MARY.email,
        moderators=(KAVYA.email,),
        members=(RAVI.email, ASHA.email),
        profession="registered-nurse",
        specialty="critical-care-nursing",
        topic="Critical care",
        chat=(
            "Night shifts: learning when the unit is quiet",
            MARY.email,
            (
                (MARY.email, "Welcome! What do you study on a quiet night shift?"),
                (KAVYA.email, "I review one protocol a night and quiz the new staff on it."),
                (RAVI.email, "Is it fine to read case notes for learning?"),
                (MARY.email, "Only your own unit's, and never copy details out of them."),
            ),
        ),
        posts=(
            PostSpec(
                key="sedation-holds",
                author=KAVYA.email,
                kind=PostKind.QUESTION,
                title="Daily sedation interruption: who decides on your unit?",
                body="On our unit the doctors decide, but the evidence supports nurse-led "
                "protocols. How do you run it?",
                sources=("doi:10.1056/NEJM200005183422002",),
                days_ago=4,
                replies=(
                    Reply(
                        MARY.email,
                        "We moved to a nurse-led protocol with a checklist at 08:00; "
                        "escalate if the patient is agitated or desaturates.",
                    ),
                ),
            ),
            PostSpec(
                key="supplement",
                author=RAVI.email,
                title="This supplement prevents pressure injuries",
                body="A company gave us samples; it works wonders for every bedbound patient.",
                days_ago=1,
                report=(KAVYA.email, "promotion", "No disclosure and no evidence given."),
            ),
            PostSpec(
                key="held-first-post",
                author=MEENA.email,
                kind=PostKind.QUESTION,
                title="Night-shift handover checklists",
                body="I am new here. Does anyone share a handover checklist for ICU night "
                "shifts? @mary, does your unit use one?",
                days_ago=0,
                held=True,
                held_reason=HeldReason.NEW_ACCOUNT,
            ),
            PostSpec(
                key="handover-chart",
                author=MARY.email,
                title="Our SBAR handover sheet",
                body="The one-page sheet our unit uses for SBAR handovers, as a PDF. "
                "@kavya adapted it for step-down beds.",
                days_ago=2,
                attachment="sbar-handover-sheet.pdf",
                replies=(
                    Reply(
                        KAVYA.email,
                        "Thanks @mary. We added a line for pending lab results.",
                    ),
                ),
            ),
            PostSpec(
                key="held-uhid",
                author=RAVI.email,
                kind=PostKind.QUESTION,
                title="Fluid chart question",
                body="For UHID 20231145 the fluid balance is +2 L. Should we slow the drip?",
                days_ago=0,
                held=True,
            ),
        ),
    ),
    CommunitySpec(
        key="digital-health",
        name="Digital health and AI scribes",
        description="Clinicians, informaticians and IT teams sharing what works when "
        "adopting EHRs, telehealth and AI tools.",
        owner=TOM.email,
        moderators=(STAFF.email,),
        members=(AISHA.email, VIKRAM.email),
        specialty="clinical-informatics",
        topic="Digital health",
        posts=(
            PostSpec(
                key="ai-scribe-pilot",
                author=TOM.email,
                title="What we learned from six months of an AI scribe",
                body="Notes were faster, but every note still needs reading before signing. "
                "Reverse mentoring by juniors helped consultants most.",
                sources=("PMID 38265935",),
                interest="industry",
                interest_detail="Our trust's pilot is part-funded by the scribe's vendor.",
                days_ago=5,
                replies=(Reply(AISHA.email, "Did pharmacists review the medication sections?"),),
            ),
            PostSpec(
                key="scribe-discount",
                author=AISHA.email,
                title="Discount code for an AI scribe",
                body="Use my code for three months free of the scribe our pharmacy tried.",
                days_ago=2,
                hidden="Promotion without a declared interest.",
                appeal="I have no link to the vendor; the code came from a conference. "
                "Could I repost it with a disclosure?",
            ),
            PostSpec(
                key="ai-replaces",
                author=AISHA.email,
                title="AI will make medication reconciliation unnecessary",
                body="Within two years nobody will need to reconcile medicines by hand.",
                days_ago=3,
                label=("disputed", "No study supports this yet; reconciliation stays a duty."),
            ),
        ),
    ),
    CommunitySpec(
        key="indus-residents",
        name="Indus IMS residents' forum",
        description="Residents and their mentors at the institute.",
        owner=ROHAN.email,
        moderators=(),
        members=(ASHA.email, VIKRAM.email, RAVI.email),
        organization=HOSPITAL,
        posts=(
            PostSpec(
                key="rota-swap",
                author=ASHA.email,
                title="Mentoring meetings around the night rota",
                body="Which evenings work for mentors? I am on call every fourth night.",
                days_ago=2,
                replies=(Reply(VIKRAM.email, "After 21:00 on Tuesdays works for me."),),
            ),
        ),
    ),
)


def seed_communities(*, organizations: dict[str, Organization]) -> int:
    """Write the demo communities; returns how many were created."""
    emails = {email for spec in COMMUNITIES for email in _people(spec)}
    people = {u.email: u for u in User.objects.filter(email__in=emails)}
    created = 0
    for spec in COMMUNITIES:
        code = stable_code("community", spec.key)
        if Community.objects.filter(code=code).exists() or spec.owner not in people:
            continue
        with transaction.atomic():
            _community(spec, code, people, organizations)
        created += 1
    created += _program_space(organizations, people)
    return created


def _people(spec: CommunitySpec) -> set[str]:
    authors = {p.author for p in spec.posts} | {r.author for p in spec.posts for r in p.replies}
    reporters = {p.report[0] for p in spec.posts if p.report}
    talkers = {author for author, _body in spec.chat[2]} if spec.chat else set()
    return {spec.owner, *spec.moderators, *spec.members} | authors | reporters | talkers


def _community(
    spec: CommunitySpec,
    code: str,
    people: dict[str, User],
    organizations: dict[str, Organization],
) -> None:
    now = timezone.now()
    organization = organizations.get(spec.organization) if spec.organization else None
    community = Community.objects.create(
        code=code,
        kind=Kind.ORGANIZATION if organization else Kind.OPEN,
        organization=organization,
        name=spec.name,
        description=spec.description,
        guidelines=str(DEFAULT_GUIDELINES),
        profession=Profession.objects.filter(code=spec.profession).first(),
        specialty=Specialty.objects.filter(code=spec.specialty).first(),
        region=spec.region,
        topic=spec.topic,
        created_by=people[spec.owner],
    )
    roles = dict.fromkeys(spec.moderators, Role.MODERATOR) | {spec.owner: Role.OWNER}
    for email in _people(spec):
        if email in people:
            Member.objects.create(
                code=stable_code("community-member", spec.key, email),
                community=community,
                user=people[email],
                role=roles.get(email, Role.MEMBER),
                status=MemberStatus.ACTIVE,
                guidelines_accepted_at=now - timedelta(days=10),
                joined_at=now - timedelta(days=10),
            )
    community.member_count = community.members.count()
    community.save(update_fields=["member_count"])
    moderator = people.get(spec.moderators[0] if spec.moderators else spec.owner)
    for post_spec in spec.posts:
        _post(community, post_spec, people, moderator, now)
    if spec.chat is not None and spec.chat[1] in people:
        topic, host, lines = spec.chat
        starts = now - timedelta(days=7, hours=2)
        chat = Chat.objects.create(
            code=stable_code("community-chat", spec.key),
            community=community,
            topic=topic,
            host=people[host],
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )
        ChatMessage.objects.bulk_create(
            ChatMessage(
                code=stable_code("community-chat-message", spec.key, index),
                chat=chat,
                author=people[author],
                body=body,
            )
            for index, (author, body) in enumerate(lines)
            if author in people
        )


def _post(
    community: Community,
    spec: PostSpec,
    people: dict[str, User],
    moderator: User | None,
    now: datetime,
) -> None:
    if spec.author not in people:
        return
    at = now - timedelta(days=spec.days_ago, hours=3)
    post = Post.objects.create(
        code=stable_code("community-post", spec.key),
        community=community,
        author=people[spec.author],
        kind=spec.kind,
        title=spec.title,
        body=spec.body,
        body_html=_html(spec.body, community),
        sources=parse_sources(list(spec.sources)),
        interest=spec.interest,
        interest_detail=spec.interest_detail,
        visibility=(
            Visibility.HELD
            if spec.held
            else Visibility.HIDDEN
            if spec.hidden
            else Visibility.VISIBLE
        ),
        held_reason=spec.held_reason if spec.held else "",
        moderation_reason=spec.hidden,
        identifiers_confirmed=spec.held and spec.held_reason == HeldReason.IDENTIFIERS,
        label=spec.label[0] if spec.label else "",
        label_reason=spec.label[1] if spec.label else "",
        last_activity_at=at,
    )
    PostState.objects.create(user=post.author, post=post, read_at=at, following=True)
    for index, reply in enumerate(spec.replies):
        if reply.author not in people:
            continue
        comment = Comment.objects.create(
            code=stable_code("community-comment", spec.key, index),
            post=post,
            author=people[reply.author],
            body=reply.body,
            body_html=_html(reply.body, community),
            helpful_count=1 if reply.accepted else 0,
        )
        post.comment_count += 1
        post.last_activity_at = at + timedelta(hours=reply.hours * (index + 1))
        if reply.accepted:
            post.accepted_answer = comment
    post.save(update_fields=["comment_count", "last_activity_at", "accepted_answer"])
    if spec.label and moderator is not None:
        ModerationAction.objects.create(
            community=community,
            moderator=moderator,
            action=ModerationAction.Action.LABEL,
            post=post,
            reason=spec.label[1],
        )
    if spec.hidden and moderator is not None:
        ModerationAction.objects.create(
            community=community,
            moderator=moderator,
            action=ModerationAction.Action.HIDE,
            post=post,
            reason=spec.hidden,
        )
    if spec.appeal:
        Appeal.objects.create(
            code=stable_code("community-appeal", spec.key),
            community=community,
            post=post,
            author=post.author,
            text=spec.appeal,
        )
    if spec.attachment:
        _attach(post, spec.attachment)
    if spec.report and spec.report[0] in people:
        Report.objects.create(
            code=stable_code("community-report", spec.key),
            community=community,
            post=post,
            reporter=people[spec.report[0]],
            reason=spec.report[1],
            note=spec.report[2],
        )


def _html(body: str, community: Community) -> str:
    """Markdown with @mentions of the community's members linked, as posting renders it."""
    return render_markdown(mentions.link_mentions(body, mentions.mentioned(body, community)))


def _attach(post: Post, name: str) -> None:
    """A generated PDF, through the same checks and storage as an uploaded one."""
    from carementor.credentials.sample_documents import certificate_pdf
    from carementor.credentials.uploads import inspect_upload

    data = certificate_pdf(["SBAR handover", "Situation, background, assessment, recommendation"])
    stored = attachments.store([inspect_upload(name, data)])
    attachments.link(stored, post=post, uploader=post.author, comment=None)


def _program_space(organizations: dict[str, Organization], people: dict[str, User]) -> int:
    """The hospital's first published programme gets its own community, as a coordinator's
    button would make it."""
    hospital = organizations.get(HOSPITAL)
    if hospital is None:
        return 0
    program = (
        Program.objects.filter(organization=hospital, status=Program.Status.PUBLISHED)
        .order_by("pk")
        .first()
    )
    if program is None or Community.objects.filter(program=program).exists():
        return 0
    owner = people.get(ROHAN.email)
    community_for_program(program, actor=owner)
    return 1

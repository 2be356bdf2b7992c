"""One demo login per role, with the persona names from PERSONAS.md.

Privileged logins (coordinator, reviewer, org admin, platform staff) must use two-factor
authentication, so each gets a TOTP authenticator with one fixed, documented secret that a
tester adds to an authenticator app. Every demo e-mail address is already verified.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt, encrypt

from carementor.accounts.models import User
from carementor.demo.records import PersonData, ProfileData, write_people
from carementor.demo.rng import stable_code
from carementor.demo.vocabulary import Vocabulary
from carementor.organizations.models import Membership, Organization

# Base32, as authenticator apps expect. Public on purpose: demo data only.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"
JOINED = datetime(2024, 9, 2, 9, 0, tzinfo=UTC)

HOSPITAL = "indus-ims"
TRUST = "pennine-nhs"
COLLEGE = "vembanad-nursing"


@dataclass(frozen=True)
class Login:
    role: str
    person: PersonData
    mfa: bool
    organizations: str = ""  # shown instead, for memberships made later in the seed


@dataclass(frozen=True)
class LoginRow:
    role: str
    email: str
    full_name: str
    organizations: str
    mfa_secret: str


def _person(
    key: str,
    full_name: str,
    memberships: tuple[tuple[str, tuple[str, ...]], ...],
    profile: ProfileData | None,
    *,
    timezone: str = "Asia/Kolkata",
    language: str = "",
    is_staff: bool = False,
    preferred_name: str = "",
) -> PersonData:
    return PersonData(
        code=stable_code("login", key),
        email=f"{key}@example.org",
        full_name=full_name,
        timezone=timezone,
        language=language,
        preferred_name=preferred_name,
        date_joined=JOINED,
        memberships=memberships,
        profile=profile,
        is_staff=is_staff,
    )


ASHA = _person(
    "asha",
    "Asha Raman",
    ((HOSPITAL, ()),),
    ProfileData(
        code=stable_code("login-profile", "asha"),
        profession="physician",
        career_stage="resident",
        years_in_practice=2,
        specialties=("paediatrics",),
        country="IN",
        region="Tamil Nadu",
        city="Chennai",
        workplace="Indus Institute of Medical Sciences, Chennai",
        languages=("en", "ta"),
        headline="Resident doctor (second year), Paediatrics, Chennai",
        bio="Second-year paediatrics resident. On call every fourth night, so I meet late "
        "evenings or weekend mornings, mostly by phone or video.",
        goals="Find a mentor in paediatric cardiology who has been through fellowship "
        "applications. Find a peer to prepare for the MD Paediatrics exam with.",
        interests="paediatric cardiology, medical education",
        hours_per_month=4,
        preferred_slots=("weekday_evening", "weekend_morning"),
        shift_pattern="on_call",
        meeting_formats=("video", "phone", "chat"),
        roles_offered=("peer",),
        roles_sought=("mentor", "peer"),
        mentoring_capacity=1,
        visibility="organization",
        competencies=(
            ("clinical-reasoning", 3, 4),
            ("fellowship-applications", 1, 4),
            ("exam-preparation", 2, 4),
            ("ehr-use", 3, None),
            ("telehealth", 2, 3),
            ("work-life-balance", 2, 3),
        ),
    ),
)

VIKRAM = _person(
    "vikram",
    "Vikram Mehta",
    ((HOSPITAL, ("mentor",)),),
    ProfileData(
        code=stable_code("login-profile", "vikram"),
        profession="physician",
        career_stage="senior",
        years_in_practice=31,
        specialties=("interventional-cardiology", "cardiology"),
        country="IN",
        region="Maharashtra",
        city="Pune",
        workplace="Indus Institute of Medical Sciences, Pune",
        languages=("en", "hi", "mr"),
        headline="Professor and head of cardiology, Interventional Cardiology, Pune",
        bio="Interventional cardiologist and head of department. I answer requests late at "
        "night and can take on three mentees at most.",
        goals="Guide two or three trainees through cardiology fellowship decisions. "
        "Earn CPD credit for the hours I spend mentoring.",
        interests="structural heart disease, research methods, leadership",
        hours_per_month=4,
        preferred_slots=("night", "weekend_evening"),
        shift_pattern="regular",
        meeting_formats=("video", "in_person"),
        roles_offered=("mentor", "advisor", "sponsor"),
        roles_sought=(),
        mentoring_capacity=3,
        visibility="platform",
        competencies=(
            ("procedural-skills", 5, None),
            ("clinical-reasoning", 5, None),
            ("team-leadership", 5, None),
            ("research-methods", 4, None),
            ("fellowship-applications", 5, None),
            ("ehr-optimization", 2, 3),
            ("ai-tools", 1, 3),
        ),
    ),
)

MARY = _person(
    "mary",
    "Mary Thomas",
    ((COLLEGE, ("coordinator", "mentor")),),
    ProfileData(
        code=stable_code("login-profile", "mary"),
        profession="registered-nurse",
        career_stage="senior",
        years_in_practice=22,
        specialties=("nurse-education", "general-nursing"),
        country="IN",
        region="Kerala",
        city="Kochi",
        workplace="Vembanad College of Nursing, Kochi",
        languages=("en", "ml"),
        headline="Senior nurse educator, Nurse Education and Staff Development, Kochi",
        bio="Nurse educator. I coordinate the college's peer-mentoring scheme for 240 "
        "students a year: groups of six, each with a senior student.",
        goals="Run peer-mentoring groups that every student attends. Give the principal a "
        "clear year-end report on what the scheme achieved.",
        interests="nursing education, student wellbeing",
        hours_per_month=8,
        preferred_slots=("weekday_afternoon",),
        shift_pattern="regular",
        meeting_formats=("in_person", "video"),
        roles_offered=("mentor", "coach"),
        roles_sought=(),
        mentoring_capacity=6,
        visibility="organization",
        competencies=(
            ("clinical-teaching", 5, None),
            ("curriculum-design", 4, None),
            ("giving-feedback", 5, None),
            ("peer-support", 4, None),
            ("data-literacy", 2, 4),
            ("teaching-digital-skills", 2, 3),
        ),
    ),
    # Students and colleagues call her Sister Mary: her chosen greeting, not her given name.
    preferred_name="Sister Mary",
)

PRIYA = _person(
    "priya",
    "Priya Nair",
    ((HOSPITAL, ("reviewer",)),),
    ProfileData(
        code=stable_code("login-profile", "priya"),
        profession="healthcare-manager",
        career_stage="mid-career",
        years_in_practice=9,
        specialties=("quality-patient-safety", "healthcare-management"),
        country="IN",
        region="Maharashtra",
        city="Pune",
        workplace="Indus Institute of Medical Sciences, Pune (credentialing office)",
        languages=("en", "ml", "hi", "mr"),
        headline="Credential reviewer, Quality Improvement and Patient Safety, Pune",
        bio="I check registration certificates against the issuing councils' registers "
        "every morning.",
        goals="Build a credentialing process that is fast and fair.",
        interests="patient safety, health policy",
        hours_per_month=2,
        preferred_slots=("weekday_afternoon",),
        shift_pattern="regular",
        meeting_formats=("video",),
        roles_offered=(),
        roles_sought=("coach",),
        mentoring_capacity=0,
        visibility="organization",
        competencies=(
            ("quality-improvement", 4, None),
            ("ethics-law", 4, None),
            ("data-literacy", 3, 4),
            ("cybersecurity-hygiene", 4, None),
        ),
    ),
)

# The second reviewer: with four eyes on, her confirmation completes Priya's rejections and
# revocations (and hers need Priya's), so the whole flow can be shown with two logins.
KAVYA = _person(
    "kavya",
    "Kavya Menon",
    ((HOSPITAL, ("reviewer",)),),
    ProfileData(
        code=stable_code("login-profile", "kavya"),
        profession="registered-nurse",
        career_stage="senior",
        years_in_practice=17,
        specialties=("general-nursing",),
        country="IN",
        region="Maharashtra",
        city="Pune",
        workplace="Indus Institute of Medical Sciences, Pune (credentialing office)",
        languages=("en", "ml", "mr"),
        headline="Senior nurse and second credential reviewer, Pune",
        bio="Senior nurse on the credentialing panel. I confirm or decline the rejections "
        "and revocations my colleagues propose, usually the same afternoon.",
        goals="Keep second reviews within a day so nobody waits on a decision.",
        interests="patient safety, nursing regulation",
        hours_per_month=2,
        preferred_slots=("weekday_afternoon",),
        shift_pattern="regular",
        meeting_formats=("video", "in_person"),
        roles_offered=(),
        roles_sought=("peer",),
        mentoring_capacity=0,
        visibility="organization",
        competencies=(
            ("patient-safety", 5, None),
            ("ethics-law", 4, None),
            ("giving-feedback", 4, None),
            ("data-literacy", 2, 3),
        ),
    ),
)

ROHAN = _person(
    "rohan",
    "Rohan Iyer",
    ((HOSPITAL, ("admin",)),),
    ProfileData(
        code=stable_code("login-profile", "rohan"),
        profession="healthcare-manager",
        career_stage="senior",
        years_in_practice=18,
        specialties=("hospital-administration",),
        country="IN",
        region="Maharashtra",
        city="Pune",
        workplace="Indus Institute of Medical Sciences, Pune",
        languages=("en", "hi", "ta"),
        headline="Deputy medical superintendent, Hospital Administration, Pune",
        bio="I run the institute's membership and roles on CareMentor.",
        goals="Grow a mentoring culture across all three campuses.",
        interests="leadership, health policy",
        hours_per_month=2,
        preferred_slots=("weekday_morning",),
        shift_pattern="regular",
        meeting_formats=("in_person", "video"),
        roles_offered=("sponsor",),
        roles_sought=(),
        mentoring_capacity=2,
        visibility="organization",
        competencies=(
            ("service-management", 5, None),
            ("change-management", 4, None),
            ("data-literacy", 3, None),
            ("cybersecurity-hygiene", 3, 4),
        ),
    ),
)

TOM = _person(
    "tom",
    "Tom Hughes",
    ((TRUST, ("admin", "coordinator", "mentor")),),
    ProfileData(
        code=stable_code("login-profile", "tom"),
        profession="physician",
        career_stage="senior",
        years_in_practice=16,
        specialties=("clinical-informatics", "hospital-medicine"),
        country="GB",
        region="England",
        city="Leeds",
        workplace="Pennine Teaching Hospitals NHS Trust, Leeds",
        languages=("en",),
        headline="Consultant and clinical informatics lead, Leeds",
        bio="Consultant in acute medicine and the trust's clinical informatics lead. I run "
        "the programme coaching clinicians on the new EHR and AI scribe tools, with reverse "
        "mentoring where junior doctors coach consultants.",
        goals="Show the board that EHR coaching and reverse mentoring worked.",
        interests="digital health, AI in clinical practice, quality improvement",
        hours_per_month=6,
        preferred_slots=("weekday_morning", "weekday_afternoon"),
        shift_pattern="regular",
        meeting_formats=("video", "in_person"),
        roles_offered=("mentor", "coach"),
        roles_sought=(),
        mentoring_capacity=4,
        visibility="platform",
        competencies=(
            ("ehr-optimization", 5, None),
            ("ai-scribes", 4, 5),
            ("clinical-decision-support", 5, None),
            ("change-management", 4, None),
            ("team-leadership", 4, None),
        ),
    ),
    timezone="Europe/London",
)

AISHA = _person(
    "aisha",
    "Aisha Bello",
    ((TRUST, ()),),
    ProfileData(
        code=stable_code("login-profile", "aisha"),
        profession="pharmacist",
        career_stage="mid-career",
        years_in_practice=12,
        specialties=("clinical-pharmacy", "pharmacy-practice"),
        country="GB",
        region="England",
        city="Manchester",
        workplace="Pennine Teaching Hospitals NHS Trust, Manchester",
        languages=("en", "yo"),
        headline="Lead clinical pharmacist, Clinical Pharmacy, Manchester",
        bio="Clinical pharmacist moving into a leadership role.",
        goals="Step into a pharmacy leadership role and find a sponsor for it. "
        "See my whole mentoring network in one place.",
        interests="leadership, antimicrobial stewardship",
        hours_per_month=4,
        preferred_slots=("weekday_evening",),
        shift_pattern="regular",
        meeting_formats=("video", "phone"),
        roles_offered=(),
        roles_sought=("sponsor", "coach", "mentor"),
        mentoring_capacity=0,
        visibility="platform",
        competencies=(
            ("safe-prescribing", 5, None),
            ("team-leadership", 2, 4),
            ("conflict-resolution", 2, 4),
            ("digital-prescribing", 4, None),
        ),
    ),
    timezone="Europe/London",
)

# Left partly empty on purpose: the dashboard shows him what is missing.
RAVI = _person(
    "ravi",
    "Ravi Kumar",
    ((HOSPITAL, ()),),
    ProfileData(
        code=stable_code("login-profile", "ravi"),
        profession="ayush-student",
        career_stage="student",
        years_in_practice=0,
        specialties=("kayachikitsa",),
        country="IN",
        region="Rajasthan",
        city="Jaipur",
        workplace="Indus Institute of Medical Sciences, Jaipur",
        languages=("hi", "en"),
        headline="Final-year BAMS student, Jaipur",
        goals="Find my first mentor and learn what to bring to a first meeting.",
        roles_sought=("mentor",),
        meeting_formats=("phone", "video"),
    ),
    language="hi",
)

MEENA = _person(
    "meena",
    "Meena Yadav",
    (),  # no organization: she finds her mentors in the open network
    ProfileData(
        code=stable_code("login-profile", "meena"),
        profession="registered-nurse",
        career_stage="early-career",
        years_in_practice=7,
        specialties=("general-nursing",),
        country="IN",
        region="Uttar Pradesh",
        city="Sitapur",
        workplace="District Hospital, Sitapur",
        languages=("hi", "en"),
        headline="Staff nurse, district hospital, Sitapur",
        goals="Move into critical care nursing; find a sponsor for the ICU training seat.",
        roles_sought=("mentor", "sponsor"),
        meeting_formats=("phone", "video"),
    ),
    language="hi",
)

STAFF = _person("staff", "Neha Joshi", (), None, is_staff=True)

# The open network is the platform's national programme; `demo.network` makes Lakshmi its
# lead (coordinator and admin of its organization), once that organization exists.
NATIONAL_LEAD = _person("lakshmi", "Lakshmi Pillai", (), None)

LOGINS: tuple[Login, ...] = (
    Login("mentee", ASHA, mfa=False),
    Login("mentor", VIKRAM, mfa=False),
    Login("coordinator", MARY, mfa=True),
    Login("credential reviewer", PRIYA, mfa=True),
    Login("second credential reviewer", KAVYA, mfa=True),
    Login("org admin", ROHAN, mfa=True),
    Login("org admin (NHS trust)", TOM, mfa=True),
    Login("outsider (other organization)", AISHA, mfa=False),
    Login("mentee (student)", RAVI, mfa=False),
    Login("mentee (no organization, open network)", MEENA, mfa=False),
    Login("platform staff", STAFF, mfa=True),
    Login(
        "national programme lead (open network)",
        NATIONAL_LEAD,
        mfa=True,
        organizations="CareMentor open network",
    ),
)


def seed_logins(
    *, vocabulary: Vocabulary, organizations: dict[str, Organization], password_hash: str
) -> list[LoginRow]:
    """Create the demo logins once, then keep their roles, verified address and MFA in place.

    A login that already exists keeps its password and profile: `make run` seeds on every
    start and must not undo what a tester changed.
    """
    write_people(
        [login.person for login in LOGINS],
        vocabulary=vocabulary,
        organizations=organizations,
        password_hash=password_hash,
    )
    users = {
        user.email: user
        for user in User.objects.filter(email__in=[login.person.email for login in LOGINS])
    }
    rows = []
    for login in LOGINS:
        user = users[login.person.email]
        _ensure_account(user, login, organizations)
        secret = _ensure_mfa(user) if login.mfa else ""
        rows.append(
            LoginRow(
                role=login.role,
                email=user.email,
                full_name=user.full_name,
                organizations=login.organizations
                or ", ".join(organizations[slug].name for slug, _roles in login.person.memberships)
                or (
                    "all (Django admin at /admin/)"
                    if login.person.is_staff
                    else "none (the open network)"
                ),
                mfa_secret=secret,
            )
        )
    return rows


def _ensure_account(user: User, login: Login, organizations: dict[str, Organization]) -> None:
    if login.person.is_staff and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    for slug, roles in login.person.memberships:
        membership, _created = Membership.objects.get_or_create(
            user=user,
            organization=organizations[slug],
            defaults={"code": stable_code("membership", login.person.code, slug)},
        )
        if set(membership.roles) != {"member", *roles}:
            membership.set_roles(roles)
            membership.save(
                update_fields=["is_mentor", "is_coordinator", "is_reviewer", "is_admin"]
            )


def _ensure_mfa(user: User) -> str:
    """The secret to print: the demo one, unless the tester has since re-enrolled."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(DEMO_TOTP_SECRET)}
        )
        return DEMO_TOTP_SECRET
    if decrypt(authenticator.data["secret"]) == DEMO_TOTP_SECRET:
        return DEMO_TOTP_SECRET
    return "(re-enrolled by the user)"

"""Words for demo profiles: goals, interests and regional names that Faker lacks.

Goal templates take ``{specialty}`` (a specialty name) and are grouped by profession group
and career phase, so a pharmacist never "prepares for a surgical fellowship" and a retired
consultant never "prepares for the licensing exam".
"""

# Career phases a goal fits: L = learner (student, intern, resident), C = early and mid
# career, S = senior and retired.
Goal = tuple[str, str]

GOALS_BY_GROUP: dict[str, tuple[Goal, ...]] = {
    "medicine": (
        ("L", "Prepare for {specialty} fellowship applications and interviews."),
        ("L", "Pass the {specialty} exit exam on the first attempt."),
        ("L", "Find a mentor in {specialty} who has been through fellowship applications."),
        ("L", "Find a peer to prepare for the licensing exam with."),
        ("L", "Build confidence leading the night team during on-call shifts."),
        ("LC", "Publish my first case series in {specialty} this year."),
        ("C", "Plan the move to a consultant post in {specialty}."),
        ("LC", "Get confident using the new EHR's order sets on ward rounds."),
        ("CS", "Use AI scribe tools safely in clinics without losing the patient's story."),
        ("CS", "Start a quality improvement project on discharge summaries."),
        ("S", "Step back from on-call and put more time into teaching."),
    ),
    "nursing": (
        ("C", "Become a nurse educator in {specialty} within three years."),
        ("CS", "Prepare for the nursing superintendent selection interview."),
        ("CS", "Lead the switch from paper to electronic nursing notes on my ward."),
        ("LC", "Build confidence speaking up in multidisciplinary rounds."),
        ("C", "Complete my post-basic diploma in {specialty} while working shifts."),
        ("LC", "Learn to use the early-warning score dashboard to escalate sooner."),
        ("L", "Prepare for an overseas nursing registration exam."),
        ("C", "Apply for a specialist nursing post in {specialty}."),
        ("L", "Get through my first clinical placement with a senior student's help."),
    ),
    "pharmacy": (
        ("C", "Move from dispensing into a clinical pharmacy role in {specialty}."),
        ("L", "Find a hospital pharmacy internship that teaches clinical work."),
        ("CS", "Step into a pharmacy leadership role and find a sponsor for it."),
        ("C", "Qualify as an independent prescriber this year."),
        ("CS", "Set up antimicrobial stewardship rounds with the infection team."),
        ("LCS", "Learn to audit e-prescribing alerts and cut alert fatigue."),
    ),
    "dentistry": (
        ("L", "Prepare for the MDS entrance exam in {specialty}."),
        ("C", "Open my own practice within two years with a sound business plan."),
        ("LCS", "Get better at explaining treatment options and costs to patients."),
    ),
    "ayush": (
        ("L", "Find my first mentor and learn what to bring to a first meeting."),
        ("L", "Prepare for the AIAPGET postgraduate entrance exam in {specialty}."),
        ("CS", "Learn research methods to run a small clinical study in {specialty}."),
        ("LCS", "Understand how to document integrative care in the hospital EHR."),
    ),
    "allied": (
        ("LC", "Specialise in {specialty} and build a caseload of my own."),
        ("CS", "Offer tele-consultations to patients who live far away."),
        ("LC", "Present my first audit at a national {specialty} conference."),
        ("C", "Apply for an advanced practitioner post."),
        ("L", "Find a placement supervisor who will let me try things."),
    ),
    "informatics": (
        ("LCS", "Help clinicians get more out of the EHR without adding clicks."),
        ("LC", "Learn how clinical teams really work before designing the next build."),
        ("CS", "Lead the rollout of ambient AI documentation safely."),
        ("LCS", "Turn audit data into dashboards that ward teams actually use."),
    ),
    "management": (
        ("C", "Grow into a hospital operations leadership role."),
        ("CS", "Learn to lead change without losing frontline staff."),
        ("LCS", "Build a credentialing process that is fast and fair."),
    ),
    "education": (
        ("CS", "Design a simulation curriculum for final-year students."),
        ("LC", "Learn to give feedback that trainees act on."),
        ("CS", "Start a faculty development programme for new teachers."),
    ),
}

GOALS_FOR_MENTORS: tuple[str, ...] = (
    "Mentor two junior colleagues through their first quality improvement project.",
    "Give back by guiding trainees through {specialty} career decisions.",
    "Sponsor early-career colleagues for leadership opportunities.",
    "Learn from junior colleagues about digital tools through reverse mentoring.",
    "Earn CPD credit for the hours I spend mentoring.",
)

INTERESTS: tuple[str, ...] = (
    "medical education",
    "global health",
    "patient safety",
    "quality improvement",
    "research methods",
    "digital health",
    "AI in clinical practice",
    "wellbeing and burnout",
    "rural health",
    "public health",
    "leadership",
    "simulation",
    "health policy",
    "palliative care",
    "women in medicine",
    "telemedicine",
    "evidence-based practice",
    "community outreach",
)

# en_IN in Faker is mostly North Indian; nursing in Kerala draws heavily on these names.
KERALA_FIRST_NAMES_FEMALE: tuple[str, ...] = (
    "Mary",
    "Ann",
    "Merin",
    "Jincy",
    "Teena",
    "Liya",
    "Neethu",
    "Aswathy",
    "Reshma",
    "Sneha",
    "Anu",
    "Jisha",
    "Sheeba",
    "Smitha",
    "Bincy",
    "Sruthi",
    "Athira",
    "Gopika",
    "Lakshmi",
    "Divya",
)
KERALA_FIRST_NAMES_MALE: tuple[str, ...] = (
    "Jobin",
    "Anoop",
    "Arun",
    "Jithin",
    "Sanju",
    "Vishnu",
    "Akhil",
    "Nikhil",
    "Tom",
    "Sijo",
)
KERALA_LAST_NAMES: tuple[str, ...] = (
    "Thomas",
    "Joseph",
    "Mathew",
    "George",
    "Jose",
    "Abraham",
    "Philip",
    "Antony",
    "Francis",
    "Kurian",
    "Varghese",
    "Chacko",
    "Cherian",
    "Koshy",
    "Nair",
    "Menon",
    "Pillai",
    "Warrior",
)

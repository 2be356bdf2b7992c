"""Demo data for well-being: each organization's support contacts, Asha's private check-ins
over six months (a dip on a run of nights, then recovering), the summary she shared with her
mentor, and check-ins from the participants of one programme per organization so its
aggregate trend shows (months with fewer than five people stay withheld). Safe to run twice:
rows are keyed by stable codes and only missing ones are written, without notifications."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from carementor.accounts.models import User
from carementor.demo.rng import rng_for, stable_code
from carementor.mentorships.models import OPEN_PHASES, Mentorship, PartyRole
from carementor.programs.models import Enrollment, Program
from carementor.wellbeing import who5
from carementor.wellbeing.models import CheckIn, SharedSummary, SupportContacts

CONTACTS = {
    "indus-ims": {
        "eap_name": "Indus Staff Assistance Programme (counselling by 1to1help)",
        "eap_phone": "1800 425 0101",
        "eap_email": "staff-assist@indus-ims.example.org",
        "eap_hours": "24 hours, in English, Tamil and Hindi",
        "oh_name": "Staff Health and Occupational Medicine, Block C",
        "oh_phone": "044 2811 4400",
        "oh_hours": "Monday to Saturday 8:00-17:00",
        "note": "Residents on nights can ask for a call-back at a time that suits their rota.",
    },
    "pennine-nhs": {
        "eap_name": "Pennine Employee Assistance Programme",
        "eap_phone": "0800 030 5182",
        "eap_hours": "24 hours",
        "oh_name": "Occupational Health and Wellbeing, St Luke's site",
        "oh_phone": "0113 392 0000",
        "oh_email": "occupational.health@pennine.example.org",
        "oh_hours": "Monday to Friday 8:30-16:30",
    },
    "vembanad-nursing": {
        "eap_name": "Student and Staff Counselling Cell",
        "eap_phone": "0484 270 5566",
        "eap_hours": "Monday to Saturday 9:00-17:00",
        "oh_name": "College Health Centre",
        "oh_phone": "0484 270 5500",
        "note": "Students can also talk to their senior mentor, who knows how to reach the cell.",
    },
}

# Asha: (days ago, five WHO-5 answers, burnout, note).
ASHA_CHECKINS = (
    (170, (4, 3, 3, 3, 4), 2, ""),
    (140, (3, 3, 2, 2, 3), 2, "Exam prep on top of the rota."),
    (110, (2, 1, 2, 1, 2), 3, "Four nights in a row, sleeping badly."),
    (80, (1, 1, 1, 1, 2), 4, "Very tired. Talked to Dr Mehta about the rota."),
    (50, (2, 2, 2, 2, 3), 3, ""),
    (20, (3, 3, 3, 2, 3), 2, "Better since the swap to day shifts."),
)
PROGRAMME_PEOPLE = 30
PROGRAMME_MONTHS = 4


def _checkin(
    code: str, user: Any, days_ago: float, answers: Any, burnout: int, note: str = ""
) -> CheckIn:
    now = timezone.now()
    return CheckIn(
        code=code,
        user=user,
        taken_at=now - timedelta(days=days_ago),
        item1=answers[0],
        item2=answers[1],
        item3=answers[2],
        item4=answers[3],
        item5=answers[4],
        score=who5.percentage(answers),
        burnout=burnout,
        note=note,
    )


def _missing(rows: list[CheckIn]) -> list[CheckIn]:
    existing = set(
        CheckIn.objects.filter(code__in=[r.code for r in rows]).values_list("code", flat=True)
    )
    return [r for r in rows if r.code not in existing]


def seed_wellbeing(*, organizations: dict[str, Any], seed: int) -> None:
    with transaction.atomic():
        for slug, values in CONTACTS.items():
            organization = organizations.get(slug)
            if organization is not None:
                SupportContacts.objects.get_or_create(organization=organization, defaults=values)
        asha = User.objects.filter(email="asha@example.org").first()
        if asha is not None:
            _seed_asha(asha)
        for organization in organizations.values():
            program = (
                Program.objects.filter(organization=organization, status=Program.Status.PUBLISHED)
                .order_by("pk")
                .first()
            )
            if program is not None:
                _seed_programme(program, seed=seed)


def _seed_asha(asha: User) -> None:
    rows = [
        _checkin(stable_code("wellbeing", "asha", i), asha, days, answers, burnout, note)
        for i, (days, answers, burnout, note) in enumerate(ASHA_CHECKINS)
    ]
    CheckIn.objects.bulk_create(_missing(rows))
    if SharedSummary.objects.filter(owner=asha).exists():
        return
    mentorship = (
        Mentorship.objects.filter(
            phase__in=OPEN_PHASES, parties__user=asha, parties__role=PartyRole.MENTEE
        )
        .order_by("pk")
        .first()
    )
    if mentorship is None:
        return
    recent = list(
        CheckIn.objects.filter(user=asha, taken_at__gte=timezone.now() - timedelta(days=90))
    )
    if not recent:
        return
    recent.sort(key=lambda c: c.taken_at)
    SharedSummary.objects.create(
        code=stable_code("wellbeing-share", "asha"),
        owner=asha,
        mentorship=mentorship,
        first_taken_at=recent[0].taken_at,
        last_taken_at=recent[-1].taken_at,
        checkins=len(recent),
        latest_score=recent[-1].score,
        mean_score=round(sum(c.score for c in recent) / len(recent)),
        latest_burnout=recent[-1].burnout,
        message="A hard few months on nights; getting better. Could we talk about the rota?",
    )


def _seed_programme(program: Program, *, seed: int) -> None:
    people = list(
        Enrollment.objects.approved()
        .filter(program=program)
        .exclude(user__email="asha@example.org")
        .order_by("user__email")
        .values_list("user_id", flat=True)[:PROGRAMME_PEOPLE]
    )
    rows = []
    for user_id in people:
        rng = rng_for(seed, "wellbeing", program.code, user_id)
        base = rng.randint(1, 4)
        for month in range(PROGRAMME_MONTHS):
            if rng.random() < 0.25:
                continue  # not everybody checks in every month
            answers = [max(0, min(5, base + rng.randint(-1, 1))) for _ in range(5)]
            rows.append(
                _checkin(
                    stable_code("wellbeing", program.code, user_id, month),
                    User(pk=user_id),
                    30 * month + rng.randint(1, 25),
                    answers,
                    max(1, min(5, 5 - base + rng.randint(-1, 1))),
                )
            )
    CheckIn.objects.bulk_create(_missing(rows))

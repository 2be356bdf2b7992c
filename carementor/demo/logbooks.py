"""Demo data for skills logbooks: Asha's point-of-care ultrasound and EHR entries, observed by
her mentor — some signed off with feedback, one waiting for his sign-off. Safe to run twice."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from carementor.accounts.models import User
from carementor.demo.rng import stable_code
from carementor.logbooks.models import EntryStatus, LogEntry
from carementor.logbooks.services import observers_for
from carementor.profiles.models import Competency

# (days ago, competency, what, where, level, observed level or None for waiting, feedback)
ASHA_ENTRIES = (
    (
        60,
        "point-of-care-ultrasound",
        "Lung ultrasound on a child with bronchiolitis",
        "Paediatric ward, Chennai",
        1,
        2,
        "Good positioning; practise the B-line count.",
    ),
    (
        35,
        "point-of-care-ultrasound",
        "FAST scan on a child after a fall",
        "Emergency department, Chennai",
        2,
        3,
        "Confident views. Next time, narrate as you scan.",
    ),
    (
        21,
        "ehr-use",
        "Placed and reconciled admission medication orders in the new EHR",
        "Paediatric ward, Chennai",
        3,
        4,
        "Accurate and quick; you can teach the interns.",
    ),
    (
        6,
        "telehealth",
        "Follow-up video consultation with a family after discharge",
        "Telehealth clinic",
        3,
        None,
        "",
    ),
)


def seed_logbooks() -> None:
    asha = User.objects.filter(email="asha@example.org").first()
    if asha is None:
        return
    observer = observers_for(asha).first()
    if observer is None:
        return
    competencies = {
        c.code: c for c in Competency.objects.filter(code__in={e[1] for e in ASHA_ENTRIES})
    }
    codes = [stable_code("logbook", "asha", i) for i in range(len(ASHA_ENTRIES))]
    existing = set(LogEntry.objects.filter(code__in=codes).values_list("code", flat=True))
    now = timezone.now()
    rows = []
    for code, (days, skill, what, where, level, observed, feedback) in zip(
        codes, ASHA_ENTRIES, strict=True
    ):
        if code in existing or skill not in competencies:
            continue
        rows.append(
            LogEntry(
                code=code,
                user=asha,
                competency=competencies[skill],
                activity=what,
                performed_on=(now - timedelta(days=days)).date(),
                setting=where,
                level=level,
                observer=observer,
                created_at=now - timedelta(days=days),
                status=EntryStatus.SIGNED if observed else EntryStatus.REQUESTED,
                observed_level=observed,
                feedback=feedback,
                decided_at=now - timedelta(days=days - 2) if observed else None,
            )
        )
    with transaction.atomic():
        LogEntry.objects.bulk_create(rows)

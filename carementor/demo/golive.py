"""Demo data for digital go-lives: Indus's paediatric ward 7 going live with a new EHR — two
teams with their super-users, a readiness checklist, a passed milestone with the team's pulse
(six answers, so the aggregate shows), issues open and resolved, and a reverse-mentoring pair
(Asha, a resident fluent in the EHR, coaches Professor Mehta). Safe to run twice."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from carementor.accounts.models import User
from carementor.demo.logins import HOSPITAL
from carementor.demo.rng import stable_code
from carementor.golive.models import (
    ChecklistItem,
    GoLive,
    Issue,
    IssueStatus,
    Milestone,
    PulseResponse,
    ReversePair,
    Team,
    TeamMember,
    TeamRole,
    Technology,
)
from carementor.programs.models import Program

# (team, coach, members) by login key.
TEAMS = (
    ("Day shift", "asha", ("vikram", "ravi", "priya")),
    ("Night shift", "kavya", ("rohan",)),
)
CHECKLIST = (
    ("Super-users trained on order entry and handover notes", True),
    ("Downtime procedure printed and on the ward", True),
    ("Label printers and barcode scanners tested", True),
    ("Every nurse and doctor has a working login", False),
    ("Paper charts archived for the first week's admissions", False),
)
# (title, due in days from today, passed days ago or None)
MILESTONES = (
    ("Go-live day: all admissions in the EHR", -21, 20),
    ("First week: medication orders only in the EHR", 7, None),
    ("Paper charts retired", 35, None),
)
# (login key, confidence, support, care, workload, comment)
PULSE = (
    ("asha", 4, 4, 4, 3, "Order sets save time once you know them."),
    ("vikram", 2, 4, 3, 2, "Still slower than paper on ward rounds."),
    ("ravi", 4, 5, 4, 3, ""),
    ("priya", 3, 4, 4, 3, "Night-time help from super-users would make a difference."),
    ("kavya", 4, 4, 5, 4, ""),
    ("rohan", 3, 3, 4, 2, ""),
)
# (title, severity, team, days ago, resolution or "")
ISSUES = (
    ("Label printer on bay B prints blank labels", "high", "Day shift", 18, "Driver reinstalled."),
    ("Handover note template misses the pending-results field", "medium", "Day shift", 12, ""),
    ("Slow login on the shared workstation at the nurses' station", "low", "Night shift", 5, ""),
)


def seed_golive(*, organizations: dict[str, Any]) -> None:
    organization = organizations.get(HOSPITAL)
    if organization is None:
        return
    people = {
        u.email.split("@")[0]: u
        for u in User.objects.filter(
            email__in=[
                f"{k}@example.org" for k in ("asha", "vikram", "ravi", "priya", "kavya", "rohan")
            ]
        )
    }
    if len(people) < 6:
        return
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        golive, created = GoLive.objects.get_or_create(
            code=stable_code("golive", HOSPITAL, "ward-7"),
            defaults={
                "organization": organization,
                "program": Program.objects.filter(
                    organization=organization, template="digital-adoption"
                ).first(),
                "name": "Ward 7 EHR go-live",
                "site": "Paediatric ward 7, Indus Institute of Medical Sciences",
                "technology": Technology.EHR,
                "go_live_on": today - timedelta(days=21),
                "created_by": people["rohan"],
            },
        )
        if not created:
            return
        teams = {}
        for name, coach, members in TEAMS:
            team = Team.objects.create(
                code=stable_code("golive-team", golive.code, name), golive=golive, name=name
            )
            teams[name] = team
            TeamMember.objects.create(team=team, user=people[coach], role=TeamRole.COACH)
            for key in members:
                TeamMember.objects.create(team=team, user=people[key], role=TeamRole.MEMBER)
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                code=stable_code("golive-check", golive.code, i),
                golive=golive,
                title=title,
                done_at=now - timedelta(days=25 - i) if done else None,
                done_by=people["asha"] if done else None,
            )
            for i, (title, done) in enumerate(CHECKLIST)
        )
        first = None
        for i, (title, due, passed) in enumerate(MILESTONES):
            milestone = Milestone.objects.create(
                code=stable_code("golive-milestone", golive.code, i),
                golive=golive,
                title=title,
                due_on=today + timedelta(days=due),
                passed_on=today - timedelta(days=passed) if passed is not None else None,
                passed_by=people["asha"] if passed is not None else None,
            )
            first = first or milestone
        team_of = {key: teams[name] for name, coach, members in TEAMS for key in (coach, *members)}
        PulseResponse.objects.bulk_create(
            PulseResponse(
                milestone=first,
                team=team_of[key],
                user=people[key],
                confidence=c,
                support=s,
                care=care,
                workload=w,
                comment=comment,
                answered_at=now - timedelta(days=19),
            )
            for key, c, s, care, w, comment in PULSE
        )
        for i, (title, severity, team_name, days, resolution) in enumerate(ISSUES):
            Issue.objects.create(
                code=stable_code("golive-issue", golive.code, i),
                golive=golive,
                team=teams[team_name],
                title=title,
                severity=severity,
                raised_by=people["priya"],
                raised_at=now - timedelta(days=days),
                status=IssueStatus.RESOLVED if resolution else IssueStatus.OPEN,
                resolution=resolution,
                resolved_at=now - timedelta(days=days - 1) if resolution else None,
                resolved_by=people["asha"] if resolution else None,
            )
        ReversePair.objects.create(
            code=stable_code("golive-pair", golive.code, "asha-vikram"),
            golive=golive,
            junior=people["asha"],
            senior=people["vikram"],
            focus="Order sets and handover notes on ward rounds",
        )

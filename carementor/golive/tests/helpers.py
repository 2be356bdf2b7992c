"""Test data for go-lives: a ward going live with an EHR, one team with a super-user."""

import datetime
from typing import Any

from django.utils import timezone

from carementor.golive import services
from carementor.golive.models import GoLive, Milestone, Team
from carementor.lib.testing import add_member, make_user


def make_golive(organization: Any, actor: Any, **extra: Any) -> GoLive:
    values: dict[str, Any] = {
        "name": "Ward 7 EHR go-live",
        "site": "Paediatric ward 7",
        "technology": "ehr",
        "go_live_on": timezone.localdate() + datetime.timedelta(days=14),
    }
    values.update(extra)
    return services.golive_create(organization=organization, actor=actor, **values)


def make_team(golive: GoLive, actor: Any, *, coach: Any, members: list[Any]) -> Team:
    team = services.team_add(golive=golive, name="Day shift", actor=actor)
    services.member_add(team=team, user=coach, role="coach", actor=actor)
    for person in members:
        services.member_add(team=team, user=person, role="member", actor=actor)
    return team


def colleagues(organization: Any, n: int, prefix: str = "nurse") -> list[Any]:
    people = []
    for i in range(n):
        user = make_user(f"{prefix}{i}@example.org", full_name=f"Nurse {prefix.title()} {i}")
        add_member(user, organization)
        people.append(user)
    return people


def passed_milestone(golive: GoLive, actor: Any, title: str = "First week on the EHR") -> Milestone:
    milestone = services.milestone_add(
        golive=golive, title=title, due_on=timezone.localdate(), actor=actor
    )
    return services.milestone_pass(milestone=milestone, actor=actor)


def answer(milestone: Milestone, user: Any, score: int = 4, comment: str = "") -> None:
    services.pulse_answer(
        milestone=milestone,
        user=user,
        answers={"confidence": score, "support": score, "care": score, "workload": score},
        comment=comment,
    )

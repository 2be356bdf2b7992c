"""The database at-risk filter agrees with `health_for`, row by row, at every boundary."""

import datetime as dt

from django.utils import timezone

from carementor.mentorships.health import at_risk_only, health_for, health_queryset
from carementor.mentorships.models import ActionItem, HelpRequest, Mentorship, Phase
from carementor.mentorships.tests.helpers import make_mentorship, make_program


def test_sql_filter_matches_health_for(hospital, mentor, mentee, login, coordinator):
    now = timezone.now()
    monthly = make_program(hospital, meeting_cadence_days=30)
    weekly = make_program(hospital, name="Weekly", meeting_cadence_days=7)
    day = dt.timedelta(days=1)
    # (programme, phase, days since activation, days since last meeting, created days ago,
    #  overdue items, open help)
    cases = [
        (monthly, Phase.ACTIVE, 30, None, 40, 0, False),  # exactly the cadence: fine
        (monthly, Phase.ACTIVE, 31, None, 40, 0, False),  # one day over: at risk
        (monthly, Phase.ACTIVE, 90, 5, 100, 0, False),  # met recently: fine
        (weekly, Phase.ACTIVE, 20, 8, 30, 0, False),  # weekly cadence, 8 days: at risk
        (weekly, Phase.ACTIVE, 20, 7, 30, 0, False),  # weekly cadence, 7 days: fine
        (monthly, Phase.ACTIVE, 3, None, 5, 3, False),  # three overdue actions
        (monthly, Phase.ACTIVE, 3, None, 5, 2, False),
        (monthly, Phase.PROPOSED, None, None, 14, 0, False),
        (monthly, Phase.AGREEING, None, None, 15, 0, False),  # agreement waiting too long
        (monthly, Phase.PROPOSED, None, None, 2, 0, True),  # asked for help
        (monthly, Phase.CLOSED, 400, None, 500, 5, False),  # ended: never at risk by cadence
    ]
    for program, phase, activated, met, created, overdue, help_asked in cases:
        mentorship = make_mentorship(program, mentor, mentee)
        Mentorship.objects.filter(pk=mentorship.pk).update(
            phase=phase,
            activated_at=now - activated * day if activated is not None else None,
            last_meeting_at=now - met * day if met is not None else None,
            created_at=now - created * day,
            closed_at=now if phase == Phase.CLOSED else None,
        )
        for index in range(overdue):
            ActionItem.objects.create(
                mentorship=mentorship,
                title=f"Action {index}",
                owner=mentee,
                due_on=(now - 2 * day).date(),
            )
        if help_asked:
            HelpRequest.objects.create(mentorship=mentorship, requested_by=mentee)
    rows = health_queryset(hospital)
    expected = {
        m.code
        for m in rows
        if health_for(
            m,
            now=now,
            meetings_held=m.meetings_held,
            open_items=m.open_items,
            overdue_items=m.overdue_items,
            open_help=m.open_help,
        ).at_risk
    }
    assert len(expected) == 5
    assert {m.code for m in at_risk_only(rows, now=now)} == expected

    listed = login(coordinator).get(f"/api/v1/mentorships/oversee/{hospital.code}?at_risk=true")
    assert listed.status_code == 200
    assert {row["code"] for row in listed.json()["items"]} == expected
    assert listed.json()["count"] == len(expected)

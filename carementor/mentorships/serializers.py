"""Turning mentorship rows into API dictionaries (the Out schemas list the fields)."""

from datetime import UTC
from typing import Any

from django.urls import reverse

from carementor.mentorships.health import Health
from carementor.mentorships.models import (
    ActionItem,
    AgendaItem,
    Agreement,
    Goal,
    Meeting,
    Mentorship,
    Message,
)
from carementor.profiles.roles import party_title


def person(user: Any) -> dict[str, str] | None:
    return {"code": user.code, "full_name": user.get_full_name()} if user else None


def parties(mentorship: Mentorship) -> list[dict[str, Any]]:
    return [
        {"person": person(p.user), "role": p.role, "title": party_title(mentorship.role, p.role)}
        for p in mentorship.parties.all()
    ]


def health(h: Health) -> dict[str, Any]:
    return {
        "last_meeting_at": h.last_meeting_at,
        "meetings_held": h.meetings_held,
        "meetings_expected": h.meetings_expected,
        "open_action_items": h.open_action_items,
        "overdue_action_items": h.overdue_action_items,
        "pending_signatures": h.pending_signatures,
        "help_requested": h.help_requested,
        "at_risk": h.at_risk,
        "reasons": h.reasons,
    }


def mentorship(m: Mentorship, user: Any, unread: int | None = None) -> dict[str, Any]:
    is_party = m.has_party(user)
    return {
        "code": m.code,
        "program": m.program.code,
        "program_name": m.program.name,
        "organization": m.organization.code,
        "role": m.role,
        "source": m.source,
        "phase": m.phase,
        "next_step": m.next_step(),
        "parties": parties(m),
        "created_at": m.created_at,
        "activated_at": m.activated_at,
        "ends_on": m.ends_on,
        "closed_at": m.closed_at,
        "outcome": m.outcome,
        "redefined_as": m.redefined_as,
        "is_party": is_party,
        "unread_messages": unread if is_party else None,
        "reflection": m.reflection if is_party else None,
    }


def agreement(a: Agreement) -> dict[str, Any]:
    return {
        "version": a.version,
        "goals": a.goals,
        "expectations": a.expectations,
        "meeting_frequency": a.meeting_frequency,
        "meeting_mode": a.meeting_mode,
        "duration": a.duration,
        "confidentiality": a.confidentiality,
        "body": a.body,
        "created_at": a.created_at,
        "effective_at": a.effective_at,
        "signatures": [
            {"signer": person(s.signer), "signed_at": s.signed_at} for s in a.signatures.all()
        ],
        "pending_signers": [person(u) for u in a.pending_signers()],
    }


def meeting(m: Meeting) -> dict[str, Any]:
    return {
        "code": m.code,
        "title": m.title,
        "starts_at": m.starts_at.astimezone(UTC),
        "ends_at": m.ends_at.astimezone(UTC),
        "duration_minutes": m.duration_minutes,
        "mode": m.mode,
        "location": m.location,
        "video_url": m.video_url,
        "status": m.status,
        "is_closure": m.is_closure,
        "sequence": m.sequence,
        "ics_url": f"/api/v1/mentorships/{m.mentorship.code}/meetings/{m.code}/ics",
    }


def agenda_item(i: AgendaItem) -> dict[str, Any]:
    return {
        "code": i.code,
        "text": i.text,
        "position": i.position,
        "covered": i.covered,
        "carried_over": i.carried_from_id is not None,
        "added_by": person(i.added_by),
    }


def goal(g: Goal) -> dict[str, Any]:
    return {
        "code": g.code,
        "title": g.title,
        "measure": g.measure,
        "why": g.why,
        "target_date": g.target_date,
        "competencies": [c.code for c in g.competencies.all()],
        "status": g.status,
        "progress": g.progress,
        "history": [(h.recorded_at, h.progress) for h in g.history.all()],
    }


def action_item(a: ActionItem) -> dict[str, Any]:
    return {
        "code": a.code,
        "mentorship": a.mentorship.code,
        "title": a.title,
        "owner": person(a.owner),
        "due_on": a.due_on,
        "done_at": a.done_at,
        "goal": a.goal.code if a.goal else None,
        "overdue": a.is_overdue,
    }


def message(m: Message, mentorship_code: str) -> dict[str, Any]:
    return {
        "code": m.code,
        "author": person(m.author),
        "body": m.body,
        "created_at": m.created_at,
        "attachments": [
            {
                "code": f.code,
                "name": f.name,
                "content_type": f.content_type,
                "size": f.size,
                "url": reverse("mentorships:attachment", args=[mentorship_code, f.code]),
            }
            for f in m.attachments.all()
        ],
    }

"""Building "Download my data": a ZIP of JSON files, one per kind of data, plus the files the
person uploaded. Everything is read through querysets filtered by the person, so the export
holds what is about them and nothing of other people's private content (their own private
notes yes, others' no; messages they sent, not the whole conversation)."""

import io
import json
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from allauth.account.models import EmailAddress
from django.db import models

from carementor.accounts.models import PersonalAccessToken, User
from carementor.audit.models import AuditEvent
from carementor.certificates.models import Certificate, CpdEntry
from carementor.credentials import storage as evidence_storage
from carementor.credentials.models import Credential, EvidenceFile
from carementor.evaluations.models import Answer, Response
from carementor.golive.models import Issue, PulseResponse, TeamMember
from carementor.learning.models import Attempt
from carementor.logbooks.models import LogEntry
from carementor.matching.models import MatchRequest
from carementor.mentorships.models import (
    ActionItem,
    Agreement,
    Goal,
    Meeting,
    Mentorship,
    MentorshipParty,
    Message,
    PrivateNote,
    SharedNote,
)
from carementor.notifications.models import Notification
from carementor.organizations.models import Membership
from carementor.profiles.models import ConflictOfInterest, Profile
from carementor.programs.models import Enrollment
from carementor.wellbeing.models import CheckIn, Preference, SharedSummary

# Never exported, even about oneself: secrets and hashes that would only help an attacker.
SKIP_FIELDS = {"password", "token_hash", "secret"}


def _value(field: models.Field[Any, Any], obj: models.Model) -> Any:
    if field.is_relation:
        related = getattr(obj, field.name)
        if related is None:
            return None
        # People and objects appear by their public code, never by an internal id.
        return getattr(related, "code", None) or str(related.pk)
    value = getattr(obj, field.attname)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def rows(queryset: Iterable[models.Model], *, skip: Iterable[str] = ()) -> list[dict[str, Any]]:
    skipped = SKIP_FIELDS | set(skip)
    out = []
    for obj in queryset:
        out.append(
            {
                field.name: _value(field, obj)
                for field in obj._meta.concrete_fields
                if field.name not in skipped and field.name != "id"
            }
        )
    return out


def sections(user: User) -> dict[str, list[dict[str, Any]]]:
    """Every kind of data about the person, by file name."""
    mentorships = Mentorship.objects.filter(parties__user=user).distinct()
    meetings = Meeting.objects.filter(mentorship__in=mentorships)
    responses = Response.objects.filter(respondent=user)
    return {
        "account": rows([user], skip={"groups", "user_permissions", "last_login", "access_stamp"}),
        "email_addresses": rows(EmailAddress.objects.filter(user=user)),
        "api_tokens": rows(PersonalAccessToken.objects.filter(user=user)),
        "memberships": rows(Membership.objects.filter(user=user)),
        "profile": rows(Profile.objects.filter(user=user)),
        "conflicts_of_interest": rows(ConflictOfInterest.objects.filter(profile__user=user)),
        "credentials": rows(Credential.objects.filter(holder=user)),
        "credential_files": rows(EvidenceFile.objects.filter(credential__holder=user)),
        "enrollments": rows(Enrollment.objects.filter(user=user)),
        "match_requests": rows(
            MatchRequest.objects.filter(models.Q(mentee=user) | models.Q(mentor=user))
        ),
        "mentorships": rows(mentorships),
        "mentorship_parties": rows(MentorshipParty.objects.filter(mentorship__in=mentorships)),
        "agreements": rows(Agreement.objects.filter(mentorship__in=mentorships)),
        "meetings": rows(meetings),
        "shared_notes": rows(SharedNote.objects.filter(meeting__in=meetings)),
        "private_notes": rows(PrivateNote.objects.filter(author=user)),
        "messages_sent": rows(Message.objects.filter(author=user)),
        "goals": rows(Goal.objects.filter(mentorship__in=mentorships)),
        "action_items": rows(ActionItem.objects.filter(mentorship__in=mentorships)),
        "survey_responses": rows(responses),
        "survey_answers": rows(Answer.objects.filter(response__in=responses)),
        "quiz_attempts": rows(Attempt.objects.filter(user=user)),
        "certificates": rows(Certificate.objects.filter(holder=user)),
        "cpd": rows(CpdEntry.objects.filter(user=user)),
        "notifications": rows(Notification.objects.filter(recipient=user)),
        "logbook_entries": rows(LogEntry.objects.filter(user=user)),
        "wellbeing_checkins": rows(CheckIn.objects.filter(user=user)),
        "wellbeing_shared_summaries": rows(SharedSummary.objects.filter(owner=user)),
        "wellbeing_preference": rows(Preference.objects.filter(user=user)),
        "golive_team_memberships": rows(TeamMember.objects.filter(user=user)),
        "golive_pulse_answers": rows(PulseResponse.objects.filter(user=user)),
        "golive_issues_raised": rows(Issue.objects.filter(raised_by=user)),
        "audit_events": rows(AuditEvent.objects.about_person(user)),
    }


def build_zip(user: User) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        data = sections(user)
        for name, items in data.items():
            archive.writestr(f"{name}.json", json.dumps(items, indent=2, ensure_ascii=False))
        for evidence in EvidenceFile.objects.filter(credential__holder=user):
            try:
                content = evidence_storage.read_bytes(evidence.storage_name)
            except OSError:
                continue  # a file lost from storage is listed in credential_files.json
            archive.writestr(f"files/credentials/{evidence.code}-{evidence.name}", content)
        archive.writestr(
            "README.txt",
            "Your CareMentor data. Each .json file holds one kind of data; people and "
            "objects appear by their public codes. files/ holds the documents you uploaded.\n",
        )
    return buffer.getvalue()

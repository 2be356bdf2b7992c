"""Erasing a person: personal data removed or pseudonymized everywhere.

The account row stays as an empty shell (no address, no name, no password, inactive), so
everything that points to the person — the audit trail above all, which is append-only —
keeps pointing to it without naming anyone. What is kept, and why, is listed on the privacy
page (templates/privacy/policy.html): certificates (verifiable by code, without the name),
CPD entries, quiz scores, and the anonymous shape of relationships other people took part in.
"""

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.db import models
from django.db.models.functions import Cast

from carementor.accounts.models import PersonalAccessToken, User
from carementor.accounts.services import sessions_end
from carementor.certificates.models import Certificate
from carementor.credentials import storage as evidence_storage
from carementor.credentials.models import Credential, EvidenceFile
from carementor.evaluations.models import Response, SurveyAssignment
from carementor.golive.models import PulseResponse, TeamMember
from carementor.logbooks.models import LogEntry as LogbookEntry
from carementor.matching.models import MatchRequest
from carementor.mentorships.models import Message, MessageAttachment, PrivateNote
from carementor.notifications.models import Notification, NotificationPreference
from carementor.organizations.models import Invitation, Membership
from carementor.privacy.models import DataExport
from carementor.privacy.storage import export_storage
from carementor.profiles.models import ConflictOfInterest, Profile
from carementor.programs.models import Enrollment
from carementor.wellbeing.models import CheckIn, Preference, SharedSummary

# What other people's notifications say instead of the erased person's name (stored text,
# so one language; the interface translates nothing stored).
FORMER_MEMBER = "a former member"


def erased_email(user: User) -> str:
    return f"erased-{user.code}@erased.invalid"


def _scrub(value: Any, needles: list[str]) -> Any:
    if isinstance(value, str):
        for needle in needles:
            value = value.replace(needle, FORMER_MEMBER)
        return value
    if isinstance(value, list):
        return [_scrub(item, needles) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, needles) for key, item in value.items()}
    return value


def _text_contains(field: str, needles: list[str]) -> models.Q:
    query = models.Q()
    for needle in needles:
        query |= models.Q(**{f"{field}__icontains": needle})
    return query


def erase_person(user: User) -> None:
    """Remove or pseudonymize everything about ``user``. The caller holds the transaction."""
    needles = [n for n in {user.full_name.strip(), user.email} if len(n) >= 3]

    # Sign-in: addresses, second factors, tokens and open sessions go.
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    PersonalAccessToken.objects.filter(user=user).delete()
    sessions_end(user)

    # Their own content.
    for evidence in EvidenceFile.objects.filter(credential__holder=user):
        evidence_storage.delete(evidence.storage_name)
    Credential.objects.filter(holder=user).delete()
    for attachment in MessageAttachment.objects.filter(message__author=user):
        evidence_storage.delete(attachment.storage_name)
    Message.objects.filter(author=user).delete()
    PrivateNote.objects.filter(author=user).delete()
    Profile.objects.filter(user=user).delete()
    Response.objects.filter(respondent=user).delete()
    SharedSummary.objects.filter(owner=user).delete()
    CheckIn.objects.filter(user=user).delete()
    LogbookEntry.objects.filter(user=user).delete()
    PulseResponse.objects.filter(user=user).delete()
    TeamMember.objects.filter(user=user).delete()
    Preference.objects.filter(user=user).delete()
    SurveyAssignment.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    Enrollment.objects.filter(user=user).update(answers={}, decision_note="")
    MatchRequest.objects.filter(models.Q(mentee=user) | models.Q(mentor=user)).update(
        note="", question="", answer=""
    )
    for export in DataExport.objects.filter(user=user):
        if export.storage_name:
            export_storage().delete(export.storage_name)
    DataExport.objects.filter(user=user).delete()

    # Other people's records that named them.
    Invitation.objects.filter(email__iexact=user.email).update(email=erased_email(user))
    ConflictOfInterest.objects.filter(other_email__iexact=user.email).update(other_email="")
    Certificate.objects.filter(holder=user).update(holder_name="")
    if needles:
        notifications = Notification.objects.annotate(
            context_text=Cast("context", models.TextField())
        ).filter(
            models.Q(actor=user)
            | _text_contains("title", needles)
            | _text_contains("context_text", needles)
        )
        for notification in notifications:
            notification.title = _scrub(notification.title, needles)
            notification.context = _scrub(notification.context, needles)
            notification.save(update_fields=["title", "context"])
        for entry in LogEntry.objects.filter(_text_contains("object_repr", needles)):
            entry.object_repr = _scrub(entry.object_repr, needles)
            entry.save(update_fields=["object_repr"])

    # The shell that the audit trail and shared records keep pointing to.
    user.email = erased_email(user)
    user.full_name = ""
    user.preferred_name = ""
    user.language = ""
    user.timezone = "UTC"
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()

"""The invitation e-mail: plain text, translated, with an absolute signed link."""

import zoneinfo

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from carementor.accounts.models import User
from carementor.organizations.forms import role_labels
from carementor.organizations.models import Invitation
from carementor.organizations.tokens import make_token


def invitation_link(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("organizations:invitation", args=[make_token(invitation)])


def _language_for(invitation: Invitation) -> str:
    # The invitee's own choice if they already have an account, else the inviter's.
    invitee = User.objects.filter(email__iexact=invitation.email).first()
    for person in (invitee, invitation.invited_by):
        if person is not None and person.language:
            return person.language
    return settings.LANGUAGE_CODE


def send_invitation(invitation: Invitation) -> None:
    organization = invitation.organization
    try:
        tz = zoneinfo.ZoneInfo(organization.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    context = {
        "invitation": invitation,
        "organization": organization,
        "inviter": invitation.invited_by,
        "roles": role_labels(invitation.roles),
        "link": invitation_link(invitation),
        "expires_at": timezone.localtime(invitation.expires_at, tz),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    with translation.override(_language_for(invitation)):
        subject = render_to_string("organizations/email/invitation_subject.txt", context)
        body = render_to_string("organizations/email/invitation_body.txt", context)
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    send_mail(
        prefix + " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
    )

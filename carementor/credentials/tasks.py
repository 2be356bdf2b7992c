"""Background work for credentials: e-mail to the holder. Thin; takes ids."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from carementor.credentials.models import Credential

KINDS = {
    "verified",
    "rejected",
    "revoked",
    "expired",
    "expiring_30",
    "expiring_7",
    "evidence_removed",
}


@task()
def send_credential_email(credential_id: int, kind: str) -> None:
    if kind not in KINDS:
        return
    credential = Credential.objects.select_related("holder").filter(pk=credential_id).first()
    if credential is None:
        return
    holder = credential.holder
    with translation.override(holder.language or settings.LANGUAGE_CODE):
        context = {
            "credential": credential,
            "holder": holder,
            "kind": kind,
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("credentials/email/subject.txt", context).strip()
        body = render_to_string("credentials/email/body.txt", context)
    send_mail(subject, body, None, [holder.email])

"""Background work for organizations: thin, takes ids, safe to run twice."""

from django_tasks import task

from carementor.organizations.emails import send_invitation
from carementor.organizations.models import Invitation


@task()
def send_invitation_email(invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    # Revoked or accepted between the request and now: nothing to send.
    if invitation is None or not invitation.is_open():
        return
    send_invitation(invitation)

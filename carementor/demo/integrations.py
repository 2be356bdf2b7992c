"""Demo provisioning and webhooks: the hospital's identity provider has a SCIM token, has
pushed a few staff and two groups (one mapped to the mentor role) and has deactivated one
leaver; the hospital's HR system has a webhook endpoint with a short delivery log.

Everything goes through `integrations.services`, like a real identity provider's requests:
audited, with memberships made and ended. Keyed by userName and group name, so a second run
changes nothing. The raw token is never stored, so the demo token cannot be shown; an admin
makes a fresh one on the integrations page (or with `manage.py scim_token`).
"""

from datetime import timedelta

from django.utils import timezone

from carementor.demo.logins import HOSPITAL
from carementor.integrations import services, webhooks
from carementor.integrations.models import (
    ScimGroup,
    ScimToken,
    ScimUser,
    WebhookDelivery,
    WebhookEndpoint,
)
from carementor.organizations.models import Organization, Role

DOMAIN = "staff.indus-ims.example"
PEOPLE = (
    ("meera.pillai", "Meera", "Pillai", "E-20311", "Cardiology", True),
    ("arjun.rao", "Arjun", "Rao", "E-20312", "Emergency medicine", True),
    ("fatima.sheikh", "Fatima", "Sheikh", "E-20313", "Nursing", True),
    ("david.fernandes", "David", "Fernandes", "E-19877", "Radiology", False),
)
GROUPS = (
    ("IMS-Clinical-Mentors", Role.MENTOR, ("meera.pillai", "arjun.rao")),
    ("IMS-Nursing", "", ("fatima.sheikh",)),
)


def seed_integrations(*, organizations: dict[str, Organization]) -> int:
    """Create what is missing; return how many people were provisioned now."""
    organization = organizations.get(HOSPITAL)
    if organization is None:
        return 0
    if not ScimToken.objects.filter(organization=organization).exists():
        services.scim_token_create(organization, "Demo identity provider", actor_label="seed_demo")
    provisioned = 0
    by_name = {u.user_name: u for u in ScimUser.objects.filter(organization=organization)}
    for handle, given, family, number, department, active in PEOPLE:
        user_name = f"{handle}@{DOMAIN}"
        if user_name in by_name:
            continue
        data = services.UserData(
            user_name=user_name,
            external_id=number,
            given_name=given,
            family_name=family,
            emails=[{"value": user_name, "type": "work", "primary": True}],
            employee_number=number,
            department=department,
        )
        scim_user = services.scim_user_create(organization, data)
        if not active:
            data.active = False
            scim_user = services.scim_user_update(scim_user, data)
        by_name[user_name] = scim_user
        provisioned += 1
    _seed_webhook(organization, by_name)
    for name, role, handles in GROUPS:
        if ScimGroup.objects.filter(organization=organization, display_name=name).exists():
            continue
        members = [by_name[f"{h}@{DOMAIN}"].code for h in handles]
        group = services.scim_group_create(
            organization, services.GroupData(display_name=name, member_codes=members)
        )
        if role:
            admin = organization.memberships.filter(is_admin=True).select_related("user").first()
            if admin is not None:
                services.scim_group_map_role(group, role, admin.user)
    return provisioned


WEBHOOK_URL = "https://hr.indus-ims.example/carementor/events"


def _seed_webhook(organization: Organization, people: dict[str, ScimUser]) -> None:
    """One endpoint whose log shows a delivered event and one the receiver kept refusing.

    The log is history, written directly with past dates, as demo invitations are.
    """
    if WebhookEndpoint.objects.filter(organization=organization, url=WEBHOOK_URL).exists():
        return
    admin = organization.memberships.filter(is_admin=True).select_related("user").first()
    if admin is None:
        return
    endpoint, _secret = webhooks.endpoint_create(
        organization,
        WEBHOOK_URL,
        ["person.provisioned", "person.deprovisioned", "mentorship.closed"],
        admin.user,
        description="HR system (Indus IMS)",
    )
    now = timezone.now()
    meera = people[f"meera.pillai@{DOMAIN}"]
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type="person.provisioned",
        payload={
            "type": "person.provisioned",
            "organization": organization.code,
            "data": {"person": meera.user.code},
        },
        status=WebhookDelivery.Status.SUCCEEDED,
        attempts=1,
        last_status_code=200,
        created_at=now - timedelta(days=2),
        delivered_at=now - timedelta(days=2),
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type="webhook.test",
        payload={"type": "webhook.test", "organization": organization.code, "data": {}},
        status=WebhookDelivery.Status.FAILED,
        attempts=webhooks.MAX_ATTEMPTS,
        last_status_code=503,
        last_error="The endpoint answered 503.",
        created_at=now - timedelta(days=3),
        next_attempt_at=now - timedelta(days=2, hours=10),
    )

"""Demo single sign-on: Indus IMS signs its staff in through an OpenID Connect provider.

The settings point at the test provider (tests/peers/oidc_provider) on 127.0.0.1:18200, as
README "Integrations" shows how to start it; only the configuration is stored, so seeding
works whether or not the provider runs. Passwords stay allowed, so the demo logins still work.
"""

from carementor.demo.integrations import DOMAIN
from carementor.demo.logins import HOSPITAL
from carementor.organizations.models import Organization, Role
from carementor.sso.models import SsoConnection
from carementor.sso.services import ConnectionSettings, connection_save

# A fixed code, so that the redirect URI in the README is the demo's:
# http://127.0.0.1:8000/accounts/oidc/sso-indusimsdemo/login/callback/
CONNECTION_CODE = "indusimsdemo"
ISSUER = "http://127.0.0.1:18200/o"
CLIENT_ID = "carementor-demo"
CLIENT_SECRET = "demo-oidc-client-secret"


def seed_sso(*, organizations: dict[str, Organization]) -> bool:
    """Set up the hospital's connection unless it has one; return whether it was made now."""
    organization = organizations.get(HOSPITAL)
    if organization is None or SsoConnection.objects.filter(organization=organization).exists():
        return False
    admin = organization.memberships.filter(is_admin=True).select_related("user").first()
    SsoConnection.objects.create(organization=organization, code=CONNECTION_CODE, protocol="oidc")
    connection_save(
        organization,
        ConnectionSettings(
            protocol=SsoConnection.Protocol.OIDC,
            oidc_issuer=ISSUER,
            oidc_client_id=CLIENT_ID,
            oidc_client_secret=CLIENT_SECRET,
            attr_name="name",
            attr_email="email",
            attr_employee_number="employee_number",
            attr_department="department",
            default_role=Role.MEMBER,
            domains=(DOMAIN,),
        ),
        admin.user if admin else None,
    )
    return True

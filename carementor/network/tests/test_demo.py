"""The demo's open network: offers from several organizations, a relationship of every role."""

from io import StringIO

import pytest
from django.core.management import call_command

from carementor.accounts.models import User
from carementor.insights.national import OrganizationRows
from carementor.mentorships.models import Mentorship
from carementor.network.models import MentorOffer
from carementor.network.services import network_program
from carementor.profiles.models import MentoringRole
from carementor.programs.models import Program

pytestmark = pytest.mark.django_db


def test_demo_network_has_offers_across_organizations_and_every_role(client) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", users=60, seed=2, stdout=StringIO(), stderr=StringIO())
    offers = MentorOffer.objects.filter(is_active=True)
    organizations = set(
        offers.values_list("user__memberships__organization__slug", flat=True).distinct()
    )
    assert len(organizations) >= 2
    offered = {role for offer in offers for role in offer.roles}
    assert offered == set(MentoringRole.values)
    program = network_program()
    relationships = Mentorship.objects.filter(program=program)
    assert set(relationships.values_list("role", flat=True)) == set(MentoringRole.values)
    sponsorship = relationships.get(role="sponsor")
    assert "nominates" in sponsorship.agreements.get().expectations
    meena = User.objects.get(email="meena@example.org")
    assert not meena.memberships.exists()
    # Lakshmi leads the open network (a national programme) and reads it across organizations.
    lead = User.objects.get(email="lakshmi@example.org")
    assert lead.memberships.get().organization == program.organization
    rows = list(OrganizationRows(Program.objects.filter(organization=program.organization)))
    assert len([row for row in rows if not row.withheld]) >= 2
    client.force_login(lead)
    page = client.get(f"/programs/organizations/{program.organization.code}/national/")
    assert page.status_code == 200 and "By organization" in page.content.decode()
    before = (offers.count(), relationships.count())
    call_command("seed_demo", users=60, seed=2, stdout=StringIO(), stderr=StringIO())
    assert (offers.count(), relationships.count()) == before
    assert lead.memberships.count() == 1

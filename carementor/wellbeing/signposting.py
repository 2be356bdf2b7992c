"""Where to get help: the person's organizations' support contacts and the national help lines
of the countries they work in. Calm and useful, never a diagnosis."""

from dataclasses import dataclass

from carementor.accounts.models import User
from carementor.organizations.models import Membership, Organization
from carementor.profiles.models import Profile
from carementor.wellbeing import helplines
from carementor.wellbeing.models import SupportContacts


@dataclass(frozen=True)
class Signposting:
    contacts: list[SupportContacts]
    helplines: list[helplines.Helpline]
    organizations_without_contacts: list[Organization]


def countries_of(user: User, organizations: list[Organization]) -> list[str]:
    """The person's own country first, then their organizations'; only countries with help
    lines on file. None known: every country's."""
    wanted: list[str] = []
    own = (
        Profile.objects.filter(user=user, country__isnull=False)
        .values_list("country__code", flat=True)
        .first()
    )
    for code in [own, *(o.country for o in organizations)]:
        if code and code.upper() not in wanted:
            wanted.append(code.upper())
    known = [c for c in wanted if c in helplines.countries()]
    return known or helplines.countries()


def signposting_for(user: User) -> Signposting:
    organizations = [
        m.organization for m in Membership.objects.filter(user=user).select_related("organization")
    ]
    contacts = {
        c.organization_id: c
        for c in SupportContacts.objects.filter(organization__in=organizations).select_related(
            "organization"
        )
    }
    with_contacts = [
        contacts[o.pk] for o in organizations if o.pk in contacts and not contacts[o.pk].is_empty
    ]
    without = [o for o in organizations if o.pk not in contacts or contacts[o.pk].is_empty]
    return Signposting(
        contacts=with_contacts,
        helplines=helplines.for_countries(countries_of(user, organizations)),
        organizations_without_contacts=without,
    )

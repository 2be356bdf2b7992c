"""Demo HR feed: the hospital's HR system drops its nightly staff export in object storage.

The first export was applied (three staff joined); a newer one waits as a dry run with a
joiner, a change of department and a leaver, for Rohan (or a coordinator) to check and apply.
Everything goes through `integrations.hr_feeds`, like the page and the scheduled duty; keyed
by the feed's name, so a second run changes nothing.
"""

from carementor.demo.logins import HOSPITAL
from carementor.integrations import hr_feeds
from carementor.integrations.models import HrFeed
from carementor.organizations.models import Organization

FEED_NAME = "Indus HRMS nightly export"
DOMAIN = "staff.indus-ims.example"
MAPPING = {
    "employee_number": "Emp No",
    "email": "Official Email",
    "full_name": "Employee Name",
    "department": "Department",
    "job_title": "Designation",
    "role": "CareMentor Role",
    "end_date": "Date of Leaving",
}
HEADER = ",".join(MAPPING.values())
FIRST = (
    f"E-30101,lakshmi.nair@{DOMAIN},Dr Lakshmi Nair,Paediatrics,Consultant,mentor,",
    f"E-30102,sanjay.gupta@{DOMAIN},Dr Sanjay Gupta,Anaesthesia,Senior resident,member,",
    f"E-30103,anita.das@{DOMAIN},Anita Das,Nursing,Staff nurse,member,",
)
SECOND = (
    FIRST[0],
    f"E-30102,sanjay.gupta@{DOMAIN},Dr Sanjay Gupta,Critical care,Senior resident,member,",
    f"E-30103,anita.das@{DOMAIN},Anita Das,Nursing,Staff nurse,member,2026-11-30",
    f"E-30104,farhan.ali@{DOMAIN},Farhan Ali,Pharmacy,Clinical pharmacist,member,",
)


def _file(rows: tuple[str, ...]) -> bytes:
    return ("\n".join((HEADER, *rows)) + "\n").encode()


def seed_hr_feeds(*, organizations: dict[str, Organization]) -> int:
    """Create the feed and its two runs if missing; return how many feeds were created."""
    organization = organizations.get(HOSPITAL)
    if organization is None or HrFeed.objects.filter(organization=organization).exists():
        return 0
    admin = organization.memberships.filter(is_admin=True).select_related("user").first()
    if admin is None:
        return 0
    feed = hr_feeds.hr_feed_create(
        organization,
        hr_feeds.FeedData(name=FEED_NAME, source="storage", file_name="staff.csv", mapping=MAPPING),
        admin.user,
    )
    hr_feeds.hr_feed_upload(feed, "staff.csv", _file(FIRST), admin.user)
    hr_feeds.hr_feed_apply(hr_feeds.hr_feed_dry_run(feed, actor=admin.user), admin.user)
    hr_feeds.hr_feed_upload(feed, "staff.csv", _file(SECOND), admin.user)
    hr_feeds.hr_feed_dry_run(feed, actor=admin.user)
    return 1

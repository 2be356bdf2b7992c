"""The demo credentials: a pool of verified mentors and a queue in every state."""

from carementor.credentials.models import Credential, EvidenceFile, matchable_mentors
from carementor.demo.credentials import seed_credentials


def test_seed_credentials_is_idempotent_and_covers_every_state(
    hospital, mentor, mentee, reviewer, private_media
):
    from carementor.accounts.models import User
    from carementor.lib.testing import add_member, make_user

    for index in range(12):
        add_member(make_user(f"person{index}@example.org", full_name=f"Person {index}"), hospital)
    reviewer.email = "priya@example.org"
    reviewer.save()
    organizations = {"indus-ims": hospital}

    created = seed_credentials(organizations=organizations)
    again = seed_credentials(organizations=organizations)

    assert created > 12
    assert again == 0
    statuses = set(Credential.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "in_review", "verified", "rejected", "expired", "revoked"}
    assert set(
        Credential.objects.exclude(pending_action="").values_list("pending_action", flat=True)
    ) == {
        "reject",
        "revoke",
    }
    assert mentor in matchable_mentors(User.objects.all(), verification_kind="licence")
    assert EvidenceFile.objects.count() == 12
    assert all(
        (private_media / "evidence" / e.storage_name[:2] / e.storage_name).is_file()
        for e in EvidenceFile.objects.all()
    )

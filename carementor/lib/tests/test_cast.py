from carementor.organizations.models import Membership


def test_cast_has_roles_and_mfa(
    mentee, mentor, coordinator, reviewer, org_admin, outsider, hospital
):
    assert Membership.objects.get(user=mentor).roles == ["member", "mentor"]
    assert coordinator.has_mfa() and reviewer.has_mfa() and org_admin.has_mfa()
    assert not mentee.has_mfa()
    assert not Membership.objects.filter(user=outsider, organization=hospital).exists()

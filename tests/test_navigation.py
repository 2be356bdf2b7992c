"""Navigation follows the person's roles in the organization they are working in."""


def nav(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    html = client.get("/dashboard/").content.decode()
    return html.split('<nav class="nav"', 1)[1].split("</nav>", 1)[0]


def test_member_sees_no_admin_links(client, mentee, hospital):
    links = nav(client, mentee)
    assert "My profile" in links and "Organizations" in links
    assert f"/organizations/{hospital.code}/members/" not in links
    assert "Review queue" not in links


def test_coordinator_sees_members_but_not_invite(client, coordinator, hospital):
    links = nav(client, coordinator)
    assert f"/organizations/{hospital.code}/members/" in links
    assert f"/organizations/{hospital.code}/invitations/" not in links


def test_admin_sees_members_and_invite(client, org_admin, hospital):
    links = nav(client, org_admin)
    assert f"/organizations/{hospital.code}/members/" in links
    assert f"/organizations/{hospital.code}/invitations/" in links


def test_reviewer_sees_the_review_queue(client, reviewer):
    assert "Review queue" in nav(client, reviewer)


def test_outsider_admin_links_point_to_their_own_organization(client, outsider, hospital, trust):
    links = nav(client, outsider)
    assert f"/organizations/{trust.code}/members/" in links
    assert hospital.code not in links

"""An organization's admins set its support contacts; members read them; strangers get 404."""

from carementor.audit.models import AuditEvent
from carementor.wellbeing.models import SupportContacts

FORM = {
    "eap_name": "CareFirst EAP",
    "eap_phone": "1800 123 4567",
    "eap_email": "eap@example.org",
    "eap_url": "https://eap.example.org/",
    "eap_hours": "24 hours",
    "oh_name": "Staff Health Clinic",
    "oh_phone": "044 2811 0000",
    "oh_email": "",
    "oh_url": "",
    "oh_hours": "Mon-Fri 9-5",
    "note": "Ask for a same-day appointment.",
}


def test_an_admin_sets_the_contacts_on_the_page(login, org_admin, hospital):
    client = login(org_admin)
    url = f"/wellbeing/organizations/{hospital.code}/support/"
    assert "Employee-assistance programme" in client.get(url).content.decode()
    response = client.post(url, FORM)
    assert response.status_code == 302
    contacts = SupportContacts.objects.get(organization=hospital)
    assert contacts.eap_name == "CareFirst EAP" and contacts.updated_by == org_admin
    assert AuditEvent.objects.filter(
        action="wellbeing.support.updated", actor=org_admin, organization=hospital
    ).exists()


def test_bad_contacts_are_refused_and_nothing_is_saved(login, org_admin, hospital):
    client = login(org_admin)
    url = f"/wellbeing/organizations/{hospital.code}/support/"
    response = client.post(url, {**FORM, "eap_email": "not an address"})
    assert response.status_code == 422
    assert not SupportContacts.objects.exists()
    api = client.put(
        f"/api/v1/wellbeing/organizations/{hospital.code}/support",
        {"eap_url": "javascript:alert(1)"},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert not SupportContacts.objects.exists()


def test_members_read_but_only_admins_write(login, mentee, hospital):
    client = login(mentee)
    assert client.get(f"/wellbeing/organizations/{hospital.code}/support/").status_code == 403
    response = client.put(
        f"/api/v1/wellbeing/organizations/{hospital.code}/support",
        {"eap_name": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    read = client.get(f"/api/v1/wellbeing/organizations/{hospital.code}/support")
    assert read.status_code == 200 and read.json()["eap_name"] == ""


def test_the_api_sets_and_reads_the_contacts(login, org_admin, hospital):
    client = login(org_admin)
    payload = dict(FORM)
    response = client.put(
        f"/api/v1/wellbeing/organizations/{hospital.code}/support",
        payload,
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    read = client.get(f"/api/v1/wellbeing/organizations/{hospital.code}/support").json()
    assert read["eap_name"] == "CareFirst EAP" and read["organization"] == hospital.code


def test_the_outsider_gets_404(login, outsider, hospital):
    client = login(outsider)
    assert client.get(f"/wellbeing/organizations/{hospital.code}/support/").status_code == 404
    assert (
        client.post(f"/wellbeing/organizations/{hospital.code}/support/", FORM).status_code == 404
    )
    assert client.get(f"/api/v1/wellbeing/organizations/{hospital.code}/support").status_code == 404
    response = client.put(
        f"/api/v1/wellbeing/organizations/{hospital.code}/support",
        FORM,
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not SupportContacts.objects.exists()

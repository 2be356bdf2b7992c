import pytest


@pytest.mark.django_db
def test_visitors_see_what_carementor_is(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Mentoring and coaching for healthcare professionals</h1>" in html
    assert '<a class="button" href="/accounts/signup/">Create your account</a>' in html
    assert 'href="/accounts/login/"' in html


def test_signed_in_people_go_to_their_dashboard(login, mentee):
    response = login(mentee).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/training/", "/accounts/login/", "/api/schema/?format=json", "/api/docs/"])
def test_public_pages_answer(client, url):
    response = client.get(url)
    assert response.status_code == 200


@pytest.mark.django_db
def test_admin_asks_for_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]

import re

import pytest

pytestmark = pytest.mark.django_db


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1).strip()


def test_home_page_title_does_not_repeat_the_site_name(client):
    html = client.get("/").content.decode()
    assert _title(html) == "Home – Inclusion training"


def test_other_pages_keep_page_then_site_name(client):
    html = client.get("/training/").content.decode()
    title = _title(html)
    assert title.endswith(" – Inclusion training") and title != "Inclusion training – Inclusion training"


def test_api_docs_page_declares_its_language(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<html lang="en-GB">', html)
    assert "swagger-ui" in html  # still drf-spectacular's page

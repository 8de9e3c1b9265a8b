import pytest

from compliance.access import Role
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def nav_links(client) -> str:
    body = client.get("/").content.decode()
    return body[body.index('<nav aria-label="Main">') : body.index("</nav>")]


def test_a_constable_sees_their_own_pages_only(client):
    sergeant = make_person(rank_or_grade="Sergeant", leadership_level="first_line")
    constable = make_person(manager=sergeant, username="pc")
    client.force_login(constable.user)
    links = nav_links(client)
    assert "/my-training/" in links and "/my-learning/" in links
    assert "/team/" not in links and "/command/" not in links and "/admin/" not in links


def test_a_manager_sees_their_team_and_a_senior_leader_their_command(client):
    superintendent = make_person(rank_or_grade="Superintendent", leadership_level="senior", username="supt")
    make_person(manager=superintendent)
    client.force_login(superintendent.user)
    links = nav_links(client)
    assert "/team/" in links and "/command/" in links


def test_roles_with_admin_access_see_the_admin_link(client):
    editor = make_person(username="editor", roles=[Role.LD_EDITOR])
    client.force_login(editor.user)
    assert "/admin/" in nav_links(client)


def test_the_signed_in_home_page_greets_the_person(client):
    person = make_person(username="pc", first_name="Zoë")
    client.force_login(person.user)
    body = client.get("/").content.decode()
    assert "Welcome, Zoë" in body
    assert "My training" in body and "My learning" in body

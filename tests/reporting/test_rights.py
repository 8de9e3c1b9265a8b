"""Rights are Django permissions held through groups: the roles are groups with default rights,
and a force may grant a right to a group of its own, or take one from a role, in Wagtail's
Settings → Groups. The site, the API and the admin all follow the grant."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from courses.access import Right, users_with_right
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORCE_REPORTS = ["/command/", "/admin/reports/force/?by=unit", "/api/v1/reports/units/"]


def statuses(user) -> list[int]:
    client = APIClient()
    client.force_login(user)
    return [client.get(url).status_code for url in FORCE_REPORTS]


def permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_a_force_grants_a_right_to_a_group_of_its_own(force):
    coordinators = Group.objects.create(name="Training coordinators")
    coordinators.permissions.add(permission("wagtailadmin", "access_admin"))
    coordinator = UserFactory(username="coordinator")
    coordinator.groups.add(coordinators)
    assert statuses(coordinator) == [403, 302, 403]
    assert coordinator not in users_with_right(right=Right.SEE_FORCE_REPORTS)

    coordinators.permissions.add(permission("courses", Right.SEE_FORCE_REPORTS))
    coordinator = get_user_model().objects.get(pk=coordinator.pk)  # a fresh permission cache
    assert statuses(coordinator) == [200, 200, 200]
    assert coordinator in users_with_right(right=Right.SEE_FORCE_REPORTS)


def test_a_right_taken_from_a_role_is_gone_everywhere(force):
    editor = get_user_model().objects.get(username="ld.editor")
    assert statuses(editor) == [200, 200, 200]
    Group.objects.get(name="L&D editor").permissions.remove(permission("courses", Right.SEE_FORCE_REPORTS))
    editor = get_user_model().objects.get(pk=editor.pk)
    assert statuses(editor) == [403, 302, 403]
    assert editor not in users_with_right(right=Right.SEE_FORCE_REPORTS)


def test_an_inactive_holder_holds_nothing(force):
    editor = get_user_model().objects.get(username="ld.editor")
    get_user_model().objects.filter(pk=editor.pk).update(is_active=False)
    assert editor.pk not in users_with_right(right=Right.SEE_FORCE_REPORTS).values_list("pk", flat=True)


def test_settings_groups_lists_the_rights_to_grant(force):
    root = get_user_model().objects.create_superuser(username="root", email="root@force.example", password=None)
    client = APIClient()
    client.force_login(root)
    lead = Group.objects.get(name="L&D lead")
    page = client.get(f"/admin/groups/edit/{lead.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    for right in Right:
        assert right.label.replace("'", "&#x27;") in body, right.label
    assert "Can see aggregated, suppressed equality analytics" in body


def test_a_superuser_holds_every_right_but_not_equality_analytics(force):
    root = get_user_model().objects.create_superuser(username="root", email="root@force.example", password=None)
    assert statuses(root) == [200, 200, 200]
    client = APIClient()
    client.force_login(root)
    assert client.get("/fairness/").status_code == 403
    assert client.get("/api/v1/fairness/").status_code == 403

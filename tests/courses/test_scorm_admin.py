"""L&D upload SCORM packages in the Wagtail admin, and add SCORM modules to courses: a bad
package comes back with the reason by the field and nothing stored; only those who may write
courses (the access policy's EDIT_CONTENT right) reach any of it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cms.demo.scorm import RESPECT_12, package_zip
from compliance.access import Role
from courses.models import CoursePage, ScormAttempt, ScormModulePage, ScormPackage
from tests.courses.conftest import make_course
from tests.courses.scorm_helpers import tiny_12
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = UserFactory(username="ld.editor.scorm", roles=[Role.LD_EDITOR])
    client.force_login(user)
    return user


def upload(client, data: bytes, title: str = ""):
    return client.post(
        reverse("scorm_packages:add"),
        {"title": title, "package_file": SimpleUploadedFile("package.zip", data, content_type="application/zip")},
    )


def test_an_editor_uploads_a_package(client, editor):
    assert client.get(reverse("scorm_packages:add")).status_code == 200
    response = upload(client, package_zip(RESPECT_12))
    assert response.status_code == 302
    package = ScormPackage.objects.get()
    assert (package.title, package.version, package.uploaded_by) == ("Respect at work (SCORM 1.2)", "1.2", editor)
    assert client.get(reverse("scorm_packages:index")).status_code == 200
    # Its content never changes: the edit form has the title only.
    edit = client.get(reverse("scorm_packages:edit", args=[package.pk]))
    assert edit.status_code == 200 and 'name="package_file"' not in edit.content.decode()


def test_a_bad_package_comes_back_with_the_reason(client, editor):
    response = upload(client, tiny_12(files={"../evil.sh": "x"}))
    assert response.status_code == 200
    assert "“../evil.sh” points outside the package" in response.content.decode()
    response = upload(client, b"PK not really")
    assert "The file is not a zip archive" in response.content.decode()
    assert not ScormPackage.objects.exists()


def test_only_those_who_write_courses_reach_packages(client):
    learner = UserFactory(username="learner.scorm")
    client.force_login(learner)
    assert client.get(reverse("scorm_packages:add")).status_code == 302  # no admin access at all
    analyst = UserFactory(username="analyst.scorm", roles=[Role.DI_ANALYST])
    client.force_login(analyst)
    response = upload(client, package_zip(RESPECT_12))
    assert response.status_code == 302 and not ScormPackage.objects.exists()


def test_a_course_takes_scorm_modules_beside_native_ones(client, editor):
    from courses.services.scorm import scorm_package_create

    course = make_course(code="SCORM-ADMIN", modules=())
    assert ScormModulePage in CoursePage.allowed_subpage_models()
    assert ScormModulePage.can_create_at(course)
    package = scorm_package_create(upload=io.BytesIO(package_zip(RESPECT_12)))
    admin = UserFactory(username="root.scorm", is_superuser=True, is_staff=True)
    client.force_login(admin)
    add = reverse("wagtailadmin_pages:add", args=["courses", "scormmodulepage", course.pk])
    assert client.get(add).status_code == 200
    response = client.post(
        add,
        {
            "title": "Respect",
            "slug": "respect",
            "summary": "",
            "package": package.pk,
            "completion_rule": "passed",
            "estimated_minutes": 15,
            "required": "on",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    module = ScormModulePage.objects.get()
    assert module.live and module.package == package and module.get_parent().pk == course.pk
    # A package in use cannot be deleted from under its module.
    client.force_login(editor)
    response = client.post(reverse("scorm_packages:delete", args=[package.pk]))
    assert response.status_code == 302  # Wagtail refuses to delete what a page uses
    assert ScormPackage.objects.filter(pk=package.pk).exists()


def test_a_package_with_learners_records_is_kept(client, editor):
    """No page uses it any more, but learners' data were kept with it: refused, with the reason."""
    import json

    from cms.demo.scorm import load_scorm_demo

    load_scorm_demo(stdout=io.StringIO())
    module = ScormModulePage.objects.get(slug="respect-at-work")
    package = module.package
    client.post(
        reverse("courses:scorm_runtime", args=[module.pk]),
        json.dumps({"action": "initialize", "sco": "respect-item"}),
        content_type="application/json",
    )
    module.package = ScormPackage.objects.exclude(pk=package.pk).get()
    module.save_revision().publish()
    from wagtail.models import Revision

    Revision.objects.all().delete()  # no revision names the package any more
    response = client.post(reverse("scorm_packages:delete", args=[package.pk]), follow=True)
    assert response.redirect_chain == [(reverse("scorm_packages:index"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "“Respect at work (SCORM 1.2)” cannot be deleted: a module plays it, or learners' records were kept with it."
    ]
    assert ScormAttempt.objects.filter(package=package).count() == 1
    assert ScormPackage.objects.filter(pk=package.pk).exists()

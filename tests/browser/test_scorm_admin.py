"""The SCORM admin screens in Chromium for an L&D editor: the package list, the upload form with
a refused package's reason, a package's page, and the editor of a SCORM module, each through
axe (WCAG 2.2 AA), with nothing blocked by the Content-Security-Policy."""

import io

import pytest
from playwright.sync_api import expect

from cms.demo.scorm import load_scorm_demo
from compliance.access import Role
from courses.models import ScormModulePage, ScormPackage
from tests.courses.scorm_helpers import tiny_12
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scorm_admin_screens_pass_axe(page, login, assert_accessible, live_site, tmp_path):
    from courses.editorial import editorial_setup
    from courses.models import CatalogueIndexPage

    load_scorm_demo(stdout=io.StringIO())
    editorial_setup(catalogue=CatalogueIndexPage.objects.get())  # L&D's page permissions, as in the demo
    UserFactory(username="ld.scorm", roles=[Role.LD_EDITOR])
    login(page, "ld.scorm")
    page.goto("/admin/scorm_packages/")
    expect(page.get_by_role("link", name="Respect at work (SCORM 1.2)")).to_be_visible()
    assert_accessible(page, "SCORM packages")
    page.goto("/admin/scorm_packages/new/")
    assert_accessible(page, "SCORM package upload")
    bad = tmp_path / "slip.zip"
    bad.write_bytes(tiny_12(files={"../evil.sh": "x"}))
    page.locator("#id_package_file").set_input_files(str(bad))
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_text("The entry “../evil.sh” points outside the package (“..” in its path).")).to_be_visible()
    page.wait_for_timeout(1000)  # Wagtail's error banner fades in; axe measures it once it has
    assert_accessible(page, "SCORM package upload, refused")
    assert ScormPackage.objects.count() == 2
    package = ScormPackage.objects.order_by("pk").first()
    page.goto(f"/admin/scorm_packages/edit/{package.pk}/")
    assert_accessible(page, "SCORM package")
    module = ScormModulePage.objects.get(slug="respect-at-work")
    page.goto(f"/admin/pages/{module.pk}/edit/")
    expect(page.locator("#id_package")).to_be_visible()
    assert_accessible(page, "SCORM module editor")

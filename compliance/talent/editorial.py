"""L&D edit programme pages under the talent index page with the same page permissions and
the same approval workflow as courses (an editor's change goes to the L&D lead)."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import GroupPagePermission, Page, Workflow, WorkflowPage

from courses.editorial import PAGE_PERMISSIONS, WORKFLOW_NAME


@transaction.atomic
def talent_editorial_setup(*, index: Page) -> None:
    """Idempotent; run after `courses.editorial.editorial_setup` (which makes the workflow)."""
    page_ct = ContentType.objects.get_for_model(Page)
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for codename in codenames:
            permission = Permission.objects.get(content_type=page_ct, codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=index, permission=permission)
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is not None:
        WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})

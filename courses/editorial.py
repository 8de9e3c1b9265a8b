"""Who may edit the catalogue, and the approval workflow on course pages.

L&D editors write and revise courses and submit them; the L&D lead approves and publishes.
Run by the demo and available to deployments (`python manage.py courses_editorial_setup`).
Groups are looked up by name: courses does not import compliance."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

LD_EDITOR = "L&D editor"
LD_LEAD = "L&D lead"
WORKFLOW_NAME = "L&D approval"

PAGE_PERMISSIONS = {
    LD_EDITOR: ["add_page", "change_page", "lock_page", "unlock_page"],
    LD_LEAD: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
MODEL_PERMISSIONS = [
    ("courses", "facetofacesession", ["add", "change", "view", "delete"]),
    ("courses", "topic", ["add", "change", "view"]),
]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "image", ["add", "change", "choose"]),
    ("wagtaildocs", "document", ["add", "change", "choose"]),
]


@transaction.atomic
def editorial_setup(*, catalogue: Page) -> Workflow:
    """Idempotent: page, model and collection permissions for the L&D groups, and the
    approval workflow on the catalogue (so on every programme, course and module)."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in (LD_EDITOR, LD_LEAD)}
    page_ct = ContentType.objects.get_for_model(Page)
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for name, codenames in PAGE_PERMISSIONS.items():
        for codename in codenames:
            permission = Permission.objects.get(content_type=page_ct, codename=codename)
            GroupPagePermission.objects.get_or_create(group=groups[name], page=catalogue, permission=permission)
        for app_label, model, actions in MODEL_PERMISSIONS:
            for action in actions:
                groups[name].permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                )
        for app_label, model, actions in COLLECTION_PERMISSIONS:
            for action in actions:
                permission = Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[name], collection=root_collection, permission=permission
                )
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name="L&D lead approval").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="L&D lead approval")
    task.groups.set([groups[LD_LEAD]])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=catalogue, defaults={"workflow": workflow})
    return workflow

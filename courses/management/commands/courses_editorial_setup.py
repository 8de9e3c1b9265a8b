"""Give the L&D groups their page permissions and create the L&D approval workflow."""

from django.core.management.base import BaseCommand

from courses.editorial import editorial_setup
from courses.models import CatalogueIndexPage


class Command(BaseCommand):
    help = "Page permissions for L&D editors and leads, and the approval workflow on the catalogue. Idempotent."

    def handle(self, *args, **options):
        workflow = editorial_setup(catalogue=CatalogueIndexPage.objects.get())
        self.stdout.write(f"Workflow '{workflow.name}' is on the catalogue; L&D page permissions are in place.")

"""Replace Wagtail's placeholder root page with our home page and the catalogue at /training/."""

from django.db import migrations


def create(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("cms", "HomePage")
    CatalogueIndexPage = apps.get_model("courses", "CatalogueIndexPage")
    Locale = apps.get_model("wagtailcore", "Locale")
    locale = Locale.objects.first()
    Page.objects.filter(content_type__app_label="wagtailcore", content_type__model="page", depth=2).delete()
    home_ct, _ = ContentType.objects.get_or_create(app_label="cms", model="homepage")
    catalogue_ct, _ = ContentType.objects.get_or_create(app_label="courses", model="catalogueindexpage")
    home = HomePage.objects.create(
        title="Inclusion training", draft_title="Inclusion training", slug="home", content_type=home_ct,
        path="00010001", depth=2, numchild=1, url_path="/home/", locale=locale, live=True,
        intro="<p>Moral courage, fairness and our shared history: the training that helps every one of us "
        "build a service where everyone belongs.</p>",
    )
    CatalogueIndexPage.objects.create(
        title="Training catalogue", draft_title="Training catalogue", slug="training", content_type=catalogue_ct,
        path="000100010001", depth=3, numchild=0, url_path="/home/training/", locale=locale, live=True,
        intro="<p>Every course on inclusion, fairness and leadership offered by the force.</p>",
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True, site_name="Inclusion training")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("courses", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

"""The Wagtail admin's upload form for SCORM packages: the zip is checked completely when the
form is validated (a bad package comes back with the reason by the field, nothing stored) and
unpacked into storage when the form is saved."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from courses.scorm.archive import DEFAULT_LIMITS, PackageError
from courses.services.scorm import scorm_package_inspect, scorm_package_store


class ScormPackageForm(WagtailAdminModelForm):
    package_file = forms.FileField(
        label="SCORM package (.zip)",
        help_text=(
            "A SCORM 1.2 or SCORM 2004 (2nd, 3rd or 4th edition) package, as your authoring tool exports it, with "
            f"imsmanifest.xml at its top. At most {DEFAULT_LIMITS.archive_bytes // (1024 * 1024)} MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspected = None
        self.fields["title"].required = False
        self.fields["title"].help_text = "Leave blank to use the package's own title."
        if self.instance.pk:
            # A stored package never changes: new content is a new package, chosen in a new
            # revision of the module.
            del self.fields["package_file"]
            self.fields["title"].required = True

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("package_file")
        if upload is not None and not self.instance.pk:
            try:
                self.inspected = scorm_package_inspect(upload=upload)
            except PackageError as error:
                self.add_error("package_file", str(error))
        return cleaned

    def save(self, commit=True):
        if self.instance.pk or self.inspected is None:
            return super().save(commit=commit)
        return scorm_package_store(
            upload=self.cleaned_data["package_file"],
            inspected=self.inspected,
            instance=self.instance,
            title=self.cleaned_data.get("title", ""),
            uploaded_by=self.for_user,
        )

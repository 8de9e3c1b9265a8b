"""Packages for the SCORM tests: the demo's own, and small hand-made ones (good and hostile)."""

import io
import zipfile

MANIFEST_12 = """<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Tiny</title>
    <item identifier="i1" identifierref="r1"><title>One</title>{extra}</item>
  </organization></organizations>
  <resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="{href}"/></resources>
</manifest>"""


def make_zip(files: dict[str, bytes | str], *, links: tuple[str, ...] = (), compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            if name in links:
                info.create_system = 3
                info.external_attr = 0o120777 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def tiny_12(*, href: str = "index.html", extra: str = "", files: dict | None = None) -> bytes:
    content = {
        "imsmanifest.xml": MANIFEST_12.format(href=href, extra=extra),
        "index.html": "<!DOCTYPE html><title>x</title>",
    }
    content.update(files or {})
    return make_zip(content)

"""SCORM packages in: the demo's real packages are read right, and every hostile or broken
archive is refused with a message naming the problem, with nothing stored."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage

from cms.demo.scorm import MICROAGGRESSIONS_2004, RESPECT_12, package_zip
from courses.models import ScormPackage
from courses.scorm.archive import Limits, PackageError
from courses.scorm.manifest import parse_manifest
from courses.services.scorm import scorm_package_create
from tests.courses.scorm_helpers import MANIFEST_12, make_zip, tiny_12

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_storage():
    """The in-memory storage outlives a test: start each with no package files."""
    for name in stored_names():
        default_storage.delete(name)


def create(data: bytes, **kwargs) -> ScormPackage:
    return scorm_package_create(upload=io.BytesIO(data), **kwargs)


def refused(data: bytes, **kwargs) -> str:
    with pytest.raises(PackageError) as caught:
        create(data, **kwargs)
    assert ScormPackage.objects.count() == 0
    assert stored_names() == []
    return str(caught.value)


def stored_names() -> list[str]:
    try:
        directories, _ = default_storage.listdir("scorm")
    except FileNotFoundError:
        return []
    names = []
    for directory in directories:
        package = ScormPackage(storage_prefix=f"scorm/{directory}")
        names += package.stored_file_names()
    return names


def test_the_demo_scorm_12_package_is_read_and_stored():
    package = create(package_zip(RESPECT_12))
    assert package.version == "1.2"
    assert package.title == "Respect at work (SCORM 1.2)"
    assert [(s["identifier"], s["href"], s["scorm_type"], s["mastery_score"]) for s in package.steps] == [
        ("respect-item", "index.html", "sco", "80")
    ]
    assert package.file_count == 4
    with default_storage.open(f"{package.storage_prefix}/index.html") as handle:
        assert b"Respect at work" in handle.read()
    assert len(package.sha256) == 64


def test_the_demo_scorm_2004_package_is_read_in_manifest_order():
    package = create(package_zip(MICROAGGRESSIONS_2004))
    assert package.version == "2004-4"
    steps = [(s["identifier"], s["href"], s["completion_threshold"], s["scaled_passing_score"]) for s in package.steps]
    # xml:base on the first resource, a plain path on the second; the asset is not an item.
    assert steps == [("micro-learn", "learn/index.html", "1.0", ""), ("micro-check", "check/index.html", "", "0.8")]


@pytest.mark.parametrize(
    ("declared", "version"),
    [("1.2", "1.2"), ("CAM 1.3", "2004-2"), ("2004 3rd Edition", "2004-3"), ("2004 4th Edition", "2004-4")],
)
def test_the_schema_version_is_detected(declared, version):
    manifest = MANIFEST_12.format(href="index.html", extra="").replace(
        "<schemaversion>1.2<", f"<schemaversion>{declared}<"
    )
    assert parse_manifest(manifest.encode(), files={"index.html"}).version == version


def test_a_manifest_without_schemaversion_is_known_by_its_namespace():
    manifest = MANIFEST_12.format(href="index.html", extra="").replace("<schemaversion>1.2</schemaversion>", "")
    assert parse_manifest(manifest.encode(), files={"index.html"}).version == "1.2"


def test_an_unknown_schema_version_is_refused():
    manifest = MANIFEST_12.format(href="index.html", extra="").replace("<schemaversion>1.2<", "<schemaversion>1.1<")
    with pytest.raises(PackageError, match="only SCORM 1.2 and SCORM 2004"):
        parse_manifest(manifest.encode(), files={"index.html"})


def test_zip_slip_is_refused():
    message = refused(
        make_zip(
            {
                "imsmanifest.xml": MANIFEST_12.format(href="index.html", extra=""),
                "index.html": "x",
                "../../etc/cron.d/evil": "x",
            }
        )
    )
    assert "“../../etc/cron.d/evil” points outside the package" in message


@pytest.mark.parametrize("name", ["/etc/passwd", "C:/windows/evil.dll", "a\\..\\..\\evil"])
def test_absolute_and_backslash_paths_are_refused(name):
    message = refused(tiny_12(files={name: "x"}))
    assert name in message


def test_a_symbolic_link_is_refused():
    manifest = MANIFEST_12.format(href="index.html", extra="")
    data = make_zip({"imsmanifest.xml": manifest, "index.html": "x", "link": "/etc/passwd"}, links=("link",))
    assert refused(data) == "The entry “link” is a symbolic link: links are refused."


def test_a_zip_bomb_is_refused_by_its_ratio():
    message = refused(tiny_12(files={"bomb.bin": b"\0" * (20 * 1024 * 1024)}))
    assert "“bomb.bin” expands" in message and "zip bomb" in message


def test_too_many_files_and_too_many_bytes_are_refused():
    files = {f"f{i}.txt": "x" for i in range(30)}
    assert "at most 20 are accepted" in refused(tiny_12(files=files), limits=Limits(files=20))
    big = {"big.bin": bytes(range(256)) * 4096}
    assert "unzips to more than" in refused(tiny_12(files=big), limits=Limits(total_bytes=512 * 1024))
    assert "one file may be at most" in refused(tiny_12(files=big), limits=Limits(file_bytes=100_000))
    assert "at most" in refused(tiny_12(files=big), limits=Limits(archive_bytes=10_000))


def test_a_zip_that_lies_about_a_size_is_refused():
    manifest = MANIFEST_12.format(href="index.html", extra="")
    data = bytearray(make_zip({"imsmanifest.xml": manifest, "index.html": "x" * 1000}, compression=zipfile.ZIP_STORED))
    # The central directory says index.html holds 10 bytes; it holds 1,000.
    entry = data.rfind(b"PK\x01\x02")
    assert data[entry + 46 : entry + 56] == b"index.html"
    data[entry + 24 : entry + 28] = (10).to_bytes(4, "little")
    # zipfile reads no further than the declared size, and the checksum then fails.
    assert refused(bytes(data)) == "The file “index.html” cannot be unzipped (Bad CRC-32 for file 'index.html')."


def test_a_missing_manifest_is_refused():
    assert (
        refused(make_zip({"index.html": "x"}))
        == "The zip has no imsmanifest.xml at its top: this is not a SCORM package."
    )


def test_a_manifest_in_a_folder_is_refused_with_the_fix():
    message = refused(
        make_zip({"course/imsmanifest.xml": MANIFEST_12.format(href="index.html", extra=""), "course/index.html": "x"})
    )
    assert "must be at the top of the zip, not at “course/imsmanifest.xml”" in message


def test_a_manifest_with_an_external_entity_is_refused():
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<manifest identifier="m"><metadata><schemaversion>&xxe;</schemaversion></metadata></manifest>'
    )
    message = refused(make_zip({"imsmanifest.xml": xxe, "index.html": "x"}))
    assert "declares a DTD, entities or external references" in message


def test_billion_laughs_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        "<manifest>&b;</manifest>"
    )
    assert "declares a DTD" in refused(make_zip({"imsmanifest.xml": bomb}))


def test_a_manifest_that_is_not_xml_is_refused():
    assert "not well-formed XML" in refused(make_zip({"imsmanifest.xml": "<manifest", "index.html": "x"}))


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("../outside.html", "outside the package"),
        ("/index.html", "absolute path outside the package"),
        ("https://example.com/sco.html", "outside the package: every SCO must be a file inside it"),
        ("missing.html", "which is not in the package (the launch file is missing)"),
    ],
)
def test_a_launch_file_outside_the_package_or_missing_is_refused(href, expected):
    assert expected in refused(tiny_12(href=href))


def test_a_file_that_is_not_a_zip_is_refused():
    assert refused(b"not a zip at all") == "The file is not a zip archive: upload the SCORM package as a .zip file."


def test_a_package_of_assets_and_hidden_wrappers_is_read():
    """Rustici's "one file per SCO" golf samples are all assets, under a hidden wrapper item."""
    manifest = (
        MANIFEST_12.format(href="index.html", extra="")
        .replace('adlcp:scormtype="sco"', 'adlcp:scormtype="asset"')
        .replace(
            '<item identifier="i1"', '<item identifier="wrap" isvisible="false"><title>W</title><item identifier="i1"'
        )
        .replace("</item>", "</item></item>", 1)
    )
    package = create(make_zip({"imsmanifest.xml": manifest, "index.html": "x"}))
    assert [(s["identifier"], s["scorm_type"], s["depth"]) for s in package.steps] == [("i1", "asset", 2)]


def test_a_2004_manifest_without_schemaversion_is_known_by_its_declarations():
    manifest = (
        '<?xml version="1.0"?><manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
        'xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"><organizations default="o"><organization '
        'identifier="o"><title>T</title><item identifier="i" identifierref="r"><title>I</title></item>'
        '</organization></organizations><resources><resource identifier="r" type="webcontent" href="a.html"/>'
        "</resources></manifest>"
    )
    assert parse_manifest(manifest.encode(), files={"a.html"}).version == "2004-3"


def test_a_bad_mastery_score_is_refused():
    assert "mastery score “120” is outside 0 to 100" in refused(
        tiny_12(extra="<adlcp:masteryscore>120</adlcp:masteryscore>")
    )


def test_a_failure_while_storing_leaves_nothing(monkeypatch):
    from django.core.files.storage import InMemoryStorage

    calls = {"n": 0}
    original = InMemoryStorage.save

    def failing_save(self, name, content, max_length=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return original(self, name, content, max_length=max_length)

    monkeypatch.setattr(InMemoryStorage, "save", failing_save)
    with pytest.raises(OSError):
        create(package_zip(RESPECT_12))
    assert ScormPackage.objects.count() == 0
    assert stored_names() == []

"""`imsmanifest.xml`, read safely: which SCORM version, which SCOs to play and in what order.

An item whose resource is an asset (no SCORM API calls) is played like a SCO and counts as
completed once the learner has opened it, as SCORM has an LMS do.

The manifest is parsed with defusedxml, which refuses a DTD, entity declarations and
external references, so a manifest cannot read files from the server or expand itself (XXE,
"billion laughs"). The version comes from `<schemaversion>` (or, when that is missing, the
namespaces the manifest uses). Every launchable item of the default organisation becomes a
step, in document order; its resource's `href` (with `xml:base` and the item's `parameters`)
must name a file inside the package.
"""

import posixpath
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote, urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from courses.scorm.archive import PackageError, check_path

MANIFEST = "imsmanifest.xml"
MAX_MANIFEST_BYTES = 5 * 1024 * 1024
MAX_STEPS = 500

SCORM_12 = "1.2"
SCORM_2004_2 = "2004-2"
SCORM_2004_3 = "2004-3"
SCORM_2004_4 = "2004-4"
VERSION_LABELS = {
    SCORM_12: "SCORM 1.2",
    SCORM_2004_2: "SCORM 2004 2nd edition",
    SCORM_2004_3: "SCORM 2004 3rd edition",
    SCORM_2004_4: "SCORM 2004 4th edition",
}


@dataclass
class Step:
    """One launchable item: a SCO (which talks to the runtime) or an asset (which does not)."""

    identifier: str
    title: str
    href: str  # inside the package, with the item's parameters
    scorm_type: str  # "sco" or "asset"
    mastery_score: str = ""  # 1.2 adlcp:masteryscore, 0 to 100
    scaled_passing_score: str = ""  # 2004 imsss:minNormalizedMeasure, -1 to 1
    completion_threshold: str = ""  # 2004 adlcp:completionThreshold, 0 to 1
    launch_data: str = ""
    max_time_allowed: str = ""
    time_limit_action: str = ""
    depth: int = 1


@dataclass
class Manifest:
    version: str
    identifier: str
    title: str
    steps: list[Step] = field(default_factory=list)

    def as_json(self) -> list[dict]:
        return [asdict(step) for step in self.steps]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name: str):
    return [child for child in element if _local(child.tag) == name]


def _child(element, name: str):
    return next(iter(_children(element, name)), None)


def _text(element, name: str) -> str:
    found = _child(element, name) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def _attr(element, name: str) -> str:
    """An attribute by local name, whatever its namespace prefix (adlcp:scormtype, scormType...)."""
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value.strip()
    return ""


def _xml_base(element) -> str:
    return element.attrib.get("{http://www.w3.org/XML/1998/namespace}base", "").strip()


def detect_version(root, raw: bytes = b"") -> str:
    metadata = _child(root, "metadata")
    declared = re.sub(r"\s+", " ", _text(metadata, "schemaversion")).lower()
    if declared in ("1.2",):
        return SCORM_12
    if declared in ("cam 1.3", "2004 2nd edition"):
        return SCORM_2004_2
    if declared == "2004 3rd edition":
        return SCORM_2004_3
    if declared == "2004 4th edition":
        return SCORM_2004_4
    if declared:
        raise PackageError(
            f"The manifest declares schema version “{declared}”: only SCORM 1.2 and SCORM 2004 (2nd, 3rd and 4th "
            "editions) are supported."
        )
    names = set()
    for element in root.iter():
        if isinstance(element.tag, str):
            names.add(element.tag.split("}")[0])
            names.update(key.split("}")[0] for key in element.attrib)
    # Declarations no element uses are gone after parsing: look at the text as well.
    namespaces = " ".join(names) + " " + raw[:20_000].decode("utf-8", "replace")
    if "adlcp_rootv1p2" in namespaces or "imscp_rootv1p1p2" in namespaces:
        return SCORM_12
    if any(name in namespaces for name in ("adlcp_v1p3", "adlseq_v1p3", "adlnav_v1p3", "imsglobal.org/xsd/imsss")):
        return SCORM_2004_3  # the edition is not stated: the runtime is the same
    raise PackageError(
        "The manifest names no SCORM version (no <schemaversion> and no SCORM namespace): this is not a SCORM "
        "1.2 or 2004 package."
    )


def _number(value: str, *, low: Decimal, high: Decimal, what: str) -> str:
    if not value:
        return ""
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise PackageError(f"The manifest's {what} “{value}” is not a number.") from None
    if not number.is_finite() or not low <= number <= high:
        raise PackageError(f"The manifest's {what} “{value}” is outside {low} to {high}.")
    return str(number)


def _launch_path(href: str, base: str, parameters: str, *, files: set[str], identifier: str) -> str:
    target = urlsplit(href)
    if target.scheme or target.netloc or href.startswith("//"):
        raise PackageError(
            f"The resource “{identifier}” launches “{href}”, outside the package: every SCO must be a file inside it."
        )
    path = posixpath.join(base, unquote(target.path)) if base else unquote(target.path)
    if path.startswith("/"):
        raise PackageError(f"The resource “{identifier}” launches “{href}”, an absolute path outside the package.")
    normalised = posixpath.normpath(path)
    if normalised == ".." or normalised.startswith("../"):
        raise PackageError(f"The resource “{identifier}” launches “{href}”, outside the package.")
    normalised = check_path(normalised)
    if normalised not in files:
        raise PackageError(
            f"The resource “{identifier}” launches “{normalised}”, which is not in the package (the launch file "
            "is missing)."
        )
    query = target.query
    if parameters:
        parameters = parameters.lstrip("?&") if not parameters.startswith("#") else parameters
        if parameters.startswith("#"):
            return f"{normalised}{'?' + query if query else ''}{parameters}"
        query = f"{query}&{parameters}" if query else parameters
    return f"{normalised}{'?' + query if query else ''}{'#' + target.fragment if target.fragment else ''}"


def _sequencing_passing_score(item) -> str:
    sequencing = _child(item, "sequencing")
    objectives = _child(sequencing, "objectives") if sequencing is not None else None
    primary = _child(objectives, "primaryObjective") if objectives is not None else None
    if primary is None or _attr(primary, "satisfiedByMeasure").lower() != "true":
        return ""
    return _text(primary, "minNormalizedMeasure") or "1.0"


def _completion_threshold(item) -> str:
    element = _child(item, "completionThreshold")
    if element is None:
        return ""
    if _attr(element, "completedByMeasure").lower() == "false":
        return ""
    return _attr(element, "minProgressMeasure") or (element.text or "").strip() or ""


def parse_manifest(data: bytes, *, files: set[str]) -> Manifest:
    """The manifest's SCORM version and steps, or PackageError saying what is wrong."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise PackageError("imsmanifest.xml is over 5 MB: that is not a manifest.")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise PackageError(
            "imsmanifest.xml declares a DTD, entities or external references, which are refused for safety "
            f"({type(error).__name__})."
        ) from error
    except (ParseError, ValueError) as error:
        raise PackageError(f"imsmanifest.xml is not well-formed XML: {error}.") from error
    if _local(root.tag) != "manifest":
        raise PackageError("imsmanifest.xml has no <manifest> element at its top.")
    version = detect_version(root, data)
    resources_element = _child(root, "resources")
    resources = {}
    base = _xml_base(root)
    if resources_element is not None:
        resources_base = posixpath.join(base, _xml_base(resources_element)) if base else _xml_base(resources_element)
        for resource in _children(resources_element, "resource"):
            resources[_attr(resource, "identifier")] = (resource, resources_base)
    organizations = _child(root, "organizations")
    candidates = _children(organizations, "organization") if organizations is not None else []
    default = _attr(organizations, "default") if organizations is not None else ""
    organization = next((o for o in candidates if _attr(o, "identifier") == default), None) or (
        candidates[0] if candidates else None
    )
    if organization is None:
        raise PackageError("imsmanifest.xml has no <organization>: there is nothing to launch.")
    steps: list[Step] = []
    is_12 = version == SCORM_12

    def walk(parent, depth: int) -> None:
        for item in _children(parent, "item"):
            ref = _attr(item, "identifierref")
            title = _text(item, "title") or _attr(item, "identifier") or "Untitled"
            if ref:
                if ref not in resources:
                    raise PackageError(f"The item “{title}” refers to a resource “{ref}” the manifest does not have.")
                resource, resources_base = resources[ref]
                href = _attr(resource, "href")
                if not href:
                    raise PackageError(f"The resource “{ref}” of item “{title}” has no launch file (href).")
                resource_base = _xml_base(resource)
                full_base = posixpath.join(resources_base, resource_base) if resources_base else resource_base
                path = _launch_path(href, full_base, _attr(item, "parameters"), files=files, identifier=ref)
                scorm_type = (_attr(resource, "scormtype") or "asset").lower()
                step = Step(
                    identifier=_attr(item, "identifier") or ref,
                    title=title[:255],
                    href=path,
                    scorm_type="sco" if scorm_type == "sco" else "asset",
                    depth=depth,
                )
                if is_12:
                    step.mastery_score = _number(
                        _text(item, "masteryscore"), low=Decimal(0), high=Decimal(100), what="mastery score"
                    )
                    step.launch_data = _text(item, "datafromlms")[:4096]
                    step.max_time_allowed = _text(item, "maxtimeallowed")[:20]
                    step.time_limit_action = _text(item, "timelimitaction")[:30]
                else:
                    step.scaled_passing_score = _number(
                        _sequencing_passing_score(item), low=Decimal(-1), high=Decimal(1), what="passing score"
                    )
                    step.completion_threshold = _number(
                        _completion_threshold(item), low=Decimal(0), high=Decimal(1), what="completion threshold"
                    )
                    step.launch_data = _text(item, "dataFromLMS")[:4000]
                    step.time_limit_action = _text(item, "timeLimitAction")[:30]
                steps.append(step)
                if len(steps) > MAX_STEPS:
                    raise PackageError(f"The package has more than {MAX_STEPS} items to launch.")
            walk(item, depth + 1)

    walk(organization, 1)
    if not steps:
        raise PackageError("The manifest's organisation has no item that launches a file.")
    identifiers = [step.identifier for step in steps]
    if len(set(identifiers)) != len(identifiers):
        raise PackageError("Two items of the manifest share an identifier.")
    title = _text(organization, "title") or _attr(root, "identifier") or "SCORM package"
    return Manifest(version=version, identifier=_attr(root, "identifier")[:255], title=title[:255], steps=steps)

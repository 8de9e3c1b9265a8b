"""SCORM packages in and learners' runtime data kept.

A package is checked whole (`scorm_package_inspect`: the zip, every path, every byte, the
manifest) before anything is stored, then unpacked into storage through Django's storage API
(`scorm_package_store`), so S3-compatible storage works; a failure while storing removes what
was written, so nothing is ever half-stored.

Every Commit and Terminate of a SCO lands in `scorm_runtime_commit`, which checks the data
model, keeps it, and, when every SCO of the module meets the module's rule, completes the module
exactly as a native module completes (its progress, then the course's completion check:
idempotent, with the course's revision recorded).
"""

import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from courses.models import ModulePage, ModuleProgress, ProgressStatus
from courses.models.scorm import ScormAttempt, ScormModulePage, ScormPackage
from courses.scorm.archive import DEFAULT_LIMITS, Entry, Limits, PackageError, extract, open_zip, read_entries
from courses.scorm.cmi import CmiError, parse_commit
from courses.scorm.manifest import MANIFEST, Manifest, parse_manifest
from courses.scorm.runtime import judge, meets_rule, percent
from courses.services.errors import LearningError
from courses.services.learning import _course_of, course_completion_check, module_visit
from courses.signals import module_completed, scorm_committed, scorm_initialized

STORAGE_ROOT = "scorm"
MAX_STORED_INTERACTIONS = 2000


@dataclass
class InspectedPackage:
    manifest: Manifest
    entries: list[Entry]
    total_bytes: int
    sha256: str


def scorm_package_inspect(*, upload: IO[bytes], limits: Limits = DEFAULT_LIMITS) -> InspectedPackage:
    """Check a SCORM zip completely; PackageError names the first problem. Reads every entry
    (within the limits) so a damaged or lying zip is refused here, not half-way through storing."""
    archive = open_zip(upload, limits=limits)
    with archive:
        entries = read_entries(archive, limits=limits)
        paths = {entry.path for entry in entries}
        if MANIFEST not in paths:
            nested = next((p for p in paths if p.lower().endswith("/" + MANIFEST) or p.lower() == MANIFEST), None)
            if nested:
                raise PackageError(
                    f"imsmanifest.xml must be at the top of the zip, not at “{nested}”: zip the package's contents, "
                    "not the folder they are in."
                )
            raise PackageError("The zip has no imsmanifest.xml at its top: this is not a SCORM package.")
        digest = hashlib.sha256()
        manifest_bytes = b""
        for entry in entries:
            with extract(archive, entry) as data:
                if entry.path == MANIFEST:
                    manifest_bytes = data.read()
        manifest = parse_manifest(manifest_bytes, files=paths)
    upload.seek(0)
    while chunk := upload.read(1024 * 1024):
        digest.update(chunk)
    upload.seek(0)
    return InspectedPackage(
        manifest=manifest, entries=entries, total_bytes=sum(e.size for e in entries), sha256=digest.hexdigest()
    )


def scorm_package_store(
    *,
    upload: IO[bytes],
    inspected: InspectedPackage,
    instance: ScormPackage | None = None,
    title: str = "",
    uploaded_by=None,
    storage: Storage | None = None,
) -> ScormPackage:
    """Unpack an inspected package into storage and record it. On any failure, the files
    written so far are deleted and nothing is recorded."""
    storage = storage or default_storage
    prefix = f"{STORAGE_ROOT}/{uuid.uuid4().hex}"
    written: list[str] = []
    try:
        archive = open_zip(upload)
        with archive:
            for entry in inspected.entries:
                name = f"{prefix}/{entry.path}"
                with extract(archive, entry) as data:
                    saved = storage.save(name, File(data, name=entry.path.rsplit("/", 1)[-1]))
                written.append(saved)
                if saved != name:
                    raise PackageError(f"The storage renamed “{entry.path}”: the package cannot be stored as it is.")
        package = instance or ScormPackage()
        package.title = (title or package.title or inspected.manifest.title)[:255]
        package.version = inspected.manifest.version
        package.manifest_identifier = inspected.manifest.identifier
        package.steps = inspected.manifest.as_json()
        package.storage_prefix = prefix
        package.file_count = len(inspected.entries)
        package.total_bytes = inspected.total_bytes
        package.sha256 = inspected.sha256
        package.uploaded_by = uploaded_by
        with transaction.atomic():
            package.save()
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    finally:
        upload.seek(0)
    return package


def scorm_package_create(*, upload: IO[bytes], title: str = "", uploaded_by=None, limits: Limits = DEFAULT_LIMITS):
    """Check and store a package in one step (the demo, imports, tests)."""
    inspected = scorm_package_inspect(upload=upload, limits=limits)
    return scorm_package_store(upload=upload, inspected=inspected, title=title, uploaded_by=uploaded_by)


def _scorm_module(module: ModulePage) -> ScormModulePage:
    specific = module.specific
    if not isinstance(specific, ScormModulePage):
        raise LearningError("This module does not play a SCORM package.")
    return specific


def _step(module: ScormModulePage, sco: str) -> dict:
    if not isinstance(sco, str) or not sco:
        raise LearningError("Name the SCO (its identifier in the manifest).", field_errors={"sco": "Required."})
    step = module.package.step(sco)
    if step is None:
        raise LearningError(f"The package has no SCO “{sco[:100]}”.", field_errors={"sco": "Unknown SCO."})
    return step


def _attempt(*, user, module: ScormModulePage, sco: str, lock: bool) -> ScormAttempt:
    course = _course_of(module)
    progress = module_visit(user=user, module=module, screen=None, course=course)
    enrolment_id = progress.enrolment_id
    try:
        with transaction.atomic():
            attempt, _ = ScormAttempt.objects.get_or_create(
                enrolment_id=enrolment_id, module_id=module.pk, package_id=module.package_id, sco=sco
            )
    except IntegrityError:
        attempt = ScormAttempt.objects.get(
            enrolment_id=enrolment_id, module_id=module.pk, package_id=module.package_id, sco=sco
        )
    if lock:
        attempt = ScormAttempt.objects.select_for_update().get(pk=attempt.pk)
    return attempt


@transaction.atomic
def scorm_runtime_initialize(*, user, module: ModulePage, sco: str) -> ScormAttempt:
    """A SCO called Initialize (LMSInitialize): a new session of its attempt. Starts the course
    and the module for the learner, as opening a native module's next screen does."""
    module = _scorm_module(module)
    step = _step(module, sco)
    attempt = _attempt(user=user, module=module, sco=sco, lock=True)
    now = timezone.now()
    ScormAttempt.objects.filter(pk=attempt.pk).update(sessions=F("sessions") + 1, updated_at=now)
    if step.get("scorm_type") != "sco":
        # An asset reports nothing: opened is completed.
        ScormAttempt.objects.filter(pk=attempt.pk, completed_at__isnull=True).update(
            completion_status="completed", completed_at=now
        )
    attempt.refresh_from_db()
    scorm_initialized.send(sender=ScormAttempt, attempt=attempt, step=step)
    if step.get("scorm_type") != "sco":
        _module_check(module=module, attempt=attempt)
    return attempt


def _merge_interactions(stored: list[dict], new: list[dict], *, session: int) -> list[dict]:
    kept = [row for row in stored if row.get("session") != session]
    merged = kept + [{**row, "session": session} for row in new]
    if len(merged) > MAX_STORED_INTERACTIONS:
        raise LearningError(
            f"The package has reported more than {MAX_STORED_INTERACTIONS:,} interactions for this learner; no "
            "more are stored.",
            field_errors={"cmi.interactions": "Too many interactions."},
        )
    return merged


@dataclass
class CommitResult:
    attempt: ScormAttempt
    module_completed: bool
    course_completion: object


@transaction.atomic
def scorm_runtime_commit(*, user, module: ModulePage, sco: str, cmi, terminate: bool) -> CommitResult:
    """Keep what a SCO committed (Commit, Terminate, LMSCommit, LMSFinish). LearningError names
    the element that is wrong; nothing is stored then."""
    module = _scorm_module(module)
    step = _step(module, sco)
    if step.get("scorm_type") != "sco":
        raise LearningError(f"“{sco[:100]}” is an asset: it stores no data.", field_errors={"sco": "An asset."})
    package = module.package
    try:
        commit = parse_commit(cmi, version=package.version)
    except CmiError as error:
        raise LearningError(
            error.message and f"{error.element} {error.message}", field_errors={error.element: error.message}
        ) from error
    attempt = _attempt(user=user, module=module, sco=sco, lock=True)
    now = timezone.now()
    outcome = judge(
        version=package.version,
        step=step,
        completion_status=commit.completion_status,
        success_status=commit.success_status,
        score_raw=commit.score.raw,
        score_scaled=commit.score.scaled,
        progress_measure=commit.progress_measure,
    )
    attempt.completion_status = outcome.completion_status
    attempt.success_status = outcome.success_status
    attempt.score_raw, attempt.score_min, attempt.score_max = commit.score.raw, commit.score.min, commit.score.max
    attempt.score_scaled = commit.score.scaled
    attempt.progress_measure = commit.progress_measure
    attempt.location = commit.location
    attempt.suspend_data = commit.suspend_data
    attempt.exit = commit.exit
    attempt.interactions = _merge_interactions(attempt.interactions, commit.interactions, session=attempt.sessions)
    if commit.objectives:
        attempt.objectives = commit.objectives
    attempt.commits += 1
    if commit.session_seconds is not None:
        attempt.session_seconds = commit.session_seconds
    if terminate:
        # The total is the server's sum of the sessions, never the package's own figure.
        attempt.total_seconds += attempt.session_seconds or Decimal(0)
        attempt.terminated_at = now
    if attempt.completed_at is None and meets_rule(outcome, rule=module.completion_rule):
        attempt.completed_at = now
    attempt.save()
    scorm_committed.send(sender=ScormAttempt, attempt=attempt, step=step, terminate=terminate)
    module_done, completion = _module_check(module=module, attempt=attempt)
    return CommitResult(attempt=attempt, module_completed=module_done, course_completion=completion)


def _module_check(*, module: ScormModulePage, attempt: ScormAttempt):
    """Complete the module when every SCO of its package has met the rule (and every asset has
    been opened); then the course."""
    scos = [step["identifier"] for step in module.package.steps]
    attempts = list(
        ScormAttempt.objects.filter(
            enrolment_id=attempt.enrolment_id, module_id=module.pk, package_id=module.package_id
        )
    )
    done = {a.sco for a in attempts if a.completed_at is not None}
    progress = ModuleProgress.objects.get(enrolment_id=attempt.enrolment_id, module_id=module.pk)
    scores = [
        score
        for a in attempts
        if (
            score := percent(
                score_scaled=a.score_scaled, score_raw=a.score_raw, score_min=a.score_min, score_max=a.score_max
            )
        )
        is not None
    ]
    best = (sum(scores) / len(scores)).quantize(Decimal("0.01")) if scores else None
    if best is not None and (progress.best_score is None or best > progress.best_score):
        ModuleProgress.objects.filter(pk=progress.pk).update(best_score=best, updated_at=timezone.now())
    if not set(scos) <= done:
        return progress.status == ProgressStatus.COMPLETED, None
    now = timezone.now()
    if ModuleProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
        status=ProgressStatus.COMPLETED, completed_at=now, updated_at=now
    ):
        module_completed.send(sender=ModuleProgress, enrolment=progress.enrolment, module=module, completed_at=now)
    completion = course_completion_check(enrolment=progress.enrolment)
    return True, completion

"""HR: people and organisation units, read by compliance administrators and loaded by the HR system."""

import csv
import io
import json
import logging

import django_filters
from django import forms
from django.db import DatabaseError
from django.db.models import Prefetch
from django.http import Http404, QueryDict
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import APIException
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import error_response
from api.permissions import IsComplianceAdministrator, IsHRService
from api.schema import ERROR_RESPONSES, NOT_FOUND, ErrorSerializer
from compliance.access import import_jobs_visible
from compliance.importing import ImportFileError
from compliance.importing.base import clip
from compliance.importing.csvfile import parse_mapping
from compliance.importing.jobs import IMPORTERS, import_job_create, import_job_summary
from compliance.importing.people import COLUMNS as PEOPLE_COLUMNS
from compliance.models import ImportJob
from compliance.people.models import LeadershipLevel, OrgUnit, Person, PersonFunction, WorkerType
from courses.conf import lms_setting

logger = logging.getLogger(__name__)


class UnitSerializer(serializers.ModelSerializer):
    parent_code = serializers.SerializerMethodField()

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "kind", "parent_code", "depth"]

    def get_parent_code(self, unit) -> str | None:
        return self.context.get("parent_codes", {}).get(unit.path[: -OrgUnit.steplen])


class PersonSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code")
    line_manager_staff_number = serializers.CharField(source="line_manager.staff_number", allow_null=True, default=None)
    functions = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "staff_number",
            "first_name",
            "last_name",
            "email",
            "worker_type",
            "rank_or_grade",
            "leadership_level",
            "leadership_level_overridden",
            "unit_code",
            "line_manager_staff_number",
            "start_date",
            "role_start_date",
            "functions",
            "is_active",
            "end_date",
        ]

    def get_functions(self, person) -> list[str]:
        return [link.function.code for link in person.person_functions.all()]


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class _StrictBooleanField(forms.NullBooleanField):
    """true/false (1/0, yes/no); anything else is an error rather than silently no filter at all."""

    def to_python(self, value):
        text = "" if value is None else str(value).strip().lower()
        if not text:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise forms.ValidationError("Use true or false.", code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = _StrictBooleanField

    def __init__(self, *args, **kwargs):
        # A plain text widget: the select widget would turn an unknown value into "no filter".
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class PersonFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", help_text="Unit code (exact)")
    is_active = StrictBooleanFilter(help_text="true or false")
    worker_type = django_filters.ChoiceFilter(choices=WorkerType.choices)
    leadership_level = django_filters.ChoiceFilter(choices=LeadershipLevel.choices)

    class Meta:
        model = Person
        fields = ["unit", "is_active", "worker_type", "leadership_level"]


def _people():
    return (
        Person.objects.select_related("unit", "line_manager")
        .prefetch_related(Prefetch("person_functions", queryset=PersonFunction.objects.select_related("function")))
        .order_by("staff_number")
    )


@extend_schema(tags=["hr"], responses={200: PersonSerializer(many=True), **ERROR_RESPONSES, **NOT_FOUND})
class PersonListView(generics.ListAPIView):
    """Everyone in the force, as loaded from HR (compliance administrators)."""

    permission_classes = [IsComplianceAdministrator]
    serializer_class = PersonSerializer
    filterset_class = PersonFilter

    def get_queryset(self):
        return _people()


@extend_schema(tags=["hr"], responses={200: PersonSerializer, **ERROR_RESPONSES, **NOT_FOUND})
class PersonDetailView(generics.RetrieveAPIView):
    """One person by staff number (compliance administrators)."""

    permission_classes = [IsComplianceAdministrator]
    serializer_class = PersonSerializer
    lookup_field = "staff_number"

    def get_queryset(self):
        return _people()


@extend_schema(tags=["hr"], responses={200: UnitSerializer(many=True), **ERROR_RESPONSES, **NOT_FOUND})
class UnitListView(generics.ListAPIView):
    """The organisation tree in path order (compliance administrators)."""

    permission_classes = [IsComplianceAdministrator]
    serializer_class = UnitSerializer
    queryset = OrgUnit.objects.order_by("path")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "parent_codes": dict(OrgUnit.objects.values_list("path", "code"))}


ImportReportSerializer = inline_serializer(
    name="ImportReport",
    fields={
        "kind": serializers.CharField(),
        "rows": serializers.IntegerField(),
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "deactivated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "rejected": serializers.IntegerField(),
        "dry_run": serializers.BooleanField(),
        "applied": serializers.BooleanField(),
        "message": serializers.CharField(),
        "notes": serializers.ListField(child=serializers.CharField()),
        "errors_total": serializers.IntegerField(help_text="Row errors in all; `errors` lists the first 200."),
        "errors": serializers.ListField(
            child=inline_serializer(
                name="ImportRowError",
                fields={
                    "row": serializers.IntegerField(),
                    "column": serializers.CharField(),
                    "message": serializers.CharField(),
                },
            )
        ),
    },
)

IMPORT_PARAMETERS = [
    OpenApiParameter("dry_run", OpenApiTypes.BOOL, description="Validate and report; write nothing."),
    OpenApiParameter("skip_invalid", OpenApiTypes.BOOL, description="Apply the valid rows; report the rest."),
    OpenApiParameter(
        "background",
        OpenApiTypes.BOOL,
        description="Import in the background and answer 202 with the job at once (always so for a file over "
        "INCLUSION_LMS['IMPORT_BACKGROUND_BYTES']); its report is at the job's address.",
    ),
]

ImportJobSerializer = inline_serializer(
    name="ImportJob",
    fields={
        "id": serializers.IntegerField(),
        "kind": serializers.ChoiceField(choices=ImportJob.Kind.choices),
        "status": serializers.ChoiceField(choices=ImportJob.Status.choices),
        "url": serializers.CharField(help_text="This job's address: ask it until status is done or failed."),
        "size": serializers.IntegerField(help_text="Bytes."),
        "created_at": serializers.DateTimeField(),
        "started_at": serializers.DateTimeField(allow_null=True),
        "finished_at": serializers.DateTimeField(allow_null=True),
        "progress": inline_serializer(
            name="ImportProgress",
            fields={"done": serializers.IntegerField(), "total": serializers.IntegerField()},
            allow_null=True,
        ),
        "report": type(ImportReportSerializer)(allow_null=True, help_text="Once done (or failed on its rows)."),
        "failure": serializers.CharField(help_text="Why a failed job failed; empty otherwise."),
        "message": serializers.CharField(),
    },
)


def import_job_as_dict(job: ImportJob) -> dict:
    return {**import_job_summary(job), "url": reverse("import-job", args=[job.pk])}


@extend_schema(tags=["hr"], responses={200: ImportJobSerializer, 401: ErrorSerializer, **NOT_FOUND})
class ImportJobView(APIView):
    """A background import: its status, progress and, once done, its report. Visible to whoever
    may make that kind of import (HR for people and units, compliance administrators for
    completions)."""

    permission_classes = [IsAuthenticated]

    def get(self, request, pk: int):
        job = import_jobs_visible(user=request.user).filter(pk=pk).first()
        if job is None:
            raise Http404
        return Response(import_job_as_dict(job))


class FileTooLarge(APIException):
    status_code = 413
    default_code = "file_too_large"


def _too_large(size: int) -> FileTooLarge:
    limit = lms_setting("IMPORT_MAX_BYTES")
    return FileTooLarge(
        f"The file is {size / 1024 / 1024:.1f} MB; the largest accepted is {limit / 1024 / 1024:.0f} MB. "
        "Nothing was read or written: split the file, or ask for INCLUSION_LMS['IMPORT_MAX_BYTES'] to be raised."
    )


class CSVParser(BaseParser):
    """A raw CSV body (`Content-Type: text/csv`), handed to the importer as bytes. Its size was
    checked before it was read (`_ImportView.initial`): Django reads no further than the stated
    length."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        return b"" if stream is None else stream.read()


def _flag(request, name: str) -> bool:
    value = request.query_params.get(name)
    if value is None and isinstance(request.data, dict | QueryDict):
        value = request.data.get(name)
    text = "" if value is None else str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ImportFileError(f"The parameter {name} must be true or false, not '{clip(text, 20)}'.")


class _ImportView(APIView):
    """Accepts a CSV upload (multipart field `file`, optional `mapping` JSON), a raw `text/csv`
    body, or JSON `{"rows": [{column: value, ...}], "mapping": {...}}`."""

    permission_classes = [IsHRService]
    parser_classes = [MultiPartParser, FormParser, JSONParser, CSVParser]
    columns: list[str] = []
    source = "api"
    kind: str = ""  # an ImportJob.Kind

    def initial(self, request, *args, **kwargs):
        # Before anything reads the body: a file over the limit is refused at once, unread. This
        # is the one size check: Django never reads a body past its stated length.
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if size > lms_setting("IMPORT_MAX_BYTES"):
            raise _too_large(size)
        super().initial(request, *args, **kwargs)

    def post(self, request):
        try:
            data, mapping = self._payload(request)
            options = {
                "mapping": mapping,
                "dry_run": _flag(request, "dry_run"),
                "skip_invalid": _flag(request, "skip_invalid"),
                "source": self.source,
            }
            if _flag(request, "background") or len(data) > lms_setting("IMPORT_BACKGROUND_BYTES"):
                data = data.encode() if isinstance(data, str) else data
                job = import_job_create(kind=self.kind, data=data, user=request.user, **options)
                url = reverse("import-job", args=[job.pk])
                return Response(import_job_as_dict(job), status=202, headers={"Location": url})
            report = IMPORTERS[self.kind](data, actor=request.user, **options)
        except ImportFileError as exc:
            return error_response(status_code=400, code="invalid_file", message=f"{exc} Nothing was written.")
        except DatabaseError:
            # Validation should leave nothing for the database to refuse; if it does, the
            # transaction has been rolled back, and the caller is told so rather than given a 500.
            logger.exception("HR import refused by the database")
            return error_response(
                status_code=400,
                code="rejected_by_database",
                message="The database refused the import; nothing was written. Check the file, and tell support.",
            )
        if report.refused:
            return error_response(
                status_code=400, code="invalid_rows", message=report.headline(), details=report.as_dict()
            )
        return Response(report.as_dict())

    def _payload(self, request) -> tuple[bytes | str, dict]:
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        if content_type == "text/csv":
            # An empty body reaches us as an empty dict, not as bytes.
            body = request.data if isinstance(request.data, bytes) else b""
            return body, parse_mapping(request.query_params.get("mapping", "{}"), name="mapping parameter")
        if content_type == "application/json":
            body = request.data
            if not isinstance(body, dict) or not isinstance(body.get("rows"), list):
                raise ImportFileError('The JSON body must be an object with a list of row objects under "rows".')
            mapping = parse_mapping(body.get("mapping") or {}, name="mapping")
            return self._rows_to_csv(body["rows"]), mapping
        upload = request.FILES.get("file")
        if upload is None:
            raise ImportFileError(
                "Send the CSV file in the multipart field 'file', as a text/csv body, or as JSON rows."
            )
        mapping = request.data.get("mapping") or "{}"
        return upload.read(), parse_mapping(mapping, name="mapping field")

    def _rows_to_csv(self, rows: list) -> str:
        if not rows:
            raise ImportFileError('"rows" is empty: there is nothing to import.')
        if not all(isinstance(row, dict) for row in rows):
            raise ImportFileError('Every entry of "rows" must be an object of column: value.')
        headings = list(dict.fromkeys(key for row in rows for key in row))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headings)
        for row in rows:
            writer.writerow(["" if row.get(h) is None else _cell(row.get(h)) for h in headings])
        return out.getvalue()


def _cell(value) -> str:
    if isinstance(value, list):
        return ";".join(_cell(v) for v in value)
    if isinstance(value, dict | bool):
        # Not a value any column takes: make it fail validation visibly rather than become "True".
        return json.dumps(value)
    return str(value)


def import_schema(name: str, *, description: str, json_example: tuple[str, dict] | None = None):
    """The OpenAPI description of one HR import: a CSV body or upload, and JSON rows when the
    import takes them (`json_example`: its title and value)."""
    request = {
        "text/csv": OpenApiTypes.BINARY,
        "multipart/form-data": inline_serializer(
            name=f"{name}ImportUpload",
            fields={"file": serializers.FileField(), "mapping": serializers.CharField(required=False)},
        ),
    }
    examples = []
    if json_example is not None:
        request["application/json"] = inline_serializer(
            name=f"{name}Upsert",
            fields={
                "rows": serializers.ListField(child=serializers.DictField()),
                "mapping": serializers.DictField(required=False),
            },
        )
        title, value = json_example
        examples.append(OpenApiExample(title, request_only=True, media_type="application/json", value=value))
    return extend_schema(
        tags=["hr"],
        parameters=IMPORT_PARAMETERS,
        request=request,
        responses={
            200: ImportReportSerializer,
            202: ImportJobSerializer,
            **ERROR_RESPONSES,
            413: ErrorSerializer,
            415: ErrorSerializer,
        },
        examples=examples,
        description=description,
    )


@import_schema(
    "People",
    json_example=(
        "One joiner",
        {
            "rows": [
                {
                    "staff_number": "123456",
                    "first_name": "Amira",
                    "last_name": "Khan",
                    "email": "amira.khan@force.example",
                    "worker_type": "police_officer",
                    "rank_or_grade": "Constable",
                    "unit_code": "LPA-N-RT1",
                    "line_manager_staff_number": "100200",
                    "start_date": "2026-09-01",
                    "functions": "recruitment-assessor",
                }
            ]
        },
    ),
    description="Create or update people from HR rows with the columns "
    + ", ".join(PEOPLE_COLUMNS)
    + ". The whole payload is validated first; with any error nothing is written (unless skip_invalid).",
)
class PeopleImportView(_ImportView):
    source = "api:import_people"
    kind = ImportJob.Kind.PEOPLE


@import_schema("Units", description="Create or update organisation units (columns unit_code, name, parent_code, kind).")
class UnitsImportView(_ImportView):
    source = "api:import_units"
    kind = ImportJob.Kind.UNITS


@import_schema(
    "Absences",
    json_example=(
        "One absence, not yet ended",
        {"rows": [{"staff_number": "123456", "start_date": "2026-09-01", "category": "parental_leave"}]},
    ),
    description="Create or update absences (columns staff_number, start_date, end_date, category: "
    "long_term_sickness, parental_leave, career_break, secondment or other). A row is known by the person and "
    "its start date; no medical detail.",
)
class AbsencesImportView(_ImportView):
    source = "api:import_absences"
    kind = ImportJob.Kind.ABSENCES

"""The one base of the admin reports: Wagtail's `ReportView` (filters from a django-filter
`FilterSet`, pagination, `?export=csv|xlsx` through `SpreadsheetExportMixin`), made to answer
as the project's reports always have.

- Access: each report says who may open it (`user_may_view`); anyone else is refused with
  `PermissionDenied`, which the Wagtail admin turns into its usual redirect.
- Older links: `?format=` is Wagtail's `?export=` and `?page=` its `?p=`, renamed once on the way
  in, so there is one code path.
- Bad input is an error the page states, never a filter silently ignored nor a server error:
  an unknown or repeated parameter, an unknown export format, a filter value that does not
  exist (the FilterSet's own messages), a page that is not a number (400) or past the last
  one (404).
- Safe spreadsheets: Wagtail's export writes text as it is into the CSV (only the XLSX is kept
  from running formulas, and only those openpyxl recognises). Every cell and heading here goes
  through `courses.downloads.safe_cell` as the project's other downloads do: in the CSV, text
  starting with = + - @, a tab or a carriage return gets an apostrophe in front; in the XLSX
  it is written as it is, in a text cell. The CSV starts with a byte-order mark (spreadsheet
  programs then read it as UTF-8), exports are never cached, and the XLSX spills to disk.
"""

import datetime
import tempfile
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from wagtail.admin.views.mixins import ExcelDateFormatter
from wagtail.admin.views.reports import ReportView

from courses import downloads

# The names older links use for Wagtail's parameters.
ALIASES = {"format": "export", "page": "p"}
# Sent by Wagtail's own filter and pagination scripts.
_WAGTAIL_PARAMETERS = {"_w_filter_fragment"}


class ReportInputError(Exception):
    """Input a report cannot answer: the messages say what and where."""

    def __init__(self, messages: str | list[str], *, status: int = 400):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        self.status = status
        super().__init__("; ".join(self.messages))


class SafeReportView(ReportView):
    """Wagtail's `ReportView` with the project's access, input checks and safe exports.

    A report sets `parameters` (its own query parameters besides the export and the page; the
    FilterSet's fields are added), `list_export` and `export_headings`, `export_filename` (the
    date is added) and `export_sheet_title`, and `get_queryset` (a queryset or a list of rows).
    Its results template extends "courses/admin/report_results.html" and fills
    `report_intro`, `results` and `report_empty`; `get_report_context` adds what it needs.
    """

    template_name = "wagtailadmin/reports/base_report.html"
    results_template_name = "courses/admin/report_results.html"
    page_kwarg = "p"
    paginate_by = None  # aggregate reports fit on one page; a list sets its page size
    parameters: tuple[str, ...] = ()
    export_filename = "report"
    export_sheet_title = "Report"
    denied_message = "You may not see this report."

    # --- access -------------------------------------------------------------------------

    def user_may_view(self, user) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.user_may_view(request.user):
            raise PermissionDenied(self.denied_message)
        return super().dispatch(request, *args, **kwargs)

    # --- the query string -------------------------------------------------------------

    def setup(self, request, *args, **kwargs):
        # Before Wagtail's setup, which reads ?export= to decide whether this is an export.
        self.errors: list[str] = []
        self.query_errors = self._query_errors(request.GET)
        request.GET = self._renamed(request.GET)
        super().setup(request, *args, **kwargs)

    def allowed_parameters(self) -> set[str]:
        allowed = {*self.parameters, "export", "format"}
        if self.filterset_class is not None:
            allowed |= set(self.filterset_class.base_filters)
        if self.paginate_by:
            allowed |= {"p", "page"}
        return allowed

    def _query_errors(self, query) -> list[str]:
        allowed = self.allowed_parameters()
        unknown = sorted(set(query) - allowed - _WAGTAIL_PARAMETERS)
        if unknown:
            return [f"Unknown filter(s): {', '.join(unknown)}. Use only: {', '.join(sorted(allowed))}."]
        errors = [
            f"'{name}' is given {len(query.getlist(name))} times: give it once."
            for name in sorted(query)
            if len(query.getlist(name)) > 1
        ]
        for old, new in ALIASES.items():
            if old in query and new in query and query.getlist(old) != query.getlist(new):
                errors.append(f"{new}={query[new]} and {old}={query[old]} disagree: give one of them.")
        return errors

    @staticmethod
    def _renamed(query):
        query = query.copy()
        for old, new in ALIASES.items():
            if old in query:
                values = query.pop(old)
                if new not in query:
                    query.setlist(new, values)
        return query

    def check_parameters(self):
        """A report's own checks of its parameters: raise ReportInputError."""

    def check_query(self):
        if self.query_errors:
            raise ReportInputError(self.query_errors)
        self.check_parameters()
        fmt = self.request.GET.get("export", "")
        if fmt and fmt not in self.FORMATS:
            raise ReportInputError(f"'{fmt}' is not an export format: use csv or xlsx.")
        if self.filters is not None and not self.filters.is_valid():
            raise ReportInputError([error for errors in self.filters.errors.values() for error in errors])

    # --- answering ----------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        try:
            self.check_query()
            if self.is_export:
                return self.as_spreadsheet(self.get_filtered_queryset(), request.GET["export"])
            return super().get(request, *args, **kwargs)
        except ReportInputError as exc:
            return self.error_response(exc)

    def error_response(self, exc: ReportInputError):
        self.errors = exc.messages
        self.is_export = False
        self.object_list = []
        return self.render_to_response(self.get_context_data(), status=exc.status)

    def get_filtered_queryset(self):
        # BaseListingView.get_queryset has applied the filters already.
        return self.get_queryset()

    def get_paginate_by(self, queryset):
        return None if self.errors else super().get_paginate_by(queryset)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, orphans=self.get_paginate_orphans())
        raw = self.request.GET.get(self.page_kwarg) or "1"
        try:
            number = int(raw)
        except ValueError:
            raise ReportInputError(f"Page '{raw}' is not a page number: use a whole number from 1.") from None
        if number < 1:
            raise ReportInputError(f"Page {number} does not exist: pages start at 1.")
        if number > paginator.num_pages:
            raise ReportInputError(f"There is no page {number}: the last page is {paginator.num_pages}.", status=404)
        page = paginator.page(number)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_report_context(self, context) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["errors"] = self.errors
        if not self.errors:
            context.update(self.get_report_context(context))
        return context

    # --- exports ------------------------------------------------------------------------

    def get_export_url(self, format):
        params = self.request.GET.copy()
        params.pop(self.page_kwarg, None)
        params["export"] = format
        return self.request.path + "?" + params.urlencode()

    def get_filename(self):
        return f"{self.export_filename}-{timezone.localdate():%Y-%m-%d}"

    def get_sheet_title(self) -> str:
        return self.export_sheet_title

    def export_items(self, queryset) -> Iterable:
        """The rows to write: a queryset is read in chunks, not held in memory."""
        if isinstance(queryset, QuerySet):
            return queryset.iterator(chunk_size=downloads.CHUNK)
        return queryset

    def get_heading(self, queryset, field):
        return downloads.safe_cell(super().get_heading(queryset, field))

    def preprocess_field_value(self, field, value, export_format):
        return downloads.safe_cell(super().preprocess_field_value(field, value, export_format))

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        from openpyxl.cell import WriteOnlyCell

        for field, value in row_dict.items():
            cell = downloads.xlsx_cell(worksheet, self.preprocess_field_value(field, value, self.FORMAT_XLSX))
            if date_format and isinstance(value, datetime.datetime):
                cell = WriteOnlyCell(worksheet, value=cell)
                cell.number_format = date_format
            yield cell

    def stream_csv(self, queryset):
        yield "\ufeff".encode()  # so spreadsheet programs read the file as UTF-8
        yield from super().stream_csv(self.export_items(queryset))

    def write_xlsx(self, queryset, output):
        from openpyxl import Workbook

        workbook = Workbook(write_only=True, iso_dates=True)
        sheet = workbook.create_sheet(title=self.get_sheet_title()[:31])
        sheet.append(downloads.xlsx_cell(sheet, self.get_heading(queryset, field)) for field in self.list_export)
        date_format = ExcelDateFormatter().get()
        for count, item in enumerate(self.export_items(queryset), start=1):
            if count > downloads.XLSX_MAX_ROWS - 1:
                sheet.append(["More rows than a spreadsheet holds: use the CSV export for the whole list."])
                break
            sheet.append(self.generate_xlsx_row(sheet, self.to_row_dict(item), date_format=date_format))
        workbook.save(output)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        response["Cache-Control"] = "private, no-store"
        return response

    def write_xlsx_response(self, queryset):
        spool = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115 (closed by FileResponse)
        self.write_xlsx(queryset, spool)
        spool.seek(0)
        response = FileResponse(
            spool,
            as_attachment=True,
            filename=f"{self.get_filename()}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Cache-Control"] = "private, no-store"
        return response

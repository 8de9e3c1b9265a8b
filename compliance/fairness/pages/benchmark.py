"""The page that shows the community benchmark in use and loads a new one (all or nothing,
audited)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from compliance.equality.models import CHARACTERISTICS

from ..benchmark import COLUMNS as BENCHMARK_COLUMNS
from ..benchmark import parse_benchmark
from ..forms import CHARACTERISTIC_LABELS
from ..services import (
    benchmark_load,
    current_benchmark,
)
from .common import (
    analyst_or_403,
    private_render,
)


class BenchmarkForm(forms.Form):
    area = forms.CharField(label="Area", max_length=200, help_text="For example: the West Midshire Police force area.")
    source = forms.CharField(
        label="Source",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Publisher, table and date, for example: Office for National Statistics, Census 2021, TS021.",
    )
    file = forms.FileField(label="CSV file", help_text="Columns: characteristic, category, share (per cent).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = "Choose the CSV file of population shares."
        self.fields["file"].error_messages["empty"] = "The file is empty: it needs a header row and at least one share."
        self.fields["area"].error_messages["required"] = "Say which area the shares describe."
        self.fields["source"].error_messages["required"] = "Say where the shares come from."


@login_required
@require_http_methods(["GET", "POST"])
def benchmark_view(request):
    """The current benchmark, and a form to load a new one (all or nothing, audited)."""
    analyst_or_403(request)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = BenchmarkForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(2 * 1024 * 1024 + 1)
            shares, problems = parse_benchmark(data)
            if not problems:
                benchmark_load(
                    user=request.user,
                    area=form.cleaned_data["area"].strip(),
                    source=form.cleaned_data["source"].strip(),
                    file_name=upload.name or "",
                    shares=shares,
                )
                return redirect("/fairness/benchmark/?loaded=1")
            errors = [str(p) for p in problems[:50]]
            if len(problems) > 50:
                errors.append(f"... and {len(problems) - 50} more.")
        else:
            errors = [
                f"{form.fields[name].label}: {message}"
                for name, messages in form.errors.items()
                for message in messages
            ]
        status = 400
    else:
        form = BenchmarkForm()
    benchmark = current_benchmark()
    shares = []
    if benchmark:
        for characteristic, given in benchmark.shares.items():
            labels = dict(CHARACTERISTIC_LABELS)
            names = {value: str(label) for value, label in CHARACTERISTICS[characteristic].choices}
            shares.append((labels[characteristic], [(names.get(k, k), v) for k, v in given.items()]))
    context = {
        "section": "benchmark",
        "form": form,
        "errors": errors,
        "benchmark": benchmark,
        "shares": shares,
        "loaded": request.GET.get("loaded") == "1" and request.method == "GET",
        "columns": BENCHMARK_COLUMNS,
    }
    return private_render(request, "fairness/benchmark.html", context, status=status)

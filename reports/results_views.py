"""Exports of a framework's indicators with their latest actuals as of a date."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from measures.policy import framework_for_user

from .dashboards import assessment_choices, assessment_key
from .forms import IndicatorFilterForm, ResultsForm
from .framework_workbook import framework_workbook
from .results import framework_outcomes
from .results_exports import indicators_csv, indicators_xlsx
from .views import _bad_request


def _export(request, framework_id, respond):
    framework = framework_for_user(request.user, framework_id)
    form = ResultsForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    as_of = form.as_of_date()
    filename = f"{slugify(framework.code)}-indicators-{as_of.isoformat()}"
    return respond(framework, as_of, filename)


@login_required
def indicators_xlsx_view(request, framework_id):
    def respond(framework, as_of, filename):
        file = indicators_xlsx(framework, as_of)
        return FileResponse(file, as_attachment=True, filename=f"{filename}.xlsx")

    return _export(request, framework_id, respond)


@login_required
def indicators_csv_view(request, framework_id):
    def respond(framework, as_of, filename):
        response = HttpResponse(
            indicators_csv(framework, as_of), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response

    return _export(request, framework_id, respond)


@login_required
def framework_indicators(request, pk):
    """The indicators behind each number of the dashboard: by outcome and assessment."""
    framework = framework_for_user(request.user, pk)
    form = IndicatorFilterForm(
        request.GET or None, framework=framework, assessment_choices=assessment_choices()
    )
    rows, as_of = None, None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        as_of = form.as_of_date() if form.is_bound else timezone.localdate()
        rows = [
            (outcome, indicator, indicator.current_goal())
            for outcome in framework_outcomes(framework, as_of)
            if data.get("outcome") in (None, outcome)
            for indicator in outcome.indicators.all()
            if data.get("assessment") in (None, "", assessment_key(indicator))
        ]
    return render(
        request,
        "reports/table/framework_indicators.html",
        {"framework": framework, "form": form, "rows": rows, "as_of": as_of},
    )


@login_required
def framework_workbook_view(request, framework_id):
    """The whole framework, measurements included, as the workbook the importer reads."""
    framework = framework_for_user(request.user, framework_id)
    filename = f"{slugify(framework.code)}-framework.xlsx"
    return FileResponse(framework_workbook(framework), as_attachment=True, filename=filename)

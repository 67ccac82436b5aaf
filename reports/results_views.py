"""Exports of a framework's indicators with their latest actuals as of a date."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.utils.text import slugify

from measures.policy import framework_for_user

from .forms import ResultsForm
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

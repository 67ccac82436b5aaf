from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from measures.models import Plan
from measures.policy import can_read_plans, framework_for_user, plan_for_user, require
from outcomes.models import Framework

from . import exports
from .dashboards import framework_dashboard as build_framework_dashboard
from .dashboards import indicator_assessments
from .dashboards import plan_dashboard as build_plan_dashboard
from .filters import LineFilter, filtered_lines
from .tables import LinePages, MeasuresTable

PER_PAGE = 50


class BoundedPaginator(Paginator):
    """The table's pages, `?per_page=` kept from 1 to 200 rows: django-tables2 reads it from
    the address as given, and a size of 0 or less would end in a 500."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, min(max(int(per_page), 1), 200), *args, **kwargs)


def measures_table(request, paginate):
    """The filtered table configured by the request: its filters, sort order and page."""
    require(can_read_plans(request.user))
    filterset, lines, as_of = filtered_lines(request, request.user)
    table = MeasuresTable(LinePages(lines, as_of), as_of=as_of)
    RequestConfig(request, paginate=paginate).configure(table)
    return filterset, table


@login_required
def measures(request):
    filterset, table = measures_table(
        request, paginate={"per_page": PER_PAGE, "paginator_class": BoundedPaginator}
    )
    return render(
        request,
        "reports/table/measures.html",
        {
            "filter": filterset,
            "table": table,
            "query": request.GET.urlencode(),
        },
    )


def _export(request, respond):
    filterset, table = measures_table(request, paginate=False)
    if not filterset.is_valid():
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items())
        return HttpResponseBadRequest(_("Invalid filters: %(errors)s") % {"errors": errors})
    # The table's own ordering, so that the file lists the lines in the order on screen.
    filename = f"measures-{filterset.as_of_date.isoformat()}"
    return respond(table, table.data.data, filename)


@login_required
def measures_xlsx(request):
    def respond(table, lines, filename):
        file = exports.xlsx_file(table, lines, title=_("Measures"))
        return FileResponse(file, as_attachment=True, filename=f"{filename}.xlsx")

    return _export(request, respond)


@login_required
def measures_csv(request):
    def respond(table, lines, filename):
        response = StreamingHttpResponse(
            exports.csv_chunks(table, lines), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response

    return _export(request, respond)


def as_of_filter(request):
    """The measures table's filter form, read for its as-of date alone."""
    require(can_read_plans(request.user))
    return LineFilter(request.GET, user=request.user)


@login_required
def dashboards(request):
    require(can_read_plans(request.user))
    return render(
        request,
        "reports/table/dashboards.html",
        {"plans": Plan.objects.all(), "frameworks": Framework.objects.all()},
    )


@login_required
def plan_dashboard(request, pk):
    filterset = as_of_filter(request)
    plan = plan_for_user(request.user, pk)
    dashboard = build_plan_dashboard(plan, filterset.as_of_date) if filterset.as_of_date else None
    return render(
        request,
        "reports/table/plan_dashboard.html",
        {"filter": filterset, "plan": plan, "dashboard": dashboard},
    )


@login_required
def frameworks(request):
    require(can_read_plans(request.user))
    return render(
        request, "reports/table/frameworks.html", {"frameworks": Framework.objects.all()}
    )


@login_required
def framework_dashboard(request, pk):
    filterset = as_of_filter(request)
    framework = framework_for_user(request.user, pk)
    as_of = filterset.as_of_date
    dashboard = build_framework_dashboard(framework, as_of) if as_of else None
    assessments = indicator_assessments(framework, as_of) if as_of else None
    return render(
        request,
        "reports/table/framework_dashboard.html",
        {
            "filter": filterset,
            "framework": framework,
            "dashboard": dashboard,
            "assessments": assessments,
        },
    )

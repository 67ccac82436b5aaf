"""What changed in a plan between two reports or dates: the page and its XLSX."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from measures.outline import line_url_maker
from measures.policy import plan_for_user

from .changes import COLUMN_WIDTHS, report_before, spreadsheet_rows
from .exports import rows_xlsx
from .forms import ChangesForm
from .views import _bad_request

# Rows per page: a plan's whole history of changes may run to thousands.
ROWS_PER_PAGE = 200


@login_required
def plan_changes(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    form = ChangesForm(request.GET, plan=plan)
    context = {"plan": plan, "form": form}
    if form.is_valid():
        until = form.cleaned_data["until"]
        changes = form.changes()
        page = Paginator(changes.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        line_url = line_url_maker()
        for row in page.object_list:
            row.url = line_url(row.line_id) if row.line_id else ""
        context |= {
            "changes": changes,
            "page": page,
            # The annex as of the end, with its section, when it has a report to start from.
            "annex_since": report_before(plan, until),
            "query": request.GET.urlencode(),
        }
    return render(request, "reports/changes.html", context)


@login_required
def plan_changes_xlsx(request, plan_id):
    plan = plan_for_user(request.user, plan_id)
    form = ChangesForm(request.GET, plan=plan)
    if not form.is_valid():
        return _bad_request(form)
    changes = form.changes()
    name = slugify(plan.symbol.replace("/", "-")) or f"plan-{plan.pk}"
    filename = f"{name}-changes-{changes.since.isoformat()}-{changes.until.isoformat()}.xlsx"
    file = rows_xlsx(spreadsheet_rows(changes), title=_("Changes"), widths=COLUMN_WIDTHS)
    return FileResponse(file, as_attachment=True, filename=filename)

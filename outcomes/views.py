from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from measures.dashboards import framework_dashboard as build_framework_dashboard
from measures.policy import can_read_plans, framework_for_user, require
from measures.table_views import as_of_filter

from .models import Framework


@login_required
def frameworks(request):
    require(can_read_plans(request.user))
    return render(request, "outcomes/frameworks.html", {"frameworks": Framework.objects.all()})


@login_required
def framework_dashboard(request, pk):
    filterset = as_of_filter(request)
    framework = framework_for_user(request.user, pk)
    as_of = filterset.as_of_date
    dashboard = build_framework_dashboard(framework, as_of) if as_of else None
    return render(
        request,
        "outcomes/framework_dashboard.html",
        {"filter": filterset, "framework": framework, "dashboard": dashboard},
    )

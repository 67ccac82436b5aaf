"""The indicator page: baseline → milestones → target, measurements, the form to record one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import policy
from .http import form_action
from .models import Unit
from .results_chart import indicator_chart
from .results_forms import MeasurementForm, ResultsAsOfForm
from .results_services import MeasurementConflict, measurement_create


def _as_of(request):
    today = timezone.localdate()
    form = ResultsAsOfForm(request.GET or None, initial={"as_of": today})
    return form, (form.is_valid() and form.cleaned_data["as_of"]) or today


def _render_indicator(request, indicator_id, form=None, conflict=None):
    as_of_form, as_of = _as_of(request)
    indicator = policy.indicator_for_user(request.user, indicator_id, results_as_of=as_of)
    history = list(indicator.measurements.select_related("author").newest_first())
    goals = indicator.goals()
    may_record = policy.can_record_measurement(request.user, indicator)
    if form is None and may_record:
        # Opened on the newest measurement shown, so that any later one is a conflict.
        form = MeasurementForm(
            indicator=indicator,
            initial={"seen_measurement": max((m.pk for m in history), default=None)},
        )
    return render(
        request,
        "measures/indicator.html",
        {
            "indicator": indicator,
            "framework": indicator.outcome.framework,
            "as_of": as_of,
            "as_of_form": as_of_form,
            "goals": goals,
            "latest": indicator.latest_measurement(),
            "history": history,
            "known": {m.pk for m in indicator.known_measurements},
            "chart": indicator_chart(indicator, goals, indicator.known_measurements),
            "units": Unit.objects.filter(indicator_responsibilities__indicator=indicator),
            "form": form if may_record else None,
            "conflict": conflict,
        },
    )


@login_required
def indicator_detail(request, indicator_id):
    return _render_indicator(request, indicator_id)


@login_required
@form_action("indicator_detail", "indicator_id")
def indicator_record(request, indicator_id):
    indicator = policy.indicator_for_user(request.user, indicator_id, to_record=True)
    form = MeasurementForm(request.POST, indicator=indicator)
    if not form.is_valid():
        return _render_indicator(request, indicator_id, form)
    try:
        measurement_create(
            indicator=indicator,
            author=request.user,
            seen_measurement_id=form.cleaned_data["seen_measurement"],
            **form.measurement_fields(),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_indicator(request, indicator_id, form)
    except MeasurementConflict as conflict:
        # Keep the user's figures; saving again goes through unless yet another one arrives.
        data = request.POST.copy()
        data["seen_measurement"] = conflict.newer[0].pk
        form = MeasurementForm(data, indicator=indicator)
        return _render_indicator(request, indicator_id, form, conflict=conflict.newer)
    messages.success(request, _("Measurement saved."))
    return redirect("indicator_detail", indicator_id=indicator.pk)

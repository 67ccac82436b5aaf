"""Plans and frameworks as IATI 2.03 activities (`iati-activities`), validated by the schema.

A plan is one activity: each question a result (type 1, output), each action line a
qualitative indicator whose period runs from the plan's date to the as-of date, its timeline
as target and its status then as actual. A framework is one activity: outcomes with indicators
are results (type 2, outcome) with baseline and one period per milestone; outputs are results
(type 1) whose indicator counts the action lines linked to them by status.
"""

import datetime
from collections import Counter
from functools import cache

from django.conf import settings
from django.db.models import F, Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override
from lxml import etree

from ilo_tracker.text import clean_text
from measures.models import ActionLine, Question, StatusCategory, StatusUpdate
from measures.outline import attach_statuses
from outcomes.models import Measurement

from .filters import output_links

SCHEMA = settings.BASE_DIR / "fixtures" / "iati-2.03" / "iati-activities-schema.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The ILO's IATI organisation identifier; 40 is "Multilateral" (OrganisationType codelist).
ILO = "XM-DAC-41302"
ILO_TYPE = "40"
ILO_NAMES = {
    "en": "International Labour Organization",
    "fr": "Organisation internationale du Travail",
    "es": "Organización Internacional del Trabajo",
}
# Codelists: ResultType, IndicatorMeasure, ActivityStatus, ActivityDateType, DocumentCategory.
OUTPUT, OUTCOME = "1", "2"
UNIT, QUALITATIVE = "1", "5"
IMPLEMENTATION = "2"
PLANNED_START, PLANNED_END = "1", "3"
RESULTS_DOCUMENT = "A08"


class InvalidIati(Exception):
    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


@cache
def _schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def validation_errors(content):
    """The schema's complaints about `content` (bytes), with their line numbers."""
    schema = _schema()
    if schema.validate(etree.fromstring(content)):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def activities_file(activities):
    """The `iati-activities` file of `activities`; raises InvalidIati rather than write one the
    IATI validator would reject."""
    root = etree.Element(
        "iati-activities",
        version="2.03",
        **{"generated-datetime": timezone.now().replace(microsecond=0).isoformat()},
    )
    root.extend(activities)
    content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    errors = validation_errors(content)
    if errors:
        raise InvalidIati(errors)
    return content


def filename(obj, as_of=None):
    name = slugify(str(obj).replace("/", "-").replace("&", "")) or f"activity-{obj.pk}"
    return f"{name}-iati{f'-{as_of.isoformat()}' if as_of else ''}.xml"


def _sub(parent, tag, text=None, **attributes):
    element = etree.SubElement(
        parent, tag, {k.replace("_", "-"): str(v) for k, v in attributes.items()}
    )
    if text is not None:
        # Cleaned again: text stored before the app cleaned its input may hold what XML
        # refuses.
        etree.SubElement(element, "narrative").text = clean_text(str(text))
    return element


def _identifier(obj):
    # IATI identifiers may not contain "/" (GB.279/TC/2 → XM-DAC-41302-GB.279-TC-2).
    code = "".join(c if c.isalnum() or c in ".-_" else "-" for c in str(obj))
    return f"{ILO}-{code}"


def _activity(obj, language, title, description, start, end):
    activity = etree.Element("iati-activity", {XML_LANG: language, "hierarchy": "1"})
    etree.SubElement(activity, "iati-identifier").text = _identifier(obj)
    _sub(activity, "reporting-org", ILO_NAMES[language], ref=ILO, type=ILO_TYPE)
    _sub(activity, "title", title)
    _sub(activity, "description", description, type="1")
    _sub(activity, "participating-org", ILO_NAMES[language], ref=ILO, type=ILO_TYPE, role="4")
    _sub(activity, "activity-status", code=IMPLEMENTATION)
    _sub(activity, "activity-date", type=PLANNED_START, iso_date=start.isoformat())
    if end:
        _sub(activity, "activity-date", type=PLANNED_END, iso_date=end.isoformat())
    return activity


def _document_link(activity, url, title, language, date=None):
    link = _sub(activity, "document-link", url=url, format="application/pdf")
    _sub(link, "title", title)
    _sub(link, "category", code=RESULTS_DOCUMENT)
    _sub(link, "language", code=language)
    if date:
        _sub(link, "document-date", iso_date=date.isoformat())


def _period(indicator, start, end, target=None, target_value=None, actuals=()):
    period = _sub(indicator, "period")
    _sub(period, "period-start", iso_date=start.isoformat())
    _sub(period, "period-end", iso_date=end.isoformat())
    if target or target_value is not None:
        _value(period, "target", target_value, target)
    for value, comment in actuals:
        _value(period, "actual", value, comment)
    return period


def _value(parent, tag, value, comment):
    element = _sub(parent, tag, **({"value": _number(value)} if value is not None else {}))
    if comment:
        _sub(element, "comment", comment)


def _number(value):
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


def plan_activity(plan, as_of, base_url):
    """The plan as one activity, with its lines' statuses as of `as_of`."""
    start = min(plan.date or as_of, as_of)
    lines = attach_statuses(
        list(
            ActionLine.objects.with_status_as_of(as_of)
            .filter(question__part__plan=plan)
            .select_related("question")
            .in_print_order()
        )
    )
    questions = list(
        Question.objects.filter(part__plan=plan)
        .with_status_as_of(as_of)
        .order_by("part__order", "order")
    )
    question_updates = StatusUpdate.objects.in_bulk([q.status_update_id for q in questions])
    lines_of = {}
    for line in lines:
        lines_of.setdefault(line.question_id, []).append(line)
    due_dates = [line.due_date for line in lines if line.due_date]
    with override(plan.language):
        parts = plan.parts.all()
        activity = _activity(
            plan,
            plan.language,
            plan.title,
            "\n".join(f"{part.number}. {part.title}" for part in parts) or plan.title,
            start,
            max(due_dates, default=None),
        )
        _document_link(
            activity,
            base_url + reverse("reports:plan_annex_pdf", args=[plan.pk]) + f"?as_of={as_of}",
            f"{plan.symbol} – {plan.title}" if plan.symbol else plan.title,
            plan.language,
            plan.date,
        )
        for question in questions:
            question_lines = lines_of.get(question.pk, [])
            if question.is_heading and not question_lines:
                continue
            result = _sub(activity, "result", type=OUTPUT, aggregation_status="0")
            _sub(result, "title", f"{question.code} {question.title}".strip())
            # A question reported on as a whole, with no lines, is its own indicator.
            for line in question_lines or [None]:
                indicator = _sub(result, "indicator", measure=QUALITATIVE)
                _sub(indicator, "title", line.text if line else question.title or question.code)
                _period(
                    indicator,
                    start,
                    as_of,
                    target=(line and line.timeline) or question.timeline,
                    actuals=_actual(
                        *_status_of(line, question_updates.get(question.status_update_id))
                    ),
                )
    return activity


def _status_of(line, question_update):
    """(category, narrative) of a line's status as annotated, else of its question's update."""
    if line is not None and line.status is not None:
        return line.status.category, line.status.narrative
    if line is not None:
        return None, None
    if question_update is not None:
        return question_update.category, question_update.narrative
    return None, None


def _actual(category, narrative):
    """The status as of the period's end, if one was reported."""
    words = [str(StatusCategory(category).label)] if category else []
    if narrative:
        words.append(narrative)
    return [(None, "\n".join(words))] if words else []


def framework_activity(framework, as_of, base_url):
    """The framework as one activity: baselines, milestones as targets per biennium, and for
    outputs the action lines linked to them counted by status as of `as_of`."""
    known = Measurement.objects.known_on(as_of).in_reading_order()
    outcomes = list(
        framework.outcomes.prefetch_related(
            "indicators__milestones",
            Prefetch("indicators__measurements", known),
            "outputs__indicators__milestones",
            Prefetch("outputs__indicators__measurements", known),
        )
    )
    start = datetime.date(framework.first_year, 1, 1)
    end = datetime.date(framework.last_year, 12, 31)
    outputs = [output for outcome in outcomes for output in outcome.outputs.all()]
    statuses = _statuses_of_linked_lines(outputs, as_of)
    with override(framework.language):
        activity = _activity(
            framework,
            framework.language,
            framework.title,
            f"{framework.symbol} {framework.title}".strip(),
            start,
            end,
        )
        _document_link(
            activity,
            base_url + reverse("reports:framework_pdf", args=[framework.pk]),
            framework.title,
            framework.language,
        )
        for outcome in outcomes:
            own = [i for i in outcome.indicators.all() if i.output_id is None]
            if own:
                result = _sub(activity, "result", type=OUTCOME, aggregation_status="0")
                _sub(result, "title", f"{_('Outcome')} {outcome.code}: {outcome.title}")
                for indicator in own:
                    _indicator(result, indicator, framework)
            for output in outcome.outputs.all():
                result = _sub(activity, "result", type=OUTPUT, aggregation_status="0")
                _sub(result, "title", f"{_('Output')} {output.code}: {output.title}")
                for indicator in output.indicators.all():
                    _indicator(result, indicator, framework)
                if not output.indicators.all():
                    _lines_indicator(result, statuses.get(output.pk, Counter()), start, as_of)
    return activity


def _indicator(result, indicator, framework):
    # One actual per measured period: the newest measurement known on the date (a correction
    # replaces what it corrects; they come in reading order).
    actuals = {(m.period_start, m.period_end): m for m in indicator.measurements.all()}
    numeric = (
        indicator.target_value is not None
        or indicator.baseline_value is not None
        or any(m.value is not None for m in actuals.values())
    )
    element = _sub(result, "indicator", measure=UNIT if numeric else QUALITATIVE)
    _sub(element, "title", indicator.text)
    if indicator.baseline_value is not None or indicator.baseline_text:
        # The baseline is what stood before the framework began.
        baseline = _sub(element, "baseline", year=framework.first_year - 1)
        if indicator.baseline_value is not None:
            baseline.set("value", _number(indicator.baseline_value))
        if indicator.baseline_text:
            _sub(baseline, "comment", indicator.baseline_text)
    for milestone in indicator.milestones.all():
        first, last = _biennium(milestone.period, framework)
        within = [m for (start, end), m in actuals.items() if first <= start and end <= last]
        for measured in within:
            del actuals[measured.period_start, measured.period_end]
        _period(
            element,
            first,
            last,
            target=milestone.text,
            target_value=milestone.value if numeric else None,
            actuals=[_actual_of(within[-1])] if within else [],
        )
    # Measured periods no milestone covers (yearly figures of a framework without milestones).
    for (start, end), measured in sorted(actuals.items()):
        _period(element, start, end, actuals=[_actual_of(measured)])


def _actual_of(measurement):
    return measurement.value, measurement.text or measurement.source


def _biennium(period, framework):
    """ "2010-11" → 1 January 2010 to 31 December 2011; anything else: the whole framework."""
    try:
        first, last = period.split("-")
        first = int(first)
        last = int(str(first)[: 4 - len(last)] + last)
    except ValueError:
        first, last = framework.first_year, framework.last_year
    return datetime.date(first, 1, 1), datetime.date(last, 12, 31)


def _statuses_of_linked_lines(outputs, as_of):
    """{output id: Counter of status categories} of the lines linked to each output."""
    links = output_links(outputs)
    category = dict(
        ActionLine.objects.filter(pk__in={line for _, line in links})
        .with_status_as_of(as_of)
        .annotate(category=F("status_category"))
        .values_list("pk", "category")
    )
    statuses = {}
    for output_id, line_id in links:
        statuses.setdefault(output_id, Counter())[category[line_id] or ""] += 1
    return statuses


def _lines_indicator(result, statuses, start, as_of):
    indicator = _sub(result, "indicator", measure=QUALITATIVE)
    _sub(indicator, "title", _("Action lines of implementation plans linked to this output"))
    if not statuses:
        return
    counts = [
        f"{StatusCategory(category).label if category else _('No status reported')}: {n}"
        for category, n in sorted(statuses.items())
    ]
    _period(indicator, min(start, as_of), as_of, actuals=[(None, "\n".join(counts))])


def download(content, obj, as_of=None):
    """The file as an attachment, for the pages and the API."""
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(obj, as_of)}"'
    return response


def plan_file(plan, as_of, base_url):
    return activities_file([plan_activity(plan, as_of, base_url)])


def framework_file(framework, as_of, base_url):
    return activities_file([framework_activity(framework, as_of, base_url)])

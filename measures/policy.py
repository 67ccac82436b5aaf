"""Who may do what. Every view asks here; nothing else decides access.

Roles are Django groups: secretariat staff read every plan and update the lines of their own
units; managers update every line, clear every status update and publish reporting rounds;
administrators (superusers) do everything, including imports and the Django admin. Focal points
(`Unit.focal_points`) clear the status updates about their units' lines.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from outcomes.models import Framework, Indicator

from .models import ActionLine, Clearance, Plan, Preferences, ReportingRound, StatusUpdate

STAFF_GROUP = "Secretariat staff"
MANAGERS_GROUP = "Managers"


def is_manager(user):
    return user.is_active and (
        user.is_superuser or user.groups.filter(name=MANAGERS_GROUP).exists()
    )


def is_administrator(user):
    return user.is_active and user.is_superuser


def can_read_plans(user):
    return user.is_authenticated and user.is_active


def sees_all_lines(user):
    """Managers and administrators work on every plan: their home is the measures table."""
    return is_manager(user)


def can_update_line(user, line):
    """Managers update every line; staff only the lines of their own units."""
    if is_manager(user):
        return True
    return line.units.filter(members=user).exists()


def can_update_question(user, question):
    """An update about a whole question speaks for all its lines: they must all be the user's."""
    if is_manager(user):
        return True
    lines = question.lines.all()
    return lines.exists() and not lines.exclude(units__members=user).exists()


def can_publish_round(user):
    return is_manager(user)


def can_read_history(user, line=None):
    """Managers read every change history; staff, that of the lines they update (their units')."""
    if line is None:
        return is_manager(user)
    return can_update_line(user, line)


def can_import_plans(user):
    return is_administrator(user)


def require(allowed):
    """Raise 403 unless `allowed`: for views, so a forbidden action is never a silent no-op."""
    if not allowed:
        raise PermissionDenied


def plan_for_user(user, plan_id):
    require(can_read_plans(user))
    return get_object_or_404(Plan, pk=plan_id)


def framework_for_user(user, framework_id):
    require(can_read_plans(user))
    return get_object_or_404(Framework, pk=framework_id)


def line_for_user(user, line_id, *, to_update=False):
    """The line with its question, part and plan; 403 when `to_update` and the user may not."""
    require(can_read_plans(user))
    line = get_object_or_404(
        ActionLine.objects.select_related("question__heading", "question__part__plan"),
        pk=line_id,
    )
    if to_update:
        require(can_update_line(user, line))
    return line


def preferences_for_user(user):
    """One's own preferences only: no page names another person's."""
    require(can_read_plans(user))
    return Preferences.of(user)


def round_for_publisher(user, round_id):
    require(can_publish_round(user))
    return get_object_or_404(ReportingRound.objects.select_related("plan"), pk=round_id)


def can_confirm(user, line, update):
    """Confirming a suggested category speaks for what the update is about."""
    if update.question_id:
        return can_update_question(user, line.question)
    return can_update_line(user, line)


def update_to_confirm(user, line, update_id):
    """An update about `line` whose category `user` may confirm: 404 if it is not about the
    line, 403 unless the user may update what it is about (the line or its whole question)."""
    update = get_object_or_404(StatusUpdate.objects.about_line(line), pk=update_id or 0)
    require(can_confirm(user, line, update))
    return update


# Clearance: drafts, submitted, cleared and returned status updates (issue 14) ---------------


def clearable_updates(user):
    """The status updates `user` may clear or return, whatever their clearance, as one lazy
    queryset (counting them is one query): every update for managers; for focal points, those
    about a line of their units, or about a question all of whose lines are."""
    if not user.is_active:
        return StatusUpdate.objects.none()
    if user.is_superuser:
        return StatusUpdate.objects.all()
    manager = Exists(User.groups.through.objects.filter(user=user, group__name=MANAGERS_GROUP))
    theirs = ActionLine.objects.filter(units__focal_points=user)
    not_theirs = ActionLine.objects.filter(question=OuterRef("question")).exclude(pk__in=theirs)
    has_lines = ActionLine.objects.filter(question=OuterRef("question"))
    whole_question = Q(question__isnull=False) & Exists(has_lines) & ~Exists(not_theirs)
    return StatusUpdate.objects.filter(manager | Q(action_line__in=theirs) | whole_question)


def can_clear(user, update):
    return clearable_updates(user).filter(pk=update.pk).exists()


def may_clear_any(user):
    """Managers and focal points: the clearance page and its link are theirs (one query: the
    link is on every page; none for administrators, whose user row says it)."""
    if not user.is_active or user.is_superuser:
        return user.is_active
    role = Q(groups__name=MANAGERS_GROUP) | Q(focal_units__isnull=False)
    return User.objects.filter(role, pk=user.pk).exists()


def reviewable_updates(user):
    """The updates `user` may clear or return, drafts left out (they are their authors'
    alone), whatever their clearance: one decided meanwhile, in another tab or by someone
    else, is refused by the service with its message rather than as not found."""
    return clearable_updates(user).exclude(clearance=Clearance.DRAFT)


def update_to_review(user, update_id):
    """An update `user` may clear or return: 404 for any other."""
    require(may_clear_any(user))
    updates = reviewable_updates(user)
    return get_object_or_404(updates.select_related("action_line", "question"), pk=update_id)


def update_of_author(user, update_id):
    """An update by `user`, a draft or no longer one (submitted from another tab, or by a
    double click: the service says so); 404 for anyone else's."""
    require(can_read_plans(user))
    updates = StatusUpdate.objects.filter(author=user)
    return get_object_or_404(
        updates.select_related("action_line__question__part__plan", "question"), pk=update_id
    )


def updates_seen_on_line(user, line, updates):
    """What `user` sees of a line's `updates`: cleared ones; their own drafts; submitted and
    returned ones if they may update the line (its units' staff, managers) or clear them."""
    seen = Q(clearance=Clearance.CLEARED) | Q(author=user)
    if can_update_line(user, line):
        return updates.filter(seen | ~Q(clearance=Clearance.DRAFT))
    pending = Q(clearance__in=[Clearance.SUBMITTED, Clearance.RETURNED])
    return updates.filter(seen | (pending & Q(pk__in=clearable_updates(user).values("pk"))))


def lines_for_user(user, lines):
    """The lines `user` may read out of `lines`: all of them for staff, none for others."""
    return lines if can_read_plans(user) else lines.none()


def owned_for_user(user, queryset, pk, owner="requested_by"):
    """An object only the person who asked for it sees (a PDF render): 404 for anyone else."""
    require(can_read_plans(user))
    return get_object_or_404(queryset, pk=pk, **{owner: user})


def owned_by_user(user, queryset, owner="requested_by"):
    require(can_read_plans(user))
    return queryset.filter(**{owner: user})


# Results: indicators and their measurements ------------------------------------------------


def can_record_measurement(user, indicator):
    """Managers record for every indicator; staff for the indicators their units answer for."""
    if is_manager(user):
        return True
    return indicator.responsibilities.filter(unit__members=user).exists()


def can_import_frameworks(user):
    return is_administrator(user)


def indicator_for_user(user, indicator_id, *, to_record=False, results_as_of=None):
    """The indicator with its outcome, output and framework (and its results as of
    `results_as_of`, if given); 403 when `to_record` and the user may not record for it."""
    require(can_read_plans(user))
    indicators = Indicator.objects.select_related("outcome__framework", "output")
    if results_as_of:
        indicators = indicators.with_results_as_of(results_as_of)
    indicator = get_object_or_404(indicators, pk=indicator_id)
    if to_record:
        require(can_record_measurement(user, indicator))
    return indicator

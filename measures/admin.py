from django.contrib import admin

from ilo_tracker.admin_history import HistoryAdmin
from ilo_tracker.admin_locking import LockedAdminMixin

from .admin_import import import_urls
from .models import (
    ActionLine,
    ImportBatch,
    IndicatorResponsibility,
    Part,
    Plan,
    Question,
    ReportingRound,
    StatusUpdate,
    Unit,
)


class PartInline(LockedAdminMixin, admin.TabularInline):
    model = Part
    fields = ["order", "number", "title"]
    extra = 0
    show_change_link = True


class QuestionInline(LockedAdminMixin, admin.TabularInline):
    model = Question
    fields = ["order", "code", "title", "is_heading"]
    extra = 0
    show_change_link = True


class ActionLineInline(LockedAdminMixin, admin.StackedInline):
    model = ActionLine
    fields = ["order", "text", "timeline", "deadline_kind", "due_date", "units"]
    autocomplete_fields = ["units"]
    extra = 0
    show_change_link = True


class StatusUpdateInline(admin.TabularInline):
    """Read-only history: a correction is a newer update, never an edit."""

    model = StatusUpdate
    fields = [
        "as_of",
        "category",
        "category_confirmed",
        "narrative",
        "author",
        "entered_at",
        "clearance",
        "reviewed_by",
        "reviewed_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(LockedAdminMixin, HistoryAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    filter_horizontal = ["members", "focal_points"]


@admin.register(Plan)
class PlanAdmin(LockedAdminMixin, HistoryAdmin):
    list_display = [
        "symbol",
        "title",
        "session",
        "committee",
        "language",
        "date",
        "requires_clearance",
    ]
    list_filter = ["language", "committee", "requires_clearance"]
    search_fields = ["symbol", "title"]
    inlines = [PartInline]
    change_list_template = "admin/measures/plan/change_list.html"

    def get_urls(self):
        return import_urls(self) + super().get_urls()


@admin.register(Part)
class PartAdmin(LockedAdminMixin, HistoryAdmin):
    list_display = ["plan", "number", "title"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["title", "plan__symbol"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(LockedAdminMixin, HistoryAdmin):
    list_display = ["code", "title", "part", "is_heading"]
    list_filter = ["part__plan", "is_heading"]
    list_select_related = ["part"]
    search_fields = ["code", "title", "context"]
    autocomplete_fields = ["outputs", "heading"]
    inlines = [ActionLineInline, StatusUpdateInline]


@admin.register(ActionLine)
class ActionLineAdmin(LockedAdminMixin, HistoryAdmin):
    list_display = ["__str__", "question", "timeline", "deadline_kind", "due_date"]
    list_filter = ["deadline_kind", "question__part__plan", "units"]
    list_select_related = ["question"]
    search_fields = ["text", "timeline", "question__code"]
    autocomplete_fields = ["units", "outputs"]
    inlines = [StatusUpdateInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnlyAdmin):
    """History only: updates are added through the line page, which checks the as-of date
    against published rounds and concurrent updates."""

    list_display = [
        "as_of",
        "category",
        "category_confirmed",
        "action_line",
        "question",
        "author",
        "clearance",
        "reviewed_by",
        "reviewed_at",
    ]
    list_filter = ["category", "category_confirmed", "source", "clearance", "as_of"]
    list_select_related = ["action_line", "question", "author", "reviewed_by"]
    search_fields = ["narrative"]
    date_hierarchy = "as_of"


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    """The record of each import, written by the importer; its changes point here."""

    list_display = ["started_at", "filename", "sha256", "plan", "user"]
    list_filter = ["plan"]
    list_select_related = ["plan", "user"]
    search_fields = ["filename", "sha256"]
    date_hierarchy = "started_at"


@admin.register(ReportingRound)
class ReportingRoundAdmin(LockedAdminMixin, HistoryAdmin):
    """Rounds are published from the plan page, which records who published them and when."""

    list_display = ["plan", "as_of", "published_at", "published_by"]
    list_filter = ["plan"]
    list_select_related = ["plan", "published_by"]
    date_hierarchy = "as_of"

    def get_readonly_fields(self, request, obj=None):
        # A published round is final: moving or removing it would reopen closed dates.
        if obj is not None and obj.is_published:
            return ["plan", "as_of", "published_at", "published_by"]
        return ["published_at", "published_by"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_published


@admin.register(IndicatorResponsibility)
class IndicatorResponsibilityAdmin(admin.ModelAdmin):
    """Which units answer for which indicators: their staff record its measurements."""

    list_display = ["indicator", "unit"]
    list_filter = ["unit", "indicator__outcome__framework"]
    list_select_related = ["indicator__outcome__framework", "unit"]
    autocomplete_fields = ["indicator", "unit"]

from django.contrib import admin

from ilo_tracker.admin_history import HistoryAdmin
from ilo_tracker.admin_locking import LockedAdminMixin

from .models import Framework, Indicator, Measurement, Milestone, Outcome, Output


class OutcomeInline(LockedAdminMixin, admin.TabularInline):
    model = Outcome
    fields = ["order", "code", "kind", "title"]
    extra = 0
    show_change_link = True


class OutputInline(LockedAdminMixin, admin.TabularInline):
    model = Output
    fields = ["order", "code", "title"]
    extra = 0
    show_change_link = True


class IndicatorInline(LockedAdminMixin, admin.StackedInline):
    model = Indicator
    extra = 0
    show_change_link = True


class MilestoneInline(LockedAdminMixin, admin.TabularInline):
    model = Milestone
    extra = 0


class MeasurementInline(admin.TabularInline):
    """Read-only history: a correction is a newer measurement, never an edit."""

    model = Measurement
    fields = ["period", "value", "text", "assessment", "as_of", "source", "author", "origin"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(LockedAdminMixin, HistoryAdmin):
    list_display = ["code", "kind", "title", "first_year", "last_year", "symbol", "language"]
    list_filter = ["kind", "language"]
    search_fields = ["code", "title", "symbol"]
    inlines = [OutcomeInline]


@admin.register(Outcome)
class OutcomeAdmin(LockedAdminMixin, HistoryAdmin):
    list_display = ["__str__", "kind", "title"]
    list_filter = ["framework", "kind"]
    list_select_related = ["framework"]
    search_fields = ["code", "title", "strategy"]
    inlines = [OutputInline, IndicatorInline]


@admin.register(Output)
class OutputAdmin(LockedAdminMixin, HistoryAdmin):
    list_display = ["__str__", "title"]
    list_filter = ["outcome__framework"]
    list_select_related = ["outcome__framework"]
    search_fields = ["code", "title"]


@admin.register(Indicator)
class IndicatorAdmin(LockedAdminMixin, HistoryAdmin):
    list_display = ["code", "outcome", "text", "baseline_text", "target_text", "target_period"]
    list_filter = ["outcome__framework", "direction"]
    list_select_related = ["outcome__framework"]
    search_fields = ["code", "text", "baseline_text", "target_text"]
    inlines = [MilestoneInline, MeasurementInline]


@admin.register(Milestone)
class MilestoneAdmin(LockedAdminMixin, HistoryAdmin):
    list_display = ["indicator", "period", "text"]
    list_filter = ["period", "indicator__outcome__framework"]
    list_select_related = ["indicator"]
    search_fields = ["text", "indicator__text"]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    """History only: measurements are recorded on the indicator page, which checks the date
    and concurrent entries, or imported."""

    list_display = ["indicator", "period", "value", "assessment", "as_of", "source", "author"]
    list_filter = ["origin", "indicator__outcome__framework"]
    list_select_related = ["indicator", "author"]
    search_fields = ["text", "source", "note"]
    date_hierarchy = "as_of"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

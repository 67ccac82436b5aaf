"""The admin's history pages: each change with who, when, how and its values before and after."""

from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    # "how" is also the source field's verbose name, so the column title is translated.
    history_list_display = ["how"]

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        records = super().get_history_queryset(request, history_manager, pk_name, object_id)
        if hasattr(records.model, "history_batch"):
            records = records.select_related("history_batch")
        return records

    def how(self, record):
        batch = getattr(record, "history_batch", None)
        return f"{record.get_history_source_display()} {batch or ''}".strip()

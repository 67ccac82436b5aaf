from django.urls import path

from . import clearance_views, profile_views, results_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/rounds/", views.round_create, name="round_create"),
    path("rounds/<int:round_id>/publish/", views.round_publish, name="round_publish"),
    path("lines/<int:line_id>/", views.line_detail, name="line_detail"),
    path("lines/<int:line_id>/updates/", views.line_update, name="line_update"),
    path("lines/<int:line_id>/confirm/", views.status_confirm, name="status_confirm"),
    path("plans/<int:plan_id>/history/", views.plan_history, name="plan_history"),
    path("lines/<int:line_id>/history/", views.line_history, name="line_history"),
    path("profile/", profile_views.profile, name="profile"),
]

# Clearance: drafts, and the updates awaiting clearance.
urlpatterns += [
    path("updates/<int:update_id>/edit/", clearance_views.draft_edit, name="draft_edit"),
    path("updates/<int:update_id>/submit/", clearance_views.draft_submit, name="draft_submit"),
    path("updates/<int:update_id>/delete/", clearance_views.draft_delete, name="draft_delete"),
    path("clearance/", clearance_views.clearance_list, name="clearance"),
    path("clearance/batch/", clearance_views.updates_clear, name="updates_clear"),
    path("updates/<int:update_id>/clear/", clearance_views.update_clear, name="update_clear"),
    path("updates/<int:update_id>/return/", clearance_views.update_return, name="update_return"),
]

# Results: an indicator's page and its measurements.
urlpatterns += [
    path(
        "indicators/<int:indicator_id>/",
        results_views.indicator_detail,
        name="indicator_detail",
    ),
    path(
        "indicators/<int:indicator_id>/measurements/",
        results_views.indicator_record,
        name="indicator_record",
    ),
]

from django.urls import path

from . import results_views, table_views

urlpatterns = [
    path("measures/", table_views.measures, name="measures"),
    path("measures/export.xlsx", table_views.measures_xlsx, name="measures_xlsx"),
    path("measures/export.csv", table_views.measures_csv, name="measures_csv"),
    path("dashboards/", table_views.dashboards, name="dashboards"),
    path("plans/<int:pk>/dashboard/", table_views.plan_dashboard, name="plan_dashboard"),
    path("frameworks/", table_views.frameworks, name="frameworks"),
    path("frameworks/<int:pk>/", table_views.framework_dashboard, name="framework_dashboard"),
    path(
        "frameworks/<int:pk>/indicators/",
        results_views.framework_indicators,
        name="framework_indicators",
    ),
]

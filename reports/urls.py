from django.urls import path

from . import changes_views, results_views, views

app_name = "reports"
urlpatterns = [
    path("plans/<int:plan_id>/annex.pdf", views.plan_annex_pdf, name="plan_annex_pdf"),
    path("plans/<int:plan_id>/annex.html", views.plan_annex_preview, name="plan_annex_preview"),
    path("plans/<int:plan_id>/annex.docx", views.plan_annex_docx, name="plan_annex_docx"),
    path("plans/<int:plan_id>/iati.xml", views.plan_iati, name="plan_iati"),
    path("plans/<int:plan_id>/changes/", changes_views.plan_changes, name="plan_changes"),
    path(
        "plans/<int:plan_id>/changes.xlsx",
        changes_views.plan_changes_xlsx,
        name="plan_changes_xlsx",
    ),
    path("frameworks/<int:framework_id>/iati.xml", views.framework_iati, name="framework_iati"),
    path("frameworks/<int:framework_id>/results.pdf", views.framework_pdf, name="framework_pdf"),
    path(
        "frameworks/<int:framework_id>/results.html",
        views.framework_preview,
        name="framework_preview",
    ),
    path(
        "frameworks/<int:framework_id>/indicators.xlsx",
        results_views.indicators_xlsx_view,
        name="framework_indicators_xlsx",
    ),
    path(
        "frameworks/<int:framework_id>/indicators.csv",
        results_views.indicators_csv_view,
        name="framework_indicators_csv",
    ),
    path(
        "frameworks/<int:framework_id>/framework.xlsx",
        results_views.framework_workbook_view,
        name="framework_workbook",
    ),
    path("measures/report.pdf", views.measures_pdf, name="measures_pdf"),
    path("renders/", views.job_list, name="jobs"),
    path("renders/<int:job_id>/", views.job_detail, name="job"),
    path("renders/<int:job_id>/file.pdf", views.job_file, name="job_file"),
]

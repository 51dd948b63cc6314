from __future__ import annotations

from django.urls import path

from samspil.coding_web import views

urlpatterns = [
    path("kodning/", views.project_list, name="coding_projects"),
    path("kodning/<int:project_id>/", views.project_detail, name="coding_project"),
    path(
        "kodning/<int:project_id>/nye-svar/", views.project_add_answers, name="coding_add_answers"
    ),
    path("kodning/<int:project_id>/kod/", views.code_next, name="coding_next"),
    path("kodning/<int:project_id>/kod/<slug:variable>/", views.code_next, name="coding_next_in"),
    path("kodning/<int:project_id>/svar/<int:unit_id>/", views.workbench, name="coding_unit"),
    path("kodning/<int:project_id>/enighed/", views.agreement_page, name="coding_agreement"),
    path("kodning/<int:project_id>/kodninger.csv", views.codings_csv, name="coding_codings_csv"),
    path("kodning/<int:project_id>/afgoerelse/", views.adjudication, name="coding_adjudication"),
    path("kodning/<int:project_id>/afgoerelse/<int:unit_id>/", views.decide, name="coding_decide"),
    path("kodning/<int:project_id>/endelige-koder.csv", views.final_csv, name="coding_final_csv"),
    path("kodning/<int:project_id>/citater.csv", views.quotes_csv, name="coding_quotes_csv"),
    path("kodning/<int:project_id>/forslag/", views.suggestions, name="coding_suggestions"),
    path(
        "kodning/<int:project_id>/forslag/taerskel/",
        views.set_threshold,
        name="coding_threshold",
    ),
    path("kodning/<int:project_id>/rapport/", views.report, name="coding_report"),
    path(
        "kodning/<int:project_id>/rapport/<path:filename>",
        views.report_file,
        name="coding_report_file",
    ),
]

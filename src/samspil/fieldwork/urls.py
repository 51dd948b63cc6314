from __future__ import annotations

from django.urls import path

from samspil.fieldwork import views

urlpatterns = [
    # Respondent side: the personal link.
    path("s/<str:token>/", views.questionnaire_start, name="respondent_start"),
    path("s/<str:token>/side/<slug:section_id>/", views.questionnaire_page, name="respondent_page"),
    path("s/<str:token>/tak/", views.questionnaire_done, name="respondent_done"),
    path("s/<str:token>/rapport/", views.municipal_report_page, name="respondent_municipal_report"),
    path(
        "s/<str:token>/rapport/<slug:folder>/<str:filename>",
        views.municipal_report_file,
        name="respondent_municipal_report_file",
    ),
    # Researcher side.
    path("studier/", views.study_list, name="study_list"),
    path("kommunerapporter/", views.staff_municipal_reports, name="staff_municipal_reports"),
    path(
        "kommunerapporter/<int:study_id>/<slug:folder>/<str:filename>",
        views.staff_municipal_report_file,
        name="staff_municipal_report_file",
    ),
    path("studier/<int:study_id>/", views.study_detail, name="study_detail"),
    path("studier/<int:study_id>/respondenter/", views.study_respondents, name="study_respondents"),
    path("studier/<int:study_id>/aabn/", views.study_open, name="study_open"),
    path("studier/<int:study_id>/luk/", views.study_close, name="study_close"),
    path("studier/<int:study_id>/testlink/", views.study_test_link, name="study_test_link"),
    path("studier/<int:study_id>/udsend/", views.study_send_round, name="study_send_round"),
    path("studier/<int:study_id>/udsendelser/", views.study_rounds, name="study_rounds"),
    path(
        "studier/<int:study_id>/udsendelser/<int:number>/igen/",
        views.study_round_retry,
        name="study_round_retry",
    ),
    path(
        "studier/<int:study_id>/udsendelser/<int:number>/annuller/",
        views.study_round_cancel,
        name="study_round_cancel",
    ),
    path("studier/<int:study_id>/mailtekster/", views.study_mail_texts, name="study_mail_texts"),
    path("studier/<int:study_id>/forrige-runde/", views.study_previous, name="study_previous"),
    path("studier/<int:study_id>/vaegtning/", views.study_rake, name="study_rake"),
    path(
        "studier/<int:study_id>/forord-og-sammenfatning/",
        views.study_front_matter,
        name="study_front_matter",
    ),
    path(
        "studier/<int:study_id>/rapportdefinition/",
        views.study_report_definition,
        name="study_report_definition",
    ),
    path(
        "studier/<int:study_id>/forhaandsvisning/<slug:section_id>/",
        views.study_preview,
        name="study_preview",
    ),
    path("studier/<int:study_id>/status.csv", views.study_status_csv, name="study_status_csv"),
    path("studier/<int:study_id>/svar.csv", views.study_answers_csv, name="study_answers_csv"),
    path(
        "studier/<int:study_id>/svar/<slug:fmt>/",
        views.study_answers_file,
        name="study_answers_file",
    ),
    path("studier/<int:study_id>/links.csv", views.study_links_csv, name="study_links_csv"),
    path("studier/<int:study_id>/rapport/", views.study_report, name="study_report"),
    path(
        "studier/<int:study_id>/kommunerapporter/",
        views.study_municipal_reports,
        name="study_municipal_reports",
    ),
    path(
        "studier/<int:study_id>/kommunerapporter/<slug:folder>/<str:filename>",
        views.study_municipal_report_file,
        name="study_municipal_report_file",
    ),
    path(
        "studier/<int:study_id>/rapport/<str:filename>",
        views.study_report_file,
        name="study_report_file",
    ),
]

from __future__ import annotations

from django.urls import path

from samspil.privacy import views

urlpatterns = [
    path("privatliv/<str:key>/", views.notice, name="privacy_notice"),
    path("studier/<int:study_id>/privatliv/", views.study_privacy, name="study_privacy"),
    path("studier/<int:study_id>/anonymiser/", views.study_anonymise, name="study_anonymise"),
    path("studier/<int:study_id>/log/", views.study_log, name="study_log"),
    path("studier/<int:study_id>/log.csv", views.study_log_csv, name="study_log_csv"),
    path("personer/", views.person_search, name="privacy_persons"),
    path("personer/indsigt.json", views.person_export, name="privacy_person_export"),
    path("personer/<int:respondent_id>/slet/", views.person_erase, name="privacy_person_erase"),
    path("log/", views.audit_log, name="audit_log"),
    path("log.csv", views.audit_log_csv, name="audit_log_csv"),
]

"""Register pages under /register/ (public) and /register/mine/ ... (logged in)."""

from __future__ import annotations

from django.urls import path

from samspil.register import views

urlpatterns = [
    path("register/", views.search, name="register_search"),
    path("register/kommune/<int:code>/", views.municipality_page, name="register_municipality"),
    path("register/kommune/<int:code>/overblik/", views.overview_page, name="register_overview"),
    path("register/kommune/<int:code>/kontakt/ny/", views.contact_new, name="register_contact_new"),
    path("register/kommune/<int:code>/enhed/ny/", views.unit_new, name="register_unit_new"),
    path("register/aktoer/<uuid:actor_id>/", views.actor_page, name="register_actor"),
    path("register/aktoer/<uuid:actor_id>/ret/", views.actor_edit, name="register_actor_edit"),
    path(
        "register/aktoer/<uuid:actor_id>/kontakt/ny/",
        views.actor_contact_new,
        name="register_actor_contact_new",
    ),
    path("register/kontakt/<uuid:contact_id>/", views.contact_edit, name="register_contact_edit"),
    path(
        "register/kontakt/<uuid:contact_id>/samtykke/",
        views.contact_consent,
        name="register_contact_consent",
    ),
    path(
        "register/kontakt/<uuid:contact_id>/slet-persondata/",
        views.contact_forget,
        name="register_contact_forget",
    ),
    path(
        "register/aendring/<int:change_id>/gendan/",
        views.change_restore,
        name="register_change_restore",
    ),
    path("register/mine/", views.mine, name="register_mine"),
    path("register/tilmeld/", views.signup, name="register_signup"),
    path("register/bekraeft/<str:token>/", views.confirm, name="register_confirm"),
    path("register/stadig-rigtigt/<str:token>/", views.still_right, name="register_still_right"),
    path("register/invitation/<str:token>/", views.accept, name="register_accept"),
    path("register/inviter/", views.invite, name="register_invite"),
    path("register/samarbejde/ny/", views.collaboration_new, name="register_collaboration_new"),
    path(
        "register/samarbejde/<uuid:collab_id>/partner/ny/",
        views.collaboration_partner_new,
        name="register_partner_new",
    ),
    path(
        "register/samarbejde/<uuid:collab_id>/",
        views.collaboration_page,
        name="register_collaboration",
    ),
    path(
        "register/samarbejde/<uuid:collab_id>/ret/",
        views.collaboration_edit,
        name="register_collaboration_edit",
    ),
    path(
        "register/samarbejde/<uuid:collab_id>/rapport/ny/",
        views.report_edit,
        name="register_report_new",
    ),
    path(
        "register/samarbejde/<uuid:collab_id>/rapport/<int:report_id>/",
        views.report_page,
        name="register_report",
    ),
    path(
        "register/samarbejde/<uuid:collab_id>/rapport/<int:report_id>/ret/",
        views.report_edit,
        name="register_report_edit",
    ),
    path(
        "register/samarbejde/<uuid:collab_id>/rapport/<int:report_id>/godkend/",
        views.report_approve,
        name="register_report_approve",
    ),
    path(
        "register/samarbejde/<uuid:collab_id>/rapport/<int:report_id>/vurdering/<int:membership_id>/",
        views.report_assess,
        name="register_report_assess",
    ),
]

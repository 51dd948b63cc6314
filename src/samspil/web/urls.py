"""URL configuration: respondent pages under /s/, researcher pages under /studier/."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles.views import serve as static_serve
from django.urls import include, path, re_path

from samspil.fieldwork import views

urlpatterns = [
    path("", include("samspil.fieldwork.urls")),
    path("", include("samspil.coding_web.urls")),
    path("", include("samspil.register.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]
if settings.SERVE_STATIC:
    # A few small files, found in the apps' static folders: no collectstatic step needed.
    urlpatterns.append(re_path(r"^static/(?P<path>.*)$", static_serve, {"insecure": True}))

handler404 = "samspil.fieldwork.views.not_found"
handler500 = "samspil.fieldwork.views.server_error"

"""URL configuration: respondent pages under /s/, researcher pages under /studier/."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from samspil.fieldwork import views

urlpatterns = [
    path("", include("samspil.fieldwork.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]
if settings.SERVE_STATIC:
    from django.contrib.staticfiles.views import serve as static_serve

    if settings.DEBUG:
        urlpatterns.append(re_path(r"^static/(?P<path>.*)$", static_serve, {"insecure": True}))
    else:
        urlpatterns.append(
            re_path(r"^static/(?P<path>.*)$", serve, {"document_root": settings.STATIC_ROOT})
        )

handler404 = "samspil.fieldwork.views.not_found"
handler500 = "samspil.fieldwork.views.server_error"

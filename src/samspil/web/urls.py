"""URL configuration: respondent pages under /s/, researcher pages under /studier/."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles.views import serve as static_serve
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import include, path, re_path

from samspil.web import apiviews, views
from samspil.web.api import api
from samspil.web.login import ThrottledAdminLoginForm


def static_file(request: HttpRequest, path: str) -> HttpResponseBase:
    """A file from the apps' static folders; anything else (``../`` included) gets the plain
    404 page, whatever DEBUG says (no debug page with settings, no URL list)."""
    try:
        return static_serve(request, path, insecure=True)
    except (Http404, SuspiciousOperation):
        return views.not_found(request)


admin.site.login_form = ThrottledAdminLoginForm

urlpatterns = [
    path("", views.index, name="index"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("tilgaengelighed/", views.accessibility, name="accessibility"),
    path("", include("samspil.fieldwork.urls")),
    path("", include("samspil.coding_web.urls")),
    path("", include("samspil.privacy.urls")),
    path("", include("samspil.register.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api-noegler/", apiviews.token_page, name="api_tokens"),
    path("api-noegler/<int:token_id>/tilbagekald/", apiviews.token_revoke, name="api_token_revoke"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("drift/", views.operations, name="operations"),
]
if settings.SERVE_STATIC:
    # A few small files, found in the apps' static folders: no collectstatic step needed.
    urlpatterns.append(re_path(r"^static/(?P<path>.*)$", static_file))

handler404 = "samspil.web.views.not_found"
handler500 = "samspil.web.views.server_error"

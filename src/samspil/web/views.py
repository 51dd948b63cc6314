"""The project's own pages, which belong to no app: log-in and log-out, the start page,
the accessibility statement, error pages, the health checks and the operations page for
researchers (samspil.web.health)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from samspil.web import health
from samspil.web.access import is_researcher
from samspil.web.login import ThrottledLoginForm, is_throttled


class LoginView(auth_views.LoginView):
    template_name = "samspil/research/login.html"
    redirect_authenticated_user = True
    authentication_form = ThrottledLoginForm

    def form_invalid(self, form: Any) -> HttpResponse:
        throttled = is_throttled(form)
        return self.render_to_response(
            self.get_context_data(form=form, throttled=throttled),
            status=429 if throttled else 200,
        )


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The start page: where a log-in leads (``LOGIN_REDIRECT_URL``, set by the project)."""
    return redirect(settings.LOGIN_REDIRECT_URL)


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    """The installation's accessibility statement (tilgængelighedserklæring), from
    ``settings.ACCESSIBILITY``; public, linked from every page's footer."""
    facts = settings.ACCESSIBILITY
    return render(
        request,
        "samspil/accessibility.html",
        {
            **facts,
            "site": settings.BASE_URL or request.build_absolute_uri("/").rstrip("/"),
            "known_issues_lines": [
                line.strip() for line in facts.get("known_issues", "").split("|") if line.strip()
            ],
        },
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "samspil/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "samspil/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "samspil/403_csrf.html", status=403)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. No database, so a slow database does not get the
    server restarted."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database answers and a worker is alive (JSON; 503 when not)."""
    ready, checks = health.readiness()
    return JsonResponse({"ready": ready, **checks}, status=200 if ready else 503)


@never_cache
@login_required
def operations(request: HttpRequest) -> HttpResponse:
    """Workers, queue length and the oldest waiting task, for researchers."""
    if not is_researcher(request.user):
        raise PermissionDenied
    return render(
        request,
        "samspil/operations.html",
        {
            "database_ok": health.database_ok(),
            "workers": health.workers(),
            "queue": health.queue(),
        },
    )

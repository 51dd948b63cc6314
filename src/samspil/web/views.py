"""The project's own pages, which belong to no app: error pages, the health checks and the
operations page for researchers (samspil.web.health)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from samspil.web import health
from samspil.web.access import is_researcher


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

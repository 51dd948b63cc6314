"""The project's own pages, which belong to no app: error pages and the health check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "samspil/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "samspil/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "samspil/403_csrf.html", status=403)


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")

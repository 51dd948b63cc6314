"""Response headers that Django's SecurityMiddleware does not set."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Everything is served by the application itself: no CDN, no inline script or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def security_headers(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if getattr(request, "samspil_private", False):
            # Respondent pages carry answers and a personal link: never cache them.
            response.headers["Cache-Control"] = "no-store"
        return response

    return middleware


def limit_request_size(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Refuse request bodies over SAMSPIL_MAX_UPLOAD_MB (plus room for the form fields)
    before anything reads them: Django would otherwise spool a huge upload to disk while
    the CSRF check parses the form."""

    def middleware(request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_UPLOAD_MB * 1024 * 1024 + 256 * 1024
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return HttpResponse(
                "Request too large.", status=413, content_type="text/plain; charset=utf-8"
            )
        return get_response(request)

    return middleware

"""The read API under ``/api/v1/`` (docs/api.md): one django-ninja API composed of the
apps' routers, each app serving its own data (``samspil.fieldwork.api``: studies;
``samspil.register.api``: the register's open data in HSDS's shape). Each app adds its
router in its ``AppConfig.ready`` with :func:`register_router`, so the platform imports no
app. Tokens, scopes and
the rate limit are the platform's (``samspil.web.apitokens``). The OpenAPI description is
``/api/v1/openapi.json``; no interactive docs page (it would load scripts from elsewhere).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router

from samspil import registries
from samspil.errors import DomainError
from samspil.web.apitokens import ApiThrottle

DESCRIPTION = (
    "Read-only access to samspil. Study endpoints need a researcher's token "
    "(`Authorization: Bearer samspil_...`, made on the page API-nøgler or with "
    "`samspil api token create`) of scope `studies` or `answers`; the register's open data "
    "under /hsds/ is public. See docs/api.md."
)

api = NinjaAPI(
    title="samspil",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url=None,
    throttle=[ApiThrottle()],
)
ROUTERS: dict[str, Router] = {}


def register_router(prefix: str, router: Router) -> None:
    """Serve an app's ``router`` under ``/api/v1/<prefix>`` (called from the app's
    ``AppConfig.ready``; the same router again, a second set-up, is allowed)."""
    if ROUTERS.get(prefix) is router:
        return
    registries.add(ROUTERS, prefix, router, "API router")
    api.add_router(prefix, router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """Data that cannot make the answer (e.g. a report definition that no longer fits)."""
    return api.create_response(request, {"detail": str(exc)}, status=409)

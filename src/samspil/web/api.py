"""The read API under ``/api/v1/`` (docs/api.md): one django-ninja API composed of the
apps' routers, each app serving its own data (``samspil.fieldwork.api``: studies;
``samspil.register.api``: the register's open data in HSDS's shape). Tokens, scopes and
the rate limit are the platform's (``samspil.web.apitokens``). The OpenAPI description is
``/api/v1/openapi.json``; no interactive docs page (it would load scripts from elsewhere).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from samspil.errors import DomainError
from samspil.fieldwork.api import router as studies_router
from samspil.register.api import router as hsds_router
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
api.add_router("/studies", studies_router)
api.add_router("/hsds", hsds_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """Data that cannot make the answer (e.g. a report definition that no longer fits)."""
    return api.create_response(request, {"detail": str(exc)}, status=409)

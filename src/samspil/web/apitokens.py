"""The read API's tokens, authentication and rate limit (docs/api.md).

A researcher makes a token with one scope (:class:`ApiToken.Scope`): ``studies`` reads the
metadata and report tables of the studies the researcher may see, ``answers`` reads their
answers too, ``register`` reads the register's open data (public anyway; a token makes
the requests count against the token instead of the client's address). The token is
shown once; only its SHA-256 hash is stored. A revoked token, or one whose researcher is
no longer an active researcher, is refused like an unknown one (401). Making, revoking and
using a token to read answers is written to the audit log.

Every request to the API counts against one subject, the token or else the client's
address, in a window of ``SAMSPIL_API_RATE_WINDOW`` seconds (samspil.web.throttle: atomic,
shared by every worker); past ``SAMSPIL_API_RATE_LIMIT`` requests the answer is 429 with
Retry-After. An unknown token counts against the address.

The apps' routers (``fieldwork/api.py``, ``register/api.py``) use :func:`token_auth`,
:class:`OptionalToken` and :func:`audit`; ``samspil.web.api`` composes them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from samspil.errors import DomainError
from samspil.web import throttle
from samspil.web.access import is_researcher
from samspil.web.models import ApiToken

PREFIX = "samspil_"
RATE = "api"  # the throttle counter's kind
SCOPES = tuple(ApiToken.Scope.values)
# Which token scopes a required scope accepts: a token that reads answers reads metadata too.
GRANTED_BY: dict[str, frozenset[str]] = {
    ApiToken.Scope.STUDIES: frozenset({ApiToken.Scope.STUDIES, ApiToken.Scope.ANSWERS}),
    ApiToken.Scope.ANSWERS: frozenset({ApiToken.Scope.ANSWERS}),
    ApiToken.Scope.REGISTER: frozenset({ApiToken.Scope.REGISTER}),
}
USED_EVERY = dt.timedelta(minutes=1)  # last_used_at is written at most this often


class TokenError(DomainError):
    """A token that cannot be made or revoked (bad name or scope, not a researcher)."""


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(user: Any, name: str, scope: str, *, actor: Any = None) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns it with the token text, which is never stored
    (show it once). ``actor`` is who made it for the audit log (default: the user)."""
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise TokenError("a token's name must have 1 to 100 characters")
    if scope not in SCOPES:
        raise TokenError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
    if not is_researcher(user):
        raise TokenError(f"{user.get_username()} is not an active researcher")
    raw = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, scope=scope, digest=digest(raw))
        _audit_log(actor or user, "api_token_create", token)
    return token, raw


def revoke_token(token: ApiToken, *, actor: Any = None) -> bool:
    """Revoke ``token`` for good; False when it was already revoked."""
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if changed:
            _audit_log(actor or token.user, "api_token_revoke", token)
    token.refresh_from_db()
    return bool(changed)


def find_token(raw: str) -> ApiToken | None:
    """The active token with this text, or None (unknown, revoked, or its user is no
    longer an active researcher)."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not is_researcher(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _note_bad_token(request: HttpRequest) -> None:
    """An unknown token counts against the client's address like any request."""
    count = throttle.note_failure(
        RATE, f"address:{throttle.client_ip(request)}", settings.API_RATE_WINDOW
    )
    if count > settings.API_RATE_LIMIT:
        raise HttpError(429, "Too many requests")


def _accept(request: HttpRequest, token: ApiToken) -> ApiToken:
    request.user = token.user  # the apps' access helpers ask request.user
    request.samspil_private = True  # type: ignore[attr-defined]  # never cached
    return token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token granting ``scope``: no or an unknown
    token 401, a token of another scope 403."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = find_token(token.strip())
        if found is None:
            _note_bad_token(request)
            return None
        if found.scope not in GRANTED_BY[self.scope]:
            raise HttpError(403, f"this token's scope is {found.scope}; this needs {self.scope}")
        return _accept(request, found)


def token_auth(scope: str) -> TokenAuth:
    return TokenAuth(scope)


PUBLIC = "public"  # request.auth of a request without a token


class OptionalToken:
    """For public endpoints: no token is fine (``request.auth`` is :data:`PUBLIC`); a token,
    when given, must be a valid one (401 otherwise). One of ``scope`` makes the request
    count against the token; a token of another scope is taken as no token."""

    def __init__(self, scope: str) -> None:
        self.scope = scope

    def __call__(self, request: HttpRequest) -> ApiToken | str | None:
        header = request.headers.get("Authorization", "")
        if not header:
            return PUBLIC
        kind, _, raw = header.partition(" ")
        found = find_token(raw.strip()) if kind.lower() == "bearer" else None
        if found is None:
            _note_bad_token(request)
            return None
        if found.scope not in GRANTED_BY[self.scope]:
            return PUBLIC
        return _accept(request, found)


class ApiThrottle(BaseThrottle):
    """SAMSPIL_API_RATE_LIMIT requests per SAMSPIL_API_RATE_WINDOW seconds per token (or
    client address), counted atomically in the database cache."""

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if isinstance(token, ApiToken):
            subject = f"token:{token.pk}"
        else:
            subject = f"address:{throttle.client_ip(request)}"
        count = throttle.note_failure(RATE, subject, settings.API_RATE_WINDOW)
        self.seconds_left = throttle.current(RATE, subject).seconds_left
        return count <= settings.API_RATE_LIMIT

    def wait(self) -> float | None:
        return float(max(1, getattr(self, "seconds_left", 1)))


def _audit_log(user: Any, action: str, token: ApiToken, **fields: Any) -> None:
    from samspil.web.audit import record_event

    record_event(
        user,
        action,
        target=f"API token {token.pk} ({token.scope})",
        detail=fields.pop("detail", ""),
        **fields,
    )


def audit(request: HttpRequest, action: str, *, study: Any = None, target: str = "") -> None:
    """Write an API read to the audit log as the token's researcher; ``target`` names what
    was read (the token's number is added, never the token)."""
    from samspil.web.audit import record_event

    token = request.auth  # type: ignore[attr-defined]
    record_event(
        token.user,
        action,
        study=study,
        target=target,
        detail=f"API token {token.pk}",
    )


def register_audit_actions() -> None:
    """The audit log's actions for tokens (called from the web app's ready())."""
    from django.utils.translation import gettext_lazy as _

    from samspil.web.audit import register_action

    register_action("api_token_create", _("made an API token"))
    register_action("api_token_revoke", _("revoked an API token"))

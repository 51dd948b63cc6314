"""The platform's own data: the read API's tokens (samspil.web.apitokens)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A researcher's token for the read API (docs/api.md). Only a SHA-256 hash of the token
    is stored; the token itself is shown once, when it is made. A revoked token stays, with
    the time it was revoked, so the list and the audit log keep naming it."""

    class Scope(models.TextChoices):
        STUDIES = "studies", _("read study metadata and tables")
        ANSWERS = "answers", _("read answers (and study metadata)")
        REGISTER = "register", _("read the register's open data")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"API token {self.pk} ({self.scope})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

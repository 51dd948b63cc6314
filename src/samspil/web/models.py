"""The platform's tables: the workers' heartbeats, the audit log and the read API's tokens
(samspil.web.apitokens).

``WorkerBeat`` kept its table name from when fieldwork held it (``fieldwork_workerbeat``),
``AuditEvent`` its name from privacy (``privacy_auditevent``): the moves changed Django's
bookkeeping only, no data.

The audit log: one row per event, appended and never changed. Append-only is enforced
here, in the model and its manager: saving an existing row, ``delete()`` on a row or a
queryset, ``update()``, ``bulk_update()`` and the raw delete that Django's deletion
collector uses all raise :class:`AppendOnlyError`; triggers refuse the same in the
database (``samspil.web.append_only``). The log has no foreign keys either (users and
studies are stored by id and name), so deleting a user or a study can never cascade into
it or set one of its columns to NULL. Rows hold no personal data of respondents: the actor
is a researcher's user name (or the command line / the system), ``target`` and ``detail``
are checked for e-mail addresses.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkerBeat(models.Model):
    """A running worker process; its heartbeat tells others whether it is still alive
    (``samspil.web.worker``)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField()

    class Meta:
        db_table = "fieldwork_workerbeat"
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return self.worker_id


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete an audit-log row."""


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    raise AppendOnlyError("the audit log is append-only: rows are never changed or deleted")


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        _refuse()

    def _update(self, values: Any) -> Any:  # Model.save() of an existing row goes here
        _refuse()

    def bulk_update(self, objs: Any, fields: Any, batch_size: Any = None) -> int:
        _refuse()

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse()

    def _raw_delete(self, using: Any) -> int:
        _refuse()

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        _refuse()


AuditManager = models.Manager.from_queryset(AuditQuerySet)


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # No foreign keys: a deleted user or study must not change or remove the row.
    user_id = models.IntegerField(null=True, blank=True)
    actor = models.CharField(_("who"), max_length=150)
    action = models.CharField(_("action"), max_length=40, db_index=True)
    study_id = models.IntegerField(null=True, blank=True, db_index=True)
    study_name = models.CharField(_("study"), max_length=200, blank=True)
    target = models.CharField(_("object"), max_length=200, blank=True)
    identifiers = models.BooleanField(
        _("with identifiers"),
        default=False,
        help_text=_("The export or report held names, e-mail addresses or personal links."),
    )
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    objects = AuditManager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        db_table = "privacy_auditevent"  # its name from when privacy held it: no data moved
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            _refuse()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()


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

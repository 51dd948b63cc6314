"""The audit log: one row per event, appended and never changed.

Append-only is enforced here, in the model and its manager: saving an existing row,
``delete()`` on a row or a queryset, ``update()``, ``bulk_update()`` and the raw delete that
Django's deletion collector uses all raise :class:`AppendOnlyError`. The log has no
foreign keys either (users and studies are stored by id and name), so deleting a user or a
study can never cascade into it or set one of its columns to NULL.

Rows hold no personal data of respondents: the actor is a researcher's user name (or the
command line / the system), ``target`` and ``detail`` are checked for e-mail addresses.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class PersonRequest(models.Model):
    """An access (art. 15) or erasure (art. 17) request that was carried out, with how the
    requester's identity was checked (the request cannot be completed without it). Like
    the audit log it holds no e-mail address, name or respondent id."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("access")
        ERASURE = "erasure", _("erasure")

    class IdentityCheck(models.TextChoices):
        MITID = "mitid", _("MitID / NemLog-in")
        EMAIL = "email_on_file", _("e-mail from the address on file")
        IN_PERSON = "in_person", _("in person with photo ID")
        OTHER = "other", _("other (describe)")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("request"), max_length=10, choices=Kind.choices)
    user_id = models.IntegerField(null=True, blank=True)
    actor = models.CharField(_("who"), max_length=150)
    study_id = models.IntegerField(null=True, blank=True)
    identity_check = models.CharField(
        _("identity checked by"), max_length=20, choices=IdentityCheck.choices
    )
    identity_note = models.CharField(_("how (other)"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("request from a person")
        verbose_name_plural = _("requests from a person")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(identity_check=""), name="privacy_request_identity_checked"
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} ({self.identity_check})"

"""Privacy's table: the requests from a person (access, erasure) that were carried out.

The audit log every app writes is the platform's (``samspil.web.models.AuditEvent``, API in
``samspil.web.audit``); its table kept the name ``privacy_auditevent``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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

"""The requests from a person in the admin pages: read only, as the audit log's
(``samspil.web.admin``)."""

from __future__ import annotations

from django.contrib import admin

from samspil.privacy.models import PersonRequest
from samspil.web.admin import AuditEventAdmin


@admin.register(PersonRequest)
class PersonRequestAdmin(AuditEventAdmin):
    list_display = ["at", "kind", "actor", "study_id", "identity_check", "identity_note"]  # type: ignore[assignment]
    list_filter = ("kind", "identity_check")
    search_fields = ["actor"]  # type: ignore[assignment]

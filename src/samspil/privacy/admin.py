"""The audit log and the requests from a person in the admin pages: read only (the audit
log's model refuses changes anyway)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from samspil.privacy.models import AuditEvent, PersonRequest


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "actor", "action", "study_id", "study_name", "target", "identifiers")
    list_filter = ("action", "identifiers")
    search_fields = ("actor", "study_name", "target")
    actions = None

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(PersonRequest)
class PersonRequestAdmin(AuditEventAdmin):
    list_display = ["at", "kind", "actor", "study_id", "identity_check", "identity_note"]  # type: ignore[assignment]
    list_filter = ("kind", "identity_check")
    search_fields = ["actor"]  # type: ignore[assignment]

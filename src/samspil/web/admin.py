"""The audit log in the admin pages: read only (its model refuses changes anyway)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from samspil.web.models import AuditEvent


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

"""Admin pages for looking things up. Writes go through the researcher pages (actions.py);
answers and tokens are read-only here."""

from __future__ import annotations

from django.contrib import admin

from samspil.fieldwork.models import MessageLog, Respondent, Study


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "instrument_id", "status", "rounds_sent", "created_at")
    list_filter = ("status", "instrument_id")
    readonly_fields = (
        "instrument_json",
        "instrument_version",
        "instrument_sha256",
        "opened_at",
        "closed_at",
    )
    filter_horizontal = ("researchers",)


@admin.register(Respondent)
class RespondentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("public_id", "study", "municipality", "status", "is_test", "last_saved_at")
    list_filter = ("study", "status", "is_test")
    search_fields = ("public_id", "name", "email")
    readonly_fields = (
        "token", "public_id", "answers", "status", "current_section", "furthest_section",
        "pages_saved", "invited_at", "opened_at", "started_at", "completed_at", "last_saved_at",
    )  # fmt: skip
    raw_id_fields = ("study", "unit")


@admin.register(MessageLog)
class MessageLogAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("respondent", "kind", "round", "ok", "sent_at")
    list_filter = ("kind", "round", "ok")
    readonly_fields = ("respondent", "kind", "round", "subject", "ok", "error", "sent_at")

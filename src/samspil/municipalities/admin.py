"""Admin pages for looking municipalities and units up."""

from __future__ import annotations

from django.contrib import admin

from samspil.municipalities.models import Municipality, Unit


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name")
    search_fields = ("name", "code")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "municipality")
    list_filter = ("municipality",)
    search_fields = ("name",)

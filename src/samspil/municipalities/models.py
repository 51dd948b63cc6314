"""The 98 municipalities and their units, which fieldwork's respondents and the register's
actors, contact points and staff hang off.

The tables kept their names from when fieldwork held them (``fieldwork_municipality``,
``fieldwork_unit``): the move to this app changed Django's bookkeeping only, no data.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """A Danish municipality (kommune)."""

    code = models.PositiveSmallIntegerField(_("municipality code"), unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        db_table = "fieldwork_municipality"
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


def ensure_municipalities() -> None:
    """Load the 98 municipalities if they are missing (the data migration loads them; a
    flushed test database or a hand-emptied table does not have them)."""
    from samspil.municipalities.names import MUNICIPALITIES

    if Municipality.objects.count() >= len(MUNICIPALITIES):
        return
    existing = set(Municipality.objects.values_list("code", flat=True))
    Municipality.objects.bulk_create(
        [Municipality(code=c, name=n) for c, n in MUNICIPALITIES if c not in existing],
        ignore_conflicts=True,
    )


def municipality_lookup() -> dict[str, Municipality]:
    """Every accepted way of writing a municipality, mapped to it: the name normalised by
    :func:`samspil.municipalities.names.normalise` (lower case, single spaces, without
    "Kommune"), the municipality code ("751") and the known spelling variants
    (``samspil.municipalities.names.VARIANTS``).

    Look a cell up with ``lookup.get(normalise(text))``. Used by every import that names
    municipalities (respondent lists, the register's actors); loads the 98 municipalities
    first if the table is empty."""
    from samspil.municipalities.names import VARIANTS, normalise

    ensure_municipalities()
    lookup: dict[str, Municipality] = {}
    for m in Municipality.objects.all():
        lookup[normalise(m.name)] = m
        lookup[str(m.code)] = m
        lookup[f"{m.code:03d}"] = m
        lookup[f"{m.code:04d}"] = m  # as the bundled facts, DAWA and DST write it ("0101")
    by_name = {m.name: m for m in lookup.values()}
    for variant, canonical in VARIANTS.items():
        if canonical in by_name:
            lookup[variant] = by_name[canonical]
    return lookup


class Unit(models.Model):
    """A unit of a municipality: a forvaltning, centre or area."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        db_table = "fieldwork_unit"
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unit_unique_name")
        ]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return f"{self.municipality.name}: {self.name}"

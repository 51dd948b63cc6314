"""File formats of the register (pure)."""

from __future__ import annotations

# `samspil register import --actors FILE`, and the CSV export's actors.csv.
ACTOR_COLUMNS = (
    "name",
    "type",
    "kommune",
    "cvr",
    "address",
    "postcode",
    "city",
    "email",
    "phone",
    "website",
    "areas",
    "target_groups",
)

"""File formats of the register (pure)."""

from __future__ import annotations

from samspil.register.fields import COLUMNS

# `samspil register import --actors FILE`, and the CSV export's actors.csv: the columns of
# the actor field table (samspil.register.fields), in its order.
ACTOR_COLUMNS = COLUMNS

"""Domain errors: bad input, a bad instrument or a bad definition.

Every error a user can fix by changing what they gave samspil derives from
:class:`DomainError`; the command line prints its message and exits with code 2. Any other
exception is a bug in samspil and shows as one (a traceback).
"""

from __future__ import annotations

__all__ = ["DomainError"]


class DomainError(ValueError):
    """A problem with the user's input; the message names file, row and column or field."""

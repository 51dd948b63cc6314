"""Why a report block could not be made from the data at hand."""


class Skip(Exception):
    """The block cannot be made from this data; the message says why (in Danish)."""

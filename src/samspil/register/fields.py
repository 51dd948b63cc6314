"""A civil actor's fields, each defined once (pure: no Django at import).

:data:`ACTOR_FIELDS` is the one table the rest reads:

* the import (``samspil register import --actors``, :mod:`samspil.register.importer`): its
  columns, which are required, how a cell's text becomes the stored value (``parse``,
  raising :class:`FieldError` with the import's messages), then the model field's own
  validators (the ones the edit page's form runs) with the ``refused`` message;
* the CSV export's ``actors.csv`` (the import's columns, each ``cell`` of the stored
  value), so an export imports again;
* the edit page and the change history (:data:`EDITED`: the fields of the form and of
  :func:`samspil.register.actions.update_actor`);
* the public search: :func:`search_text` is the text an actor is found by, made from
  each field's ``searched`` words, for a saved actor (:meth:`Organization.make_search_text`)
  and, column by column, for an imported one (:func:`samspil.register.importer.search_texts`).

A new field of an actor: its model field (and migration) in ``models.py``, then one row
here (plus its test); docs/extending.md has the checklist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from samspil.register.cvr import CvrError, clean_cvr
from samspil.register.taxonomy import taxonomy


class FieldError(ValueError):
    """A cell the import refuses: one message, or several (one per unknown area)."""

    def __init__(self, *messages: str):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def keep_text(text: str) -> str:
    """A cell stored as it is (stripped)."""
    return text


def _none(value: Any) -> list[str]:
    return []


def _as_words(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else []


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class ActorField:
    """One field of a civil actor.

    ``name`` is the attribute of the Organization (``on="actor"``) or of its address, its
    first Location (``on="location"``); ``column`` its column in the import and in
    actors.csv (``""``: none, the field is edited on the page only)."""

    name: str
    column: str = ""
    on: Literal["actor", "location"] = "actor"
    required: bool = False  # the import needs a value
    # a file's cell (stripped, not empty) -> the stored value; FieldError with the messages
    parse: Callable[[str], Any] = keep_text
    # the import's message when the model field's validators refuse the value ({value!r}:
    # the cell; "" keeps the validator's own message)
    refused: str = ""
    # the words the public search finds the actor by (the stored value -> words)
    searched: Callable[[Any], list[str]] = _none
    # the stored value -> its cell in actors.csv
    cell: Callable[[Any], Any] = _same
    edited: bool = True  # on the actor's edit page and in its change history
    empty: Any = ""  # the stored value of an empty cell or of a field without a column
    # parse builds a lookup first (the municipalities): call parser() once per import
    lookup: Callable[[], Callable[[str], Any]] | None = None

    def parser(self) -> Callable[[str], Any]:
        return self.lookup() if self.lookup is not None else self.parse

    def value_of(self, actor: Any, location: Any) -> Any:
        """The stored value of a saved actor (``location``: its first, or None)."""
        if self.on == "location":
            return getattr(location, self.name) if location is not None else self.empty
        return getattr(actor, self.name)


# -- parsing a file's cells ----------------------------------------------------------------


def _codes(kind: str) -> str:
    """The accepted codes, for messages (the Danish labels are accepted too)."""
    return ", ".join(t.code for t in taxonomy().terms(kind)) + " (or their Danish labels)"


def split_list(text: str) -> list[str]:
    """A ``;``-separated list (areas, target groups)."""
    return [part.strip() for part in text.split(";") if part.strip()]


def _actor_type(text: str) -> str:
    code = taxonomy().lookup("actor_types", text)
    if code is None:
        raise FieldError(f"unknown type {text!r}; codes: {_codes('actor_types')}")
    return code


def _areas(text: str) -> list[str]:
    """The codes of a ``;``-separated list of areas; a message per unknown area."""
    codes, messages = [], []
    for part in split_list(text):
        code = taxonomy().lookup("areas", part)
        if code is None:
            messages.append(f"unknown area {part!r}; codes: {_codes('areas')}")
        else:
            codes.append(code)
    if messages:
        raise FieldError(*messages)
    return list(dict.fromkeys(codes))


def _cvr(text: str) -> str:
    try:
        return clean_cvr(text)
    except CvrError as exc:
        raise FieldError(str(exc)) from None


def _website(text: str) -> str:
    return text if text.startswith(("http://", "https://")) else "https://" + text


def _postcode(text: str) -> str:
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        raise FieldError(f"a postcode has 4 digits, not {text!r}")
    return text


def _municipality_parser() -> Callable[[str], Any]:
    """A municipality's name or code -> the Municipality (the lookup made once)."""
    from samspil.municipalities.models import municipality_lookup
    from samspil.municipalities.names import normalise

    municipalities = municipality_lookup()

    def parse(text: str) -> Any:
        found = municipalities.get(normalise(text))
        if found is None:
            raise FieldError(f"{text!r} is not a Danish municipality (name or code)")
        return found

    return parse


# -- the table -----------------------------------------------------------------------------


def _labels(kind: str) -> Callable[[Any], list[str]]:
    def labels(codes: Any) -> list[str]:
        codes = [codes] if isinstance(codes, str) else codes
        return [taxonomy().label(kind, code) for code in codes if code]

    return labels


def _joined(values: list[str]) -> str:
    return ";".join(values)


ACTOR_FIELDS: tuple[ActorField, ...] = (
    ActorField("name", "name", required=True, searched=_as_words),
    ActorField("alternate_name", searched=_as_words),
    ActorField("description", searched=_as_words),
    ActorField(
        "actor_type", "type", required=True, parse=_actor_type, searched=_labels("actor_types")
    ),
    ActorField(
        "municipality",
        "kommune",
        required=True,
        lookup=_municipality_parser,
        searched=lambda m: [m.name] if m is not None else [],
        cell=lambda m: m.code,
        edited=False,  # an actor stays in its municipality
        empty=None,
    ),
    ActorField("tax_id", "cvr", parse=_cvr),
    ActorField("address_1", "address", on="location", searched=_as_words, edited=False),
    ActorField("postal_code", "postcode", on="location", parse=_postcode, edited=False),
    ActorField("city", "city", on="location", searched=_as_words, edited=False),
    ActorField("email", "email", refused="{value!r} is not an e-mail address"),
    ActorField("phone", "phone"),
    ActorField("website", "website", parse=_website, refused="{value!r} is not a web address"),
    ActorField("areas", "areas", parse=_areas, searched=_labels("areas"), cell=_joined, empty=[]),
    ActorField(
        "target_groups",
        "target_groups",
        parse=split_list,
        searched=lambda groups: list(groups),
        cell=_joined,
        empty=[],
    ),
)
FIELDS: dict[str, ActorField] = {f.name: f for f in ACTOR_FIELDS}
# The import's and actors.csv's columns, in order.
COLUMNS: tuple[str, ...] = tuple(f.column for f in ACTOR_FIELDS if f.column)
# The fields of the edit page's form and of the change history.
EDITED: tuple[str, ...] = tuple(f.name for f in ACTOR_FIELDS if f.edited)


def search_words(values: Mapping[str, Any]) -> Iterable[str]:
    """The words of each searched field of ``values`` (field name -> stored value)."""
    for f in ACTOR_FIELDS:
        yield from f.searched(values.get(f.name, f.empty))


def search_text(values: Mapping[str, Any]) -> str:
    """The text the public search looks in for a civil actor."""
    return " ".join(word for word in search_words(values) if word)

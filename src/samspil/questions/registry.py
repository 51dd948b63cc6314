"""The question-type registry: the one list of question types.

A question type is a pydantic model (a subclass of ``QuestionBase``) with a
``type: Literal["<key>"]`` field; it owns its variables, its form parsing, its respondent
template, its summary and its codebook rows (see ``samspil.questions.types.QuestionBase``).
``register_question_type`` adds it here; the instrument schema builds its question union
from this registry and rebuilds it when a type is added later (e.g. by a test or a plugin).
The built-in types in ``types.py`` register themselves the same way. See docs/extending.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, get_args

if TYPE_CHECKING:
    from samspil.questions.types import QuestionBase

__all__ = ["QUESTION_TYPES", "on_change", "register_question_type", "unregister_question_type"]

QUESTION_TYPES: dict[str, type[QuestionBase]] = {}
_LISTENERS: list[Callable[[], None]] = []
T = TypeVar("T", bound="type[QuestionBase]")


def type_key(cls: type[Any]) -> str:
    """The ``type`` key of a question class (the single value of its ``Literal``)."""
    field = cls.model_fields.get("type")
    values = get_args(field.annotation) if field is not None else ()
    if len(values) != 1 or not isinstance(values[0], str):
        raise TypeError(f"{cls.__name__} needs a field  type: Literal['<key>']")
    return values[0]


def register_question_type(cls: T) -> T:
    """Add a question type (usable as a class decorator). A key already taken is an error."""
    key = type_key(cls)
    if key in QUESTION_TYPES and QUESTION_TYPES[key] is not cls:
        raise ValueError(f"question type {key!r} is already registered")
    QUESTION_TYPES[key] = cls
    _changed()
    return cls


def unregister_question_type(key: str) -> None:
    """Remove a type added with ``register_question_type`` (tests clean up with this)."""
    QUESTION_TYPES.pop(key, None)
    _changed()


def on_change(listener: Callable[[], None]) -> None:
    """Call ``listener`` now and whenever the registry changes (the schema rebuilds)."""
    _LISTENERS.append(listener)
    listener()


def _changed() -> None:
    for listener in _LISTENERS:
        listener()

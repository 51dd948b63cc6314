"""Question types, registered by their ``type`` key as used in instrument files
(``samspil.questions.registry``; docs/extending.md)."""

from samspil.questions.base import Condition, Option, Pipe, Variable
from samspil.questions.registry import (
    QUESTION_TYPES,
    register_question_type,
    unregister_question_type,
)
from samspil.questions.types import (
    REGISTRY,
    Grid,
    GridItem,
    MultipleChoice,
    Number,
    OpenText,
    PickNumber,
    Question,
    QuestionBase,
    SingleChoice,
)

__all__ = [
    "QUESTION_TYPES",
    "REGISTRY",
    "Condition",
    "Grid",
    "GridItem",
    "MultipleChoice",
    "Number",
    "OpenText",
    "Option",
    "PickNumber",
    "Pipe",
    "Question",
    "QuestionBase",
    "SingleChoice",
    "Variable",
    "register_question_type",
    "unregister_question_type",
]

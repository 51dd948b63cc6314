"""Question types, registered by their ``type`` key as used in instrument files."""

from samspil.questions.base import Condition, Option, Pipe, Variable
from samspil.questions.types import (
    REGISTRY,
    Grid,
    GridItem,
    MultipleChoice,
    Number,
    OpenText,
    PickNumber,
    Question,
    SingleChoice,
)

__all__ = [
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
    "SingleChoice",
    "Variable",
]

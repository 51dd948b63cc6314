"""A table's note as parts, each with its kind, so that a figure's caption leaves parts
out by kind (the SD remark, the counts of answers left out), the numbers behind a figure
say what the caption left out, and a caption says what the figure shows unless the note
does, instead of cutting the printed text apart.

A :class:`Note` is the note's text (a ``str``, printed as before in every format) that also
holds its :class:`NotePart` s. The parts come from the definition's footnote template
(:func:`from_template`): the sentence with the ``(n: {excluded})`` counts is a
``counts`` part, the sentence saying the SD is in parentheses an ``sd`` part, the
sentence saying what the figure shows a ``figure`` part, the rest ``text``; what the
report adds after (the base, columns absent from the data, weights, the previous wave)
is added as parts of their own.

Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

TEXT = "text"
SD_REMARK = "sd"  # "Standardafvigelse er noteret i parentes." (only the table shows SDs)
COUNTS_REMARK = "counts"  # "... (n: 1 ved ...)." (the answers left out, per item)
BASE = "base"  # "“Ved ikke” indgår ikke i basen."
FIGURE = "figure"  # "Figuren viser ..." (what the figure shows: no caption of the kind's)

# The sentences a footnote template says the SD is in parentheses with (the bundled
# definitions' and the default report's wording)
SD_SENTENCES = tuple(
    f"Standardafvigelse{n} er {verb} i parentes."
    for n in ("", "n")
    for verb in ("noteret", "angivet")
)
# What opens the counts placeholder in its sentence: "(n: {excluded})"
COUNTS_OPENINGS = ("(n: ", "(n er for: ")
# What opens a footnote template's sentence saying what the figure shows
FIGURE_OPENINGS = ("Figuren viser", "Søjlerne viser", "Grafen viser")
EXCLUDED = "{excluded}"


@dataclass(frozen=True)
class NotePart:
    text: str  # with the white space that separates it from the part before
    kind: str = TEXT


class Note(str):
    """A note's text with its parts (their texts joined are the note)."""

    parts: tuple[NotePart, ...]

    def __new__(cls, parts: Iterable[NotePart] | str = ()) -> Note:
        kept = tuple(p for p in (parts_of(parts) if isinstance(parts, str) else parts) if p.text)
        note = super().__new__(cls, "".join(p.text for p in kept))
        note.parts = kept
        return note

    def __reduce__(self) -> tuple[type[Note], tuple[tuple[NotePart, ...]]]:
        return (Note, (self.parts,))

    def __add__(self, other: str) -> Note:  # note += " More.": a part of its own
        return Note((*self.parts, *parts_of(other)))

    def then(self, text: str, kind: str = TEXT) -> Note:
        """The note and ``text`` after a space, stripped (``f"{note} {text}".strip()``),
        ``text`` a part of kind ``kind``."""
        return Note((*self.parts, NotePart(f" {text}", kind))).strip()

    def strip(self, chars: str | None = None) -> Note:
        parts = list(self.parts)
        for order in (range(len(parts)), range(len(parts) - 1, -1, -1)):
            for i in order:
                part = parts[i]
                start = order.start == 0 and order.step == 1
                text = part.text.lstrip(chars) if start else part.text.rstrip(chars)
                parts[i] = replace(part, text=text)
                if text:
                    break
        return Note(parts)

    def map(self, change: Callable[[str], str]) -> Note:
        """Each part's text changed by ``change`` (e.g. the quotation marks)."""
        return Note(replace(p, text=change(p.text)) for p in self.parts)


def parts_of(note: str) -> tuple[NotePart, ...]:
    """The parts of ``note``: a plain text is one ``text`` part."""
    if isinstance(note, Note):
        return note.parts
    return (NotePart(note),) if note else ()


def note_of(note: str) -> Note:
    return note if isinstance(note, Note) else Note(parts_of(note))


def note_without(note: str, kinds: Iterable[str]) -> str:
    """The note's text without its parts of ``kinds``."""
    left_out = set(kinds)
    return "".join(p.text for p in parts_of(note) if p.kind not in left_out)


def note_only(note: str, kinds: Iterable[str]) -> str:
    """The note's text of its parts of ``kinds`` alone."""
    kept = set(kinds)
    return "".join(p.text for p in parts_of(note) if p.kind in kept)


def has_part(note: str, kind: str) -> bool:
    """Whether the note has a part of ``kind`` with text."""
    return any(p.kind == kind and p.text.strip() for p in parts_of(note))


def template_parts(template: str) -> list[tuple[str, str]]:
    """The footnote template cut into (kind, template text) parts: the sentence holding
    ``(n: {excluded})`` (from the end of the sentence before it) is a counts part, an
    SD sentence (:data:`SD_SENTENCES`) with the white space before it an SD part, a
    sentence opening with :data:`FIGURE_OPENINGS` (to its full stop) with the white space
    before it a figure part."""
    marks: list[tuple[int, int, str]] = []
    at = template.find(EXCLUDED)
    if at >= 0 and template[:at].endswith(COUNTS_OPENINGS):
        close = template.find(")", at)
        if close >= 0:
            end = close + 1 + (template[close + 1 : close + 2] == ".")
            marks.append((template.rfind(".", 0, at) + 1, end, COUNTS_REMARK))
    for sentence in SD_SENTENCES:
        found = template.find(sentence)
        if found >= 0:
            start = len(template[:found].rstrip())
            marks.append((start, found + len(sentence), SD_REMARK))
    for opening in FIGURE_OPENINGS:
        found = template.find(opening)
        if found >= 0 and (found == 0 or not template[found - 1].isalnum()):
            end = _sentence_end(template, found + len(opening))
            marks.append((len(template[:found].rstrip()), end, FIGURE))
    parts, done = [], 0
    for start, end, kind in sorted(marks):
        if start < done:  # overlapping marks: the earlier one holds
            continue
        parts += [(TEXT, template[done:start]), (kind, template[start:end])]
        done = end
    parts.append((TEXT, template[done:]))
    return [(kind, text) for kind, text in parts if text]


def _sentence_end(template: str, start: int) -> int:
    """Where the sentence going on at ``start`` ends: after its full stop (one followed by
    white space or the end of the template, outside a placeholder), else the end."""
    depth = 0
    for i in range(start, len(template)):
        char = template[i]
        depth += (char == "{") - (char == "}")
        if char == "." and depth == 0 and (i + 1 == len(template) or template[i + 1].isspace()):
            return i + 1
    return len(template)


def from_text(text: str) -> Note:
    """A note written out (a definition's footnote without placeholders), as parts."""
    return Note(NotePart(part, kind) for kind, part in template_parts(text))


def from_template(template: str, values: Mapping[str, str]) -> Note:
    """The note of a footnote template with its placeholders filled, as parts."""
    return Note(NotePart(text.format(**values), kind) for kind, text in template_parts(template))

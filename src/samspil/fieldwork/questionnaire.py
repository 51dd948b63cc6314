"""The questionnaire as web pages: which sections show, what each question renders with,
and what a submitted page stores. No request handling here; views call these functions.

Texts from the instrument are HTML-escaped first; ``**bold**`` then becomes <strong>.
Piped answers (the respondent's own words) are escaped and never formatted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from samspil.instruments import Instrument, Section
from samspil.questions import Option, Question

Answers = dict[str, object]
FormData = Mapping[str, Sequence[str]]
BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
SHOWN_FIELD = "_shown"


@lru_cache(maxsize=4096)
def markup(text: str) -> SafeString:
    """Escape, then turn ``**x**`` into <strong>x</strong>. Cached: instrument texts repeat
    on every page view (never called with a respondent's own words; see render_segments)."""
    return mark_safe(BOLD.sub(r"<strong>\1</strong>", str(escape(text))))


def render_segments(segments: list[tuple[str, bool]]) -> SafeString:
    parts = [
        f'<span class="piped">{escape(text)}</span>' if piped else markup(text)
        for text, piped in segments
    ]
    return mark_safe("".join(parts))


# -- sections -----------------------------------------------------------------------------


def shown_sections(instrument: Instrument, answers: Answers) -> list[Section]:
    return [s for s in instrument.sections if s.shown(answers)]


def section_index(instrument: Instrument, section_id: str) -> int:
    for index, section in enumerate(instrument.sections):
        if section.id == section_id:
            return index
    return -1


@dataclass(frozen=True)
class Progress:
    page: int  # 1-based among the pages shown
    pages: int

    @property
    def percent(self) -> int:
        return round(100 * (self.page - 1) / self.pages) if self.pages else 0


def neighbours(
    instrument: Instrument, section: Section, answers: Answers
) -> tuple[Section | None, Section | None, Progress]:
    """The shown pages before and after ``section``, and where it stands among them."""
    position = section_index(instrument, section.id)
    shown = shown_sections(instrument, answers)
    before = [s for s in shown if section_index(instrument, s.id) < position]
    after = [s for s in shown if section_index(instrument, s.id) > position]
    pages = len(before) + len(after) + 1
    return (
        before[-1] if before else None,
        after[0] if after else None,
        Progress(len(before) + 1, pages),
    )


# -- rendering ----------------------------------------------------------------------------


@dataclass
class OptionView:
    code: str  # as text: the templates print it without number localisation
    label: SafeString
    input_id: str
    checked: bool
    special: bool
    other_name: str = ""
    other_value: str = ""


@dataclass
class RowView:
    name: str
    text: SafeString
    legend_id: str
    options: list[OptionView]
    error: bool = False


@dataclass
class QuestionView:
    question: Question
    template_name: str
    id: str
    text: SafeString
    intro: list[SafeString]
    help: str
    errors: list[str]
    name: str = ""
    value: str = ""
    options: list[OptionView] = field(default_factory=list)
    rows: list[RowView] = field(default_factory=list)
    header: list[OptionView] = field(default_factory=list)
    first_input_id: str = ""

    @property
    def error_id(self) -> str:
        return f"err-{self.id}"

    @property
    def help_id(self) -> str:
        return f"help-{self.id}" if self.help else ""

    @property
    def described_by(self) -> str:
        return " ".join(x for x in (self.help_id, self.error_id if self.errors else "") if x)


def form_values(question: Question, answers: Answers) -> dict[str, list[str]]:
    """Stored answers as the form data that would post them back (the type's own)."""
    return question.form_values(answers)


class _UI:
    """The parts a question type's ``fill_view`` builds its view from (``FormUI``)."""

    @staticmethod
    def options(
        question_id: str, name: str, options: Sequence[Option], chosen: set[str], data: FormData
    ) -> list[OptionView]:
        views = []
        for o in options:
            other = f"{question_id}_{o.code}_tekst" if o.other_text else ""
            views.append(
                OptionView(
                    code=str(o.code),
                    label=markup(o.label),
                    input_id=f"id_{name}_{o.code}",
                    checked=str(o.code) in chosen,
                    special=o.special is not None,
                    other_name=other,
                    other_value=(data.get(other) or [""])[0] if other else "",
                )
            )
        return views

    @staticmethod
    def row(name: str, segments: list[tuple[str, bool]], options: list[OptionView]) -> RowView:
        return RowView(
            name=name, text=render_segments(segments), legend_id=f"legend-{name}", options=options
        )


UI = _UI()


def question_view(
    question: Question, answers: Answers, data: FormData, errors: list[str]
) -> QuestionView:
    """Everything the question's template needs. ``data`` holds what to show as filled in:
    the posted form after an error, otherwise the stored answers (see form_values)."""
    view = QuestionView(
        question=question,
        template_name=question.template_name,
        id=question.id,
        text=render_segments(question.display_segments(answers)),
        intro=[markup(p) for p in question.intro],
        help=question.help,
        errors=errors,
    )
    question.fill_view(view, answers, data, UI)
    return view


def page_views(
    section: Section,
    answers: Answers,
    posted: FormData | None = None,
    errors: Mapping[str, list[str]] | None = None,
    *,
    show_all: bool = False,
) -> list[QuestionView]:
    """The questions of a page to render; ``show_all`` (preview) ignores conditions."""
    views = []
    for question in section.questions:
        if not show_all and not question.shown(answers):
            continue
        data = posted if posted is not None else form_values(question, answers)
        views.append(
            question_view(question, answers, data, list((errors or {}).get(question.id, [])))
        )
    return views


# -- saving -------------------------------------------------------------------------------


@dataclass
class PageResult:
    answers: Answers  # what to store (valid answers only)
    errors: dict[str, list[str]]  # question id -> messages
    more_questions: bool  # a condition on this page now shows a question not yet seen
    merged: Answers  # stored answers with this page applied


def _posted(question: Question, data: FormData) -> bool:
    names = {question.id, *(v.name for v in question.variables())}
    return any(v != "" for name in names for v in data.get(name, []))


def read_page(section: Section, stored: Answers, data: FormData) -> PageResult:
    """Parse one submitted page. Valid answers are kept even when others are not."""
    merged = dict(stored)
    to_store: Answers = {}
    errors: dict[str, list[str]] = {}
    displayed = set(data.get(SHOWN_FIELD, []))
    more = False
    for question in section.questions:
        if not question.shown(merged):
            # Hidden by an answer on this page: its earlier answers no longer apply.
            for var in question.variables():
                if merged.get(var.name) is not None:
                    to_store[var.name] = None
                    merged[var.name] = None
            continue
        if question.id not in displayed and not _posted(question, data):
            more = True  # shown now, but the respondent has not seen it yet
            continue
        answers, problems = question.parse_form(data)
        if problems:
            errors[question.id] = problems
            answers = {k: v for k, v in answers.items() if v is not None}
        to_store.update(answers)
        merged.update(answers)
    return PageResult(to_store, errors, more, merged)

"""The report as a publication, independent of its output format.

:func:`publication` turns the computed results into a :class:`Publication`: cover and
colophon facts, a generated method chapter (population, period, rounds, the response
table of Bilagstabel 1.1), the result chapters of the report definition and the appendices
(Bilag 1: the questionnaire as fielded, with its codes; Bilag 2: the code list, when codes
are given). HTML, PDF and Word render this one structure; tables reach them as text grids
(:class:`Grid`) already in Danish number format.

Pure: no Django, no drawing, no output library.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from samspil.instruments import Instrument
from samspil.reports import formatting as fmt
from samspil.reports.build import Column, Result, base_rule, census_text, weights_text
from samspil.reports.figures import figure_caption
from samspil.reports.formatting import quotes
from samspil.reports.kinds import kind_of
from samspil.reports.notes import (
    COUNTS_REMARK,
    FIGURE,
    SD_REMARK,
    has_part,
    note_of,
    note_only,
    note_without,
)
from samspil.reports.spec import Block, Colophon, ReportSpec, TableStyle
from samspil.responses import StudyInfo

DECIMALS = 1
MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]


@dataclass
class Meta:
    """Cover and colophon facts; empty fields get the defaults of :func:`publication`."""

    authors: list[str] = field(default_factory=list)
    institution: str = ""
    date: str = ""  # as printed on the cover, e.g. "Maj 2024"
    banner: str = ""
    weights: str = ""  # the column the tables are weighted with (--weights), if any
    foreword: str = ""  # the researcher's Markdown (--foreword), before chapter 1
    summary: str = ""  # the main findings in the researcher's Markdown (--summary)


LANDSCAPE_COLUMNS = 9


@dataclass
class Grid:
    """A table as text cells: one header row, body rows; the first column names the row."""

    header: list[str]
    rows: list[list[str]]
    total: bool = False  # the last row is a total row
    numeric: bool = True  # False: the cells after the first are text (left-aligned, wrapped)

    @property
    def wide(self) -> bool:
        return len(self.header) > 6

    @property
    def landscape(self) -> bool:
        """Too many number columns for a portrait page's width (the previous wave beside
        this one: 10-14 columns): the PDF and Word set it on a landscape page."""
        return self.numeric and len(self.header) >= LANDSCAPE_COLUMNS


@dataclass
class Item:
    """One table or figure of a chapter."""

    id: str
    label: str
    title: str
    grid: Grid | None = None
    note: str = ""  # a Note: its parts kept (samspil.reports.notes)
    figure: str | None = None  # key of the drawn figure (the block id)
    figure_label: str = ""
    caption: str = ""
    table_shown: bool = True  # False: the grid is only "Tal bag figuren"
    skipped: str | None = None
    quotes: list[str] = field(default_factory=list)
    result: Result | None = None

    @property
    def numbers_note(self) -> str:
        """The note under "Tal bag figuren": the parts of the table's note that the
        figure's caption just above leaves out (:func:`caption_leaves_out`; the whole note
        when there is no caption)."""
        if not self.caption:
            return self.note
        return note_only(self.note, caption_leaves_out(self.table_shown)).strip()


@dataclass
class Chapter:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    appendix: bool = False
    # Appendix questionnaire: (heading, paragraphs) runs rendered as sub-headings
    parts: list[tuple[str, list[str], Grid | None]] = field(default_factory=list)
    # Front matter (foreword, summary): the researcher's text as ("p" | "h" | "li", text)
    # blocks (samspil.reports.frontmatter), set after the paragraphs
    text: list[tuple[str, str]] = field(default_factory=list)
    front: bool = False


@dataclass
class Publication:
    title: str
    subtitle: str
    authors: list[str]
    institution: str
    date: str
    made: datetime.date
    banner: str
    chapters: list[Chapter]
    colophon_facts: Colophon = field(default_factory=Colophon)

    @property
    def year(self) -> int:
        return self.colophon_facts.year or self.made.year

    @property
    def citation(self) -> str:
        """The citation suggestion: the definition's own, else authors (year): title.
        subtitle. publisher. URL."""
        facts = self.colophon_facts
        if facts.citation:
            return facts.citation
        who = join_names(self.authors) + " " if self.authors else ""
        publisher = facts.publisher or self.institution
        parts = [f"{who}({self.year}): {plain(self.title)}"]
        parts += [plain(p) for p in (self.subtitle, publisher, facts.url) if p]
        return ". ".join(p.rstrip(".") for p in parts) + "."

    @property
    def colophon(self) -> list[str]:
        """The colophon's lines: title and subtitle, authors, publisher and year, ISBN,
        URL, the citation suggestion, the licence, and the one sentence naming the
        software the report was made with."""
        facts = self.colophon_facts
        lines = [f"{self.title}. {self.subtitle}." if self.subtitle else f"{self.title}."]
        if self.authors:
            lines.append("Forfattere: " + join_names(self.authors) + ".")
        publisher = facts.publisher or self.institution
        lines.append(f"Udgivet af {publisher}, {self.year}." if publisher else f"{self.year}.")
        if facts.isbn:
            lines.append(f"ISBN: {facts.isbn}")
        if facts.url:
            lines.append(f"URL: {facts.url}")
        lines.append(f"Citér som: {self.citation}")
        if facts.licence:
            lines.append(f"Licens: {facts.licence}")
        lines.append(
            f"Tabeller og figurer er beregnet fra de indlæste besvarelser med samspil den "
            f"{long_date(self.made)}."
        )
        return lines


def join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]


def long_date(day: date) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def month_year(day: date) -> str:
    return f"{MONTHS[day.month - 1].capitalize()} {day.year}"


def cover_date(text: str | None) -> str:
    """'2024-05' or '2024-05-17' -> 'Maj 2024'; other text as given; none -> ''."""
    if not text:
        return ""
    found = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", text.strip())
    if found and 1 <= int(found[2]) <= 12:
        return f"{MONTHS[int(found[2]) - 1].capitalize()} {found[1]}"
    return text.strip()


# Emphasis as Markdown writes it: ``*italic*`` or ``**bold**``, the stars right against the
# words they enclose (a star followed by a space opens nothing). Any other star is text: the
# significance legend "* p<0,05; ** p<0,01; *** p<0,001", a footnote mark "P-værdi **".
EMPHASIS = re.compile(r"(?<![\w*])(\*\*?)(?=[^\s*])([^*]*?[^\s*])\1(?![\w*])")


def plain(text: str) -> str:
    """The text without its emphasis marks (for spreadsheets); other stars stay."""
    return EMPHASIS.sub(r"\2", text)


def runs(text: str) -> list[tuple[str, str]]:
    """Split ``**bold**`` and ``*italic*`` into (style, text) runs: style '', 'b' or 'i'.
    Only stars that enclose words are emphasis (see :data:`EMPHASIS`)."""
    out: list[tuple[str, str]] = []
    end = 0
    for found in EMPHASIS.finditer(text):
        if found.start() > end:
            out.append(("", text[end : found.start()]))
        out.append(("b" if found[1] == "**" else "i", found[2]))
        end = found.end()
    if end < len(text):
        out.append(("", text[end:]))
    return out


# -- tables as text grids ---------------------------------------------------------------


def cell(column: Column, row: pd.Series, sign: bool = True) -> str:
    value = row.get(column.name)
    if column.missing and fmt.is_missing(value):
        return column.missing
    if column.fmt == "text" or column.fmt == "stars":
        return "" if fmt.is_missing(value) else str(value)
    if row.get("suppressed") is True and column.fmt in ("pct", "num", "mean_sd", "int"):
        return "–"
    if column.fmt == "int":
        return fmt.integer(value)
    if column.fmt == "pct":
        return fmt.percent(value, DECIMALS) if sign else fmt.number(value, DECIMALS)
    if column.fmt == "num0":
        return fmt.number(value, 0)
    if column.fmt == "as_given":
        return fmt.as_given(value)
    if column.fmt == "p":
        return fmt.number(value, 2)
    if column.fmt == "mean_sd":
        return fmt.mean_sd(value, row.get("sd"), DECIMALS)
    return fmt.number(value, DECIMALS)


def _pivot_grid(result: Result, sign: bool) -> Grid:
    """Several items by group with one share each: groups as rows, items as columns, as the
    seed prints its actor-by-area tables (percent with significance stars)."""
    data = result.data
    items = [str(i) for i in dict.fromkeys(data["item"])]
    header = {c.name: c.header for c in result.columns}
    rows = []
    for group, frame in data.groupby("group", sort=False):
        by_item = frame.set_index("item")
        row = [str(group), fmt.integer(frame["n"].max())]
        for item in items:
            r = by_item.loc[item]
            share = fmt.percent(r["percent"]) if sign else fmt.number(r["percent"])
            row.append("–" if r["suppressed"] else share + str(r["stars"]))
        rows.append(row)
    return Grid([header["group"], header["n"], *items], rows)


def grid(result: Result, style: TableStyle | None = None) -> Grid:
    """The result as a text grid, laid out as its table kind registered (by default one
    row per data row, the columns as given: :func:`plain_grid`)."""
    style = style or TableStyle()
    kind = kind_of(result.block.kind)
    layout = kind.grid if kind is not None and kind.grid is not None else plain_grid
    return layout(result, style)


def plain_grid(result: Result, style: TableStyle) -> Grid:
    """One grid row per data row, one cell per column."""
    sign = style.percent_sign
    rows = [[cell(c, row, sign) for c in result.columns] for _, row in result.data.iterrows()]
    header = [
        style.percent_header if c.name == "percent" and c.header == "Pct." else c.header
        for c in result.columns
    ]
    return Grid(header, rows)


def crosstab_grid(result: Result, style: TableStyle) -> Grid:
    """A breakdown: several items with one share each pivoted (groups as rows), else
    plain."""
    if "percent" in result.data.columns and result.data["item"].nunique() > 1:
        return _pivot_grid(result, style.percent_sign)
    return plain_grid(result, style)


def frequency_grid(result: Result, style: TableStyle) -> Grid:
    """A frequency table with its total row: the base the percentages are of (answers
    listed without a percentage, special answers left out of the base by
    ``list_excluded``, are not in it)."""
    table = plain_grid(result, style)
    sign = style.percent_sign
    data = result.data
    in_base = data["percent"].notna() | data["n"].eq(0)
    n = int(data.loc[in_base, "n"].sum())
    share = fmt.percent(100.0 if n else None) if sign else fmt.number(100.0 if n else None)
    table.rows.append([style.total_label, fmt.integer(n), share])
    table.total = True
    return table


# -- figure captions -------------------------------------------------------------------


def caption_leaves_out(table_shown: bool) -> set[str]:
    """The kinds of note parts a figure's caption leaves out: what only the table shows
    (the part saying the SD is in parentheses; beside a shown table also the part with
    the counts of answers left out, said once, under the table)."""
    return {SD_REMARK, COUNTS_REMARK} if table_shown else {SD_REMARK}


def caption(result: Result, table_shown: bool = False) -> str:
    """The figure's own note: the table note without the parts only the table shows
    (:func:`caption_leaves_out`), saying what the figure shows (its caption) unless the
    note has a part that does."""
    left_out = caption_leaves_out(table_shown)
    text = note_without(result.note, left_out).strip()
    if not has_part(result.note, FIGURE):
        text = f"{text} {figure_caption(result.block)}".strip()
    return text


def item(result: Result, has_figure: bool, style: TableStyle | None = None) -> Item:
    block = result.block
    it = Item(block.id, block.label, quotes(block.title), result=result)
    it.quotes = list(result.quotes)
    if result.skipped:
        it.skipped = result.skipped
        return it
    g = grid(result, style)
    it.grid = Grid(
        [quotes(h) for h in g.header], [[quotes(c) for c in row] for row in g.rows], g.total
    )
    it.note = note_of(result.note).map(quotes)
    it.table_shown = block.label.lower().startswith("tabel") or not has_figure
    if has_figure:
        it.figure = block.id
        it.figure_label = block.figure_label or block.label
        it.caption = quotes(caption(result, it.table_shown))
    return it


# -- generated chapters ----------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return fmt.percent(100 * part / whole if whole else None, DECIMALS)


# After an erasure, municipalities with fewer recipients than this (or than the report's
# minimum cell size, if larger) are pooled in Bilagstabel 1.1 (docs/privacy.md).
WITHDRAWAL_POOL = 5
POOLED = "Kommuner med færre end {k} modtagere"


def pool_small_groups(response: pd.DataFrame, k: int) -> pd.DataFrame:
    """The response table with every group of fewer than ``k`` recipients pooled in one
    row, so that no row shows where a respondent is missing. A pool of fewer than ``k``
    recipients takes the smallest other groups until it has ``k`` (or holds them all);
    a pool of every group is left out (the total row says the same)."""
    frame = response.sort_values(["invited", "group"], kind="stable").reset_index(drop=True)
    pooled = int((frame["invited"] < k).sum())
    while 0 < pooled < len(frame) and int(frame["invited"][:pooled].sum()) < k:
        pooled += 1
    if pooled == 0:
        return response
    kept = frame[pooled:].sort_values("group", kind="stable")
    if pooled == len(frame):
        return kept
    counts = frame[:pooled][["invited", "opened", "started", "completed"]].sum()
    pool = pd.DataFrame([{"group": POOLED.format(k=k), **counts.to_dict()}])
    return pd.concat([kept, pool], ignore_index=True)


def response_grid(response: pd.DataFrame, *, withdrawn: int = 0, k: int = WITHDRAWAL_POOL) -> Grid:
    """Bilagstabel 1.1: per municipality the recipients, full, partial and no answers.
    After an erasure (``withdrawn``) groups of fewer than ``k`` are pooled."""
    rows = []
    total = response[["invited", "started", "completed"]].sum()
    frame = pool_small_groups(response, k) if withdrawn else response.copy()
    frame = pd.concat(
        [frame, pd.DataFrame([{"group": "I alt", **total.to_dict()}])], ignore_index=True
    )
    for _, r in frame.iterrows():
        invited, started, completed = int(r["invited"]), int(r["started"]), int(r["completed"])
        partial = started - completed
        rows.append(
            [
                str(r["group"]),
                fmt.integer(invited),
                f"{completed} ({_pct(completed, invited)})",
                f"{partial} ({_pct(partial, invited)})",
                f"{invited - started} ({_pct(invited - started, invited)})",
            ]
        )
    header = ["Kommune", "Modtagere", "Fuldt besvaret", "Delvist besvaret", "Ikke besvaret"]
    return Grid(header, rows, total=True)


def method_chapter(
    spec: ReportSpec,
    instrument: Instrument,
    data: pd.DataFrame,
    study: StudyInfo | None,
    weights: str = "",
) -> Chapter:
    chapter = Chapter("metode", "Om undersøgelsen")
    paragraphs = chapter.paragraphs
    paragraphs += _method_rules(spec, instrument, data, study, weights)
    answered = int(data.drop(columns=["respondent_id"], errors="ignore").notna().any(axis=1).sum())
    if study is None:
        paragraphs.append(
            f"Rapporten er dannet fra en datafil med {fmt.integer(len(data))} besvarelser, "
            f"heraf {fmt.integer(answered)} med svar på mindst ét spørgsmål. Datafilen "
            "oplyser ikke, hvor mange der modtog spørgeskemaet, så svarprocenten kan ikke "
            "beregnes her."
        )
        return chapter
    _study_paragraphs(chapter, spec, study)
    return chapter


def _study_paragraphs(chapter: Chapter, spec: ReportSpec, study: StudyInfo) -> None:
    """The fieldwork's paragraphs and Bilagstabel 1.1, for a report made from a study."""
    paragraphs = chapter.paragraphs
    if study.opened:
        period = long_date(study.opened)
        if study.closed:
            period = f"{period} til {long_date(study.closed)}"
        else:
            period = f"{period} (dataindsamlingen er ikke afsluttet)"
        paragraphs.append(f"Spørgeskemaet blev besvaret via et personligt link fra {period}.")
    if study.rounds_sent:
        reminders = study.rounds_sent - 1
        text = "én påmindelse" if reminders == 1 else f"{reminders} påmindelser"
        paragraphs.append(
            "Alle modtog en invitation"
            + (f" og op til {text}." if reminders > 0 else " og ingen påmindelser.")
        )
    if study.response is not None and len(study.response):
        r = study.response
        invited, started, completed = (int(r[c].sum()) for c in ("invited", "started", "completed"))
        noun = study.population or "modtagere"
        k = max(spec.min_cell, WITHDRAWAL_POOL)
        pooled = (
            f" Da besvarelser er trukket tilbage, er kommuner med færre end {k} modtagere "
            "vist samlet, så tabellen ikke viser, hvor det er sket."
            if study.withdrawn
            else ""
        )
        paragraphs.append(
            f"Af de {invited} {noun}, der modtog spørgeskemaet, åbnede {started} "
            f"spørgeskemaet og begyndte at svare ({_pct(started, invited)}). "
            f"{completed} svarede på hele spørgeskemaet. Svarprocenten for hver kommune "
            "fremgår af Bilagstabel 1.1." + pooled
        )
        chapter.items.append(
            Item(
                "bilagstabel_1_1",
                "Bilagstabel 1.1",
                "Besvarelser fordelt på kommuner",
                grid=response_grid(r, withdrawn=study.withdrawn, k=k),
                note=f"Antal modtagere: {invited}. Delvist besvaret: begyndt, men ikke afsluttet."
                + pooled,
            )
        )
    _response_curve(chapter, study)
    if study.withdrawn:
        paragraphs.append(
            f"{study.withdrawn} besvarelser er slettet efter ønske fra respondenten og indgår ikke."
        )


def mailing_label(round_number: int) -> str:
    """ "Invitation", "1. påmindelse", ... (a study's e-mail rounds, in the report)."""
    return "Invitation" if round_number == 0 else f"{round_number}. påmindelse"


def _response_curve(chapter: Chapter, study: StudyInfo) -> None:
    """Bilagstabel 1.2: the questionnaires completed per day and the cumulative response
    rate, the invitation and each reminder marked (samspil.analysis.response_curve)."""
    from samspil.analysis.response_curve import response_curve

    if study.daily is None or (not len(study.daily) and not study.mailings):
        return
    invited = int(study.response["invited"].sum()) if study.response is not None else 0
    events = [(day, mailing_label(n)) for n, day in sorted(study.mailings)]
    curve = response_curve(study.daily, invited, events, start=study.opened, end=study.closed)
    if not len(curve):
        return
    rows = [
        [
            long_date(r["date"]),
            fmt.integer(r["responses"]),
            fmt.integer(r["cumulative"]),
            fmt.percent(r["rate"], DECIMALS),
            str(r["event"]),
        ]
        for r in curve.to_dict("records")
    ]
    mailed = (
        " Udsendelser: " + ", ".join(f"{label} {long_date(day)}" for day, label in events) + "."
        if events
        else ""
    )
    chapter.paragraphs.append(
        "Bilagstabel 1.2 viser, hvor mange der svarede på hele spørgeskemaet hver dag, og "
        "hvordan svarprocenten voksede under dataindsamlingen." + mailed
    )
    chapter.items.append(
        Item(
            "bilagstabel_1_2",
            "Bilagstabel 1.2",
            "Besvarelser over tid",
            grid=Grid(["Dato", "Besvaret", "I alt", "Svarprocent", "Udsendelse"], rows),
            note=(
                "Besvaret: spørgeskemaer afsluttet den dag. I alt og svarprocent: afsluttede "
                f"til og med dagen, af {fmt.integer(invited)} inviterede."
            ),
        )
    )


def _method_rules(
    spec: ReportSpec,
    instrument: Instrument,
    data: pd.DataFrame,
    study: StudyInfo | None,
    weights: str,
) -> list[str]:
    """What the survey is, and the rules the tables follow: bases and special answers, a
    census, the weights."""
    population = instrument.population or "respondenterne"
    about = (
        f"Undersøgelsen bygger på spørgeskemaet “{instrument.title}”. "
        f"Målgruppen er {population[:1].lower() + population[1:]}."
    )
    invited = None
    if study is not None and study.response is not None and "invited" in study.response:
        invited = int((study.response["invited"] > 0).sum())
    texts = [about, base_rule(spec, instrument), census_text(data, invited)]
    texts.append(weights_text(data, weights) if weights else "")
    return [t for t in texts if t]


def _answer_counts(instrument: Instrument, data: pd.DataFrame | None) -> dict[str, str]:
    """Item non-response per question, as Bilag 1 says it: "Stillet til 120; besvaret af
    104, kun “Ved ikke” 9, ubesvaret 7." (the data's respondents)."""
    if data is None:
        return {}
    from samspil.reports.build import SPECIAL_NAMES
    from samspil.reports.nonresponse import item_nonresponse

    texts = {}
    for row in item_nonresponse(instrument, data).to_dict("records"):
        kinds = {
            k
            for v in instrument.question_variables(row["question"])
            for k in v.special_codes.values()
        }
        special = "/".join(f"“{SPECIAL_NAMES[k]}”" for k in SPECIAL_NAMES if k in kinds)
        texts[row["question"]] = (
            f"Stillet til {row['asked']}; besvaret af {row['answered']}"
            + (f", kun {special} {row['special']}" if special else "")
            + f", ubesvaret {row['blank']}."
        )
    return texts


def _options_text(options: tuple) -> str:  # type: ignore[type-arg]
    """'1 = Slet ikke; 2 = I mindre grad'; codes labelled by their own number are given as
    a range ('1-34 = antal')."""
    named = [f"{o.code} = {o.label}" for o in options if o.label != str(o.code)]
    bare = [o.code for o in options if o.label == str(o.code)]
    if bare:
        named.append(f"{min(bare)}-{max(bare)} = antal" if len(bare) > 1 else f"{bare[0]}")
    return "; ".join(named)


KIND_TEXT = {"text": "Åbent svar (tekst)", "number": "Tal"}


def questionnaire_chapter(
    instrument: Instrument, number: int, data: pd.DataFrame | None = None
) -> Chapter:
    """Bilag 1: every section and question as fielded, with variable names and codes, its
    condition and, with ``data``, how many were asked and answered it."""
    chapter = Chapter("bilag-1", f"Bilag {number} Spørgeskemaet", appendix=True)
    chapter.paragraphs.append(
        "Spørgeskemaet som det blev udsendt, med variabelnavne og svarkoder, så tabellerne "
        "kan genfindes i datasættet."
    )
    from samspil.reports.conditions import shown_if

    numbers = {q.id: i for i, q in enumerate(instrument.question_map.values(), start=1)}
    counts = _answer_counts(instrument, data)
    q_number = 0
    for section in instrument.sections:
        section_condition = shown_if(section.show_if, instrument, numbers)
        for index, question in enumerate(section.questions):
            q_number += 1
            variables = instrument.question_variables(question.id) or [
                v for v in instrument.variables if v.question_id == question.id
            ]
            lines: list[str] = []
            if section_condition and index == 0:
                lines.append(f"Afsnittet “{section.title}”: {section_condition}")
            condition = shown_if(question.show_if, instrument, numbers)
            if condition:
                lines.append(condition)
            if question.id in counts:
                lines.append(counts[question.id])
            option_sets = {tuple(v.options) for v in variables if v.options}
            shared = len(option_sets) == 1 and len(variables) > 1
            if shared:
                lines.append("Svarkategorier: " + _options_text(next(iter(option_sets))) + ".")
            rows = []
            for v in variables:
                if v.options and not shared:
                    answer = _options_text(v.options)  # a choice's own labels, as the codebook
                else:
                    answer = KIND_TEXT.get(v.kind, "") if not v.options else ""
                rows.append([v.name, v.item or "", answer])
            heading = f"{q_number}. {question.text}"
            if not variables:
                chapter.parts.append((heading, ["Åbent svar (tekst)."], None))
            elif len(variables) == 1 and not variables[0].item:
                v = variables[0]
                answer = _options_text(v.options) if v.options else KIND_TEXT.get(v.kind, "")
                lines.append(f"Variabel {v.name}. {answer}.")
                chapter.parts.append((heading, lines, None))
            else:
                grid_ = Grid(["Variabel", "Delspørgsmål", "Svarkoder"], rows, numeric=False)
                if shared:
                    grid_ = Grid(["Variabel", "Delspørgsmål"], [r[:2] for r in rows], numeric=False)
                chapter.parts.append((heading, lines, grid_))
    return chapter


def codes_chapter(codebook_ids: list[str], number: int) -> Chapter | None:
    from samspil.coding import load_codebook

    chapter = Chapter("bilag-2", f"Bilag {number} Kodeliste for de åbne svar", appendix=True)
    chapter.paragraphs.append(
        "De åbne svar er kodet af to kodere uafhængigt af hinanden efter denne kodeliste; "
        "uenigheder er afgjort, før tallene blev beregnet."
    )
    for cid in codebook_ids:
        codebook = load_codebook(cid)
        for q in codebook.questions:
            rows = []
            for theme in q.themes:
                rows.append([theme.code, theme.label, theme.description])
                for sub in theme.subthemes:
                    rows.append([sub.code, f"– {sub.label}", sub.description])
            chapter.parts.append(
                (
                    f"{q.label} ({q.variable})",
                    [],
                    Grid(["Kode", "Tema", "Beskrivelse"], rows, numeric=False),
                )
            )
    return chapter if chapter.parts else None


def publication(
    spec: ReportSpec,
    results: list[Result],
    instrument: Instrument,
    data: pd.DataFrame,
    *,
    figures: set[str],
    study: StudyInfo | None = None,
    codes: pd.DataFrame | None = None,
    meta: Meta | None = None,
    made: date | None = None,
) -> Publication:
    meta = meta or Meta()
    made = made or date.today()
    by_block = {r.block.id: r for r in results}
    chapters = front_chapters(meta)
    method = method_chapter(spec, instrument, data, study, meta.weights)
    method.paragraphs = [quotes(p) for p in method.paragraphs]  # ”x”, as notes
    chapters.append(method)
    for ch in spec.chapters:
        chapters.append(
            Chapter(
                f"kap-{ch.id}",
                ch.title,
                [ch.intro] if ch.intro else [],
                [item(by_block[b.id], b.id in figures, spec.table_style) for b in ch.blocks],
            )
        )
    chapters.append(questionnaire_chapter(instrument, 1, data))
    if codes is not None:
        ids = sorted({b.codebook or instrument.id for b in spec.blocks if _lists_codes(b)})
        code_list = codes_chapter(ids, 2)
        if code_list:
            chapters.append(code_list)
    return Publication(
        title=spec.title,
        subtitle=spec.subtitle,
        authors=meta.authors or list(spec.authors),
        institution=meta.institution or spec.institution,
        date=meta.date or month_year(made),
        made=made,
        banner=meta.banner,
        chapters=chapters,
        colophon_facts=spec.colophon,
    )


def _lists_codes(block: Block) -> bool:
    """Whether the block's code list belongs in the code-list appendix (its kind's
    ``code_list``)."""
    kind = kind_of(block.kind)
    return kind is not None and kind.code_list


def front_chapters(meta: Meta) -> list[Chapter]:
    """The foreword and the summary of main findings, from the researcher's Markdown."""
    from samspil.reports.frontmatter import FOREWORD, SUMMARY, blocks, titled

    out = []
    for anchor, default, text in (
        ("forord", FOREWORD, meta.foreword),
        ("sammenfatning", SUMMARY, meta.summary),
    ):
        title, found = titled(default, blocks(text))
        if found:
            out.append(Chapter(anchor, title, text=found, front=True))
    return out

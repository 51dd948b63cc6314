"""The one reader for every uploaded table: answers files (command line and coding
uploads), respondent lists and attribute files.

A path or bytes (with a file name) in CSV, XLSX or SPSS .sav become a :class:`Table`: the
header, the cells as text (numbers for .sav), how rows are named in messages, notes on what
was guessed, and a .sav file's own metadata. Everything is bounded and linear: limits on
columns, rows and cell size are checked before the body is parsed, repeated headers with
one dictionary pass, the field count of every row in one pass. Every problem is a
:class:`Problem` naming file, row and column; the reader raises :class:`DataImportError`.

CSV: UTF-8 (with or without BOM), UTF-16 with its BOM, or, failing that, Windows-1252 as
Danish Excel saves it; the separator (``,`` ``;`` or tab) is sniffed over the first lines,
quote-aware; a row with more or fewer fields than the header is an error naming the row;
trailing empty rows (``;;;`` as Excel writes them) are ignored. XLSX: measured by
:func:`samspil.spreadsheet.check_xlsx` before openpyxl parses it.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samspil.errors import DomainError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MAX_LISTED = 60
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
XLS_SUFFIXES = (".xls",)  # Excel 97-2003, read with xlrd (pyxform's own dependency)
SEPARATORS = (",", ";", "\t")
SNIFF_CHARS = 64 * 1024  # the separator is decided on the first lines (up to 64 KiB)


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class DataImportError(DomainError):
    """Raised when an input file has problems; nothing was imported."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = [str(p) for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            shown.append(f"... and {len(problems) - MAX_LISTED} more problems")
        super().__init__("\n".join(shown))

    def __reduce__(self) -> tuple[object, ...]:  # made again from its problems (a fork's)
        return (type(self), (self.problems,), self.__dict__)


@dataclass(frozen=True)
class Limits:
    """What an uploaded table may hold (checked before the body is parsed)."""

    columns: int = 5_000
    rows: int = 1_000_000
    cell: int = 100_000  # characters


LIMITS = Limits()


@dataclass
class SavMeta:
    """What an SPSS file says about its own variables."""

    value_labels: dict[str, dict[float, str]] = field(default_factory=dict)
    user_missing: dict[str, list[tuple[float, float]]] = field(default_factory=dict)


@dataclass
class Table:
    name: str  # the file name as messages show it
    frame: pd.DataFrame  # text cells (CSV/XLSX) or numbers (.sav); columns = header
    row_word: str = "row"  # "row" (row 1 is the header) or "case" (.sav)
    notes: list[str] = field(default_factory=list)
    sav: SavMeta | None = None
    decimal: str | None = None  # the file's decimal mark when its format says ("," for ";")

    @property
    def header_row(self) -> int | None:
        return 1 if self.row_word == "row" else None

    @property
    def first_row(self) -> int:
        """The row number of the first data row in messages."""
        return 2 if self.row_word == "row" else 1

    def fail(self, row: int | None, column: str | None, message: str) -> DataImportError:
        return DataImportError([Problem(self.name, row, column, message)])


def read_table(
    source: Path | str | bytes, name: str | None = None, *, limits: Limits = LIMITS
) -> Table:
    """Read a CSV, XLSX or .sav file from a path, or from bytes named ``name``."""
    if isinstance(source, bytes):
        data, shown = source, Path(name or "upload").name
    else:
        path = Path(source)
        shown = name or str(path)
        if not path.is_file():
            raise DataImportError([Problem(shown, None, None, "file not found")])
        data = path.read_bytes()
    suffix = Path(shown).suffix.lower()
    if suffix in CSV_SUFFIXES:
        table = _read_csv(shown, data, limits)
    elif suffix in XLSX_SUFFIXES:
        table = _read_xlsx(shown, data, limits)
    elif suffix in XLS_SUFFIXES:
        table = _read_xls(shown, data, limits)
    elif suffix == ".sav":
        table = _read_sav(shown, data, limits)
    else:
        message = f"unsupported file type {suffix!r} (use .csv, .xlsx, .xls or .sav)"
        raise DataImportError([Problem(shown, None, None, message)])
    _check_header(table, limits)
    return table


# -- CSV ----------------------------------------------------------------------------------


def _utf16(name: str, data: bytes, notes: list[str]) -> bytes:
    """A UTF-16 file with its byte order mark (Excel's "Unicode text") as UTF-8 bytes."""
    try:
        text = data.decode("utf-16")  # the mark gives the byte order and is dropped
    except UnicodeDecodeError:
        raise DataImportError([Problem(name, None, None, UTF16_MESSAGE)]) from None
    notes.append(f"{name}: read as UTF-16 (it has a UTF-16 byte order mark)")
    return text.encode("utf-8")


UTF16_MESSAGE = "not a text (CSV) file in UTF-8; save it as CSV UTF-8"


def _decode(name: str, data: bytes, notes: list[str]) -> str:
    if b"\x00" in data[:SNIFF_CHARS]:
        raise DataImportError([Problem(name, None, None, UTF16_MESSAGE)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.append(f"{name}: not UTF-8; read as Windows-1252 (as Danish Excel saves CSV)")
        return data.decode("cp1252", errors="replace")


def sniff_separator(text: str) -> str:
    """The separator that splits the first lines into the same number (> 1) of fields,
    quote-aware; the most fields wins; by default the one most frequent in the header."""
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best: tuple[int, str] | None = None
    for sep in SEPARATORS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=sep) if r]
        except csv.Error:
            continue
        counts = {len(r) for r in rows[:50]}
        if len(counts) == 1 and (n := counts.pop()) > 1 and (best is None or n > best[0]):
            best = (n, sep)
    if best is not None:
        return best[1]
    first = sample.split("\n", 1)[0]
    return max(SEPARATORS, key=first.count)


def _header(name: str, text: str, sep: str, limits: Limits) -> list[str]:
    """The header record, refused early when it has too many columns."""
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    if first.count(sep) + 1 > limits.columns:
        message = f"more than {limits.columns} columns ({first.count(sep) + 1})"
        raise DataImportError([Problem(name, 1, None, message)])
    # A header without quotes ends at the first line break: only that line is parsed.
    record = first if end >= 0 and '"' not in first else text
    return next(csv.reader(io.StringIO(record, newline=""), delimiter=sep), [])


CHUNK = 1 << 20  # bytes counted at a time (the running counts stay small and are reused)
LONG_LINES = 128  # bytes a line from which lines are counted one by one


def _line_ends(raw: np.ndarray) -> np.ndarray:
    """Where each line of the bytes ends: every ``\\n``, then the end of the data (looked
    for in chunks: no temporary as large as the file)."""
    import numpy as np

    found = [np.flatnonzero(raw[s : s + CHUNK] == ord("\n")) + s for s in range(0, len(raw), CHUNK)]
    return np.concatenate([*found, [len(raw)]]).astype(np.int64)


def _per_line(raw: np.ndarray, char: str, ends: np.ndarray) -> np.ndarray:
    """How often the (ASCII) ``char`` occurs in each line, counted in chunks."""
    import numpy as np

    before = np.empty(len(ends), dtype=np.int64)  # occurrences before each line's end
    seen = 0
    for start in range(0, len(raw) + 1, CHUNK):
        running = np.concatenate(([0], np.cumsum(raw[start : start + CHUNK] == ord(char))))
        first, last = np.searchsorted(ends, [start, start + CHUNK])
        before[first:last] = seen + running[ends[first:last] - start]
        seen += int(running[-1])
    return np.diff(before, prepend=0)


def _field_counts(text: str, sep: str, data: bytes, ends: np.ndarray) -> np.ndarray:
    """Fields per record (0 for a blank line), in one linear pass. ``data`` are the file's
    bytes and ``ends`` their line ends: without quotes a record is a line, and separators
    and line breaks are ASCII in UTF-8 and Windows-1252 alike, so they are counted on the
    bytes (line by line for long lines, with numpy for many short ones)."""
    import numpy as np

    if '"' in text:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        return np.fromiter((len(r) for r in reader), dtype=np.int64)
    starts = np.concatenate(([0], ends[:-1] + 1))
    if len(data) > LONG_LINES * len(ends):  # few long lines: each one's count is cheap
        mark = sep.encode()
        separators = np.array(
            [data.count(mark, a, b) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
        )
    else:
        separators = _per_line(np.frombuffer(data, dtype=np.uint8), sep, ends)
    counts = separators + 1
    for i in np.flatnonzero(separators == 0):  # blank (nothing or only "\r") or one field
        if not data[starts[i] : ends[i]].strip(b"\r"):
            counts[i] = 0
    return counts


def _check_rows(name: str, counts: np.ndarray, width: int, limits: Limits) -> None:
    records = counts[counts > 0]  # blank lines are skipped, as pandas does
    if len(records) - 1 > limits.rows:
        raise DataImportError([Problem(name, None, None, f"more than {limits.rows:,} rows")])
    problems = []
    for index in (records[1:] != width).nonzero()[0][:10]:
        count = int(records[index + 1])
        message = f"{count} fields, but the header has {width}"
        if count == 1:
            message += " (a line break in an unquoted cell?)"
        problems.append(Problem(name, int(index) + 2, None, message))
    if problems:
        raise DataImportError(problems)


def _check_cells(name: str, text: str, sep: str, limits: Limits, ends: np.ndarray) -> None:
    """No run of characters between separators and line breaks (a cell, quotes or not)
    is longer than the limit. Lines are split only when one has more bytes (``ends``)
    than a cell may have characters, so this stays linear."""
    import numpy as np

    if len(text) <= limits.cell or np.diff(ends, prepend=-1).max() - 1 <= limits.cell:
        return
    for row, line in enumerate(text.split("\n"), start=1):
        if len(line) > limits.cell and max(map(len, line.split(sep))) > limits.cell:
            message = f"a cell longer than {limits.cell:,} characters"
            raise DataImportError([Problem(name, row, None, message)])


def _read_csv(name: str, data: bytes, limits: Limits) -> Table:
    import numpy as np
    import pandas as pd

    notes: list[str] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = _utf16(name, data, notes)
    text = _decode(name, data, notes)
    utf8 = "Windows-1252" not in "".join(notes)  # _decode's note
    if not text or text.isspace():  # (not text.strip(): that copies the whole text)
        raise DataImportError([Problem(name, None, None, "the file is empty")])
    sep = sniff_separator(text)
    header = _header(name, text, sep, limits)
    _check_header_names(name, header, limits)
    ends = _line_ends(np.frombuffer(data, dtype=np.uint8))
    _check_rows(name, _field_counts(text, sep, data, ends), len(header), limits)
    _check_cells(name, text, sep, limits, ends)
    # pandas decodes UTF-8 itself, faster than reading the decoded text back
    source = io.BytesIO(data) if utf8 else io.StringIO(text)
    try:
        frame = pd.read_csv(
            source,
            encoding="utf-8-sig",
            sep=sep,
            dtype=object,  # text cells, as the XLSX reader gives them (faster than str)
            keep_default_na=False,
            na_filter=False,
            index_col=False,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, ValueError) as exc:  # checked above; kept as a guard
        raise DataImportError([Problem(name, None, None, f"cannot parse CSV: {exc}")]) from None
    frame.columns = header
    if sep == ";":
        notes.append(
            f"{name}: separated by ';' (Danish Excel): the decimal mark is ',' and '.' "
            "separates thousands"
        )
    decimal = "," if sep == ";" else None
    return Table(name, _drop_trailing_empty(frame), "row", notes, decimal=decimal)


def _drop_trailing_empty(frame: pd.DataFrame) -> pd.DataFrame:
    """Without the empty rows at the end (``;;;`` as Excel writes them), looked for from
    the end in growing blocks (there are seldom any)."""
    end, step = len(frame), 16
    while end:
        start = max(0, end - step)
        filled = (frame.iloc[start:end] != "").any(axis=1).to_numpy()
        if filled.any():
            return frame.iloc[: end - int(filled[::-1].argmax())]
        end, step = start, step * 4
    return frame.iloc[:0]


# -- XLSX and SAV ---------------------------------------------------------------------------


def _read_xlsx(name: str, data: bytes, limits: Limits) -> Table:
    import pandas as pd
    from openpyxl import load_workbook

    from samspil.spreadsheet import SpreadsheetError, XlsxLimits, check_xlsx

    try:  # measured before openpyxl parses anything (zip bombs, endless rows)
        check_xlsx(data, XlsxLimits(columns=limits.columns, rows=limits.rows + 1))
    except SpreadsheetError as exc:
        raise DataImportError([Problem(name, exc.row, None, exc.message)]) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for broken files
        raise DataImportError([Problem(name, None, None, f"cannot read XLSX: {exc}")]) from None
    try:
        if not book.worksheets:
            raise DataImportError([Problem(name, None, None, "cannot read XLSX: no sheet")])
        rows = book.worksheets[0].iter_rows(values_only=True)
        header_cells = next(rows, None)
        if header_cells is None:
            raise DataImportError([Problem(name, None, None, "the first sheet is empty")])
        header = [_cell(h) for h in header_cells]
        while header and not header[-1]:
            header.pop()
        _check_header_names(name, header, limits)
        body = _xlsx_body(name, rows, len(header), limits)
    except DataImportError:
        raise
    except Exception as exc:  # a damaged sheet: openpyxl raises several types
        raise DataImportError([Problem(name, None, None, f"cannot read XLSX: {exc}")]) from None
    finally:
        book.close()
    frame = pd.DataFrame(body, columns=header, dtype=object)
    return Table(name, _drop_trailing_empty(frame), "row")


def _read_xls(name: str, data: bytes, limits: Limits) -> Table:
    """The first sheet of an Excel 97-2003 workbook, cells as text like the XLSX reader's
    (dates as ``YYYY-MM-DD``)."""
    import pandas as pd
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        sheet = book.sheet_by_index(0)
    except Exception as exc:  # xlrd raises several types for broken files
        raise DataImportError([Problem(name, None, None, f"cannot read XLS: {exc}")]) from None

    def values(index: int) -> list[object]:
        out: list[object] = []
        for cell in sheet.row(index):
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    moment = xlrd.xldate_as_datetime(cell.value, book.datemode)
                except (ValueError, OverflowError):
                    out.append(cell.value)
                    continue
                out.append(moment.date().isoformat() if not moment.time() else moment)
            else:
                out.append(cell.value)
        return out

    if sheet.nrows == 0:
        raise DataImportError([Problem(name, None, None, "the first sheet is empty")])
    header = [_cell(h) for h in values(0)]
    while header and not header[-1]:
        header.pop()
    _check_header_names(name, header, limits)
    body = _xlsx_body(name, (values(i) for i in range(1, sheet.nrows)), len(header), limits)
    frame = pd.DataFrame(body, columns=header, dtype=object)
    return Table(name, _drop_trailing_empty(frame), "row")


def _xlsx_body(name: str, rows: Any, width: int, limits: Limits) -> list[list[str]]:
    body: list[list[str]] = []
    for number, values in enumerate(rows, start=2):
        cells = [_cell(v) for v in values]
        extra = [c for c in cells[width:] if c]
        if extra:
            message = f"a value beyond the last column of the header ({extra[0]!r})"
            raise DataImportError([Problem(name, number, None, message)])
        cells = (cells + [""] * width)[:width]
        if any(len(c) > limits.cell for c in cells):
            message = f"a cell longer than {limits.cell:,} characters"
            raise DataImportError([Problem(name, number, None, message)])
        body.append(cells)
        if len(body) > limits.rows:
            raise DataImportError([Problem(name, None, None, f"more than {limits.rows:,} rows")])
    return body


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_sav(name: str, data: bytes, limits: Limits) -> Table:
    import tempfile

    import pyreadstat

    # pyreadstat reads only from a path: the bytes go to a private temporary file.
    with tempfile.NamedTemporaryFile(suffix=".sav") as handle:
        handle.write(data)
        handle.flush()
        try:
            _, meta = pyreadstat.read_sav(handle.name, metadataonly=True)
            if (meta.number_columns or 0) > limits.columns or (meta.number_rows or 0) > limits.rows:
                raise DataImportError([Problem(name, None, None, _too_many(limits))])
            # The header may not say (-1: unknown): one case more than the limit is read.
            frame, meta = pyreadstat.read_sav(
                handle.name, user_missing=True, row_limit=limits.rows + 1
            )
            if len(frame) > limits.rows:
                raise DataImportError([Problem(name, None, None, _too_many(limits))])
        except DataImportError:
            raise
        except Exception as exc:  # pyreadstat raises its own ReadstatError
            message = f"cannot read SPSS file: {exc}"
            raise DataImportError([Problem(name, None, None, message)]) from None
    missing: dict[str, list[tuple[float, float]]] = {}
    declared: dict[str, Any] = meta.missing_ranges or {}
    for column, ranges in declared.items():
        missing[column] = [(float(r["lo"]), float(r["hi"])) for r in ranges]
    for column, values in (getattr(meta, "missing_user_values", None) or {}).items():
        missing.setdefault(column, []).extend((float(v), float(v)) for v in values)
    labels = {
        column: {float(k): str(v) for k, v in table.items()}
        for column, table in (meta.variable_value_labels or {}).items()
    }
    return Table(name, frame, "case", sav=SavMeta(labels, missing))


def _too_many(limits: Limits) -> str:
    return f"more than {limits.columns} variables or {limits.rows:,} cases"


# -- header ---------------------------------------------------------------------------------


def _check_header_names(name: str, header: list[str], limits: Limits) -> None:
    if len(header) > limits.columns:
        message = f"more than {limits.columns} columns ({len(header)})"
        raise DataImportError([Problem(name, 1, None, message)])
    seen: dict[str, int] = {}
    problems = []
    for index, title in enumerate(header):
        # exact names: ODK Central writes its DeviceID beside a form's deviceid; columns
        # that name one variable twice are refused by the importer
        key = title.strip()
        if key and key in seen:
            message = f"the column name repeats (also column {seen[key] + 1})"
            problems.append(Problem(name, 1, title, message))
        seen.setdefault(key, index)
    if problems:
        raise DataImportError(problems[:MAX_LISTED])


def _check_header(table: Table, limits: Limits) -> None:
    if table.sav is not None:
        _check_header_names(table.name, [str(c) for c in table.frame.columns], limits)

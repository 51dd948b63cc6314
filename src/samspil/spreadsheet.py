"""Files meant for spreadsheets: no cell runs as a formula, every cell fits.

Every CSV and XLSX file samspil writes (answer exports, study and monitoring downloads,
coding downloads, report tables) passes its cells through :func:`safe_cell`: a text that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (the OWASP "CSV
injection" list, plus line feed and the full-width forms) gets a leading apostrophe, so
Excel and LibreOffice show it as text instead of running it. Numbers stay numbers, also
numbers written as text such as ``-4`` or ``+3,5``. Archive formats (SPSS .sav, Stata
.dta, DDI XML) are not meant to be opened in a spreadsheet and keep every answer verbatim.

``csv_text(frame, excel=True)`` writes the CSV Danish Excel opens by double-click: UTF-8
with a byte order mark, ``;`` between fields and a decimal comma. Lines end in CRLF.

Reading: every XLSX file samspil reads (answers, respondent lists, register imports,
XLSForms) is first measured by :func:`check_xlsx`, before openpyxl or pyxform parse it:
what its parts unpack to (the zip directory's sizes, which also bound what any reader gets
out of a part) and how hard they are packed, then one streaming pass of expat over the
XML: no row wider than the column limit, no more than a million cells beyond their sheet's
header (the table reader refuses any value there in the sheet it reads), no row number or
declared dimension beyond the limits, no more shared strings than cells use them, no
DOCTYPE. Memory stays constant; time is linear in the unpacked size.

Pure: no Django.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from samspil.errors import DomainError

if TYPE_CHECKING:  # pandas is imported where a frame is written (the XLSX check needs none)
    import pandas as pd

# First characters a spreadsheet reads as the start of a formula or command.
FORMULA_START = frozenset("=+-@\t\r\n＝＋－＠")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates, U+FFFE, U+FFFF.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_BREAKS = re.compile("[\x0b\x0c]")  # Word's manual line break and page break
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
XLSX_CELL_LIMIT = 32_767  # characters (UTF-16 code units) Excel keeps in one cell


def safe_cell(value: Any) -> Any:
    """``value`` with a leading apostrophe if it is text a spreadsheet would run."""
    risky = isinstance(value, str) and value and value[0] in FORMULA_START
    return "'" + value if risky and not _NUMBER.fullmatch(value) else value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """For ``csv.writer``: every cell of a row through :func:`safe_cell`."""
    return [safe_cell(v) for v in values]


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names are safe; numeric columns untouched."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) or out[column].dtype == bool:
            out[column] = out[column].map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    return out


def xml_text(text: str) -> str:
    """Text an XLSX cell can hold: Word's line and page breaks become line feeds, the other
    control characters XML forbids are dropped, and text beyond Excel's 32,767-character
    limit is cut off (it ends with '…')."""
    if not text.isprintable() and _XML_UNSAFE.search(text):  # usual text: one fast check
        text = _XML_FORBIDDEN.sub("", _XML_BREAKS.sub("\n", text))
    if len(text) > XLSX_CELL_LIMIT // 2 and len(text.encode("utf-16-le")) // 2 > XLSX_CELL_LIMIT:
        units = text.encode("utf-16-le")[: 2 * (XLSX_CELL_LIMIT - 1)]
        text = units.decode("utf-16-le", errors="ignore") + "…"
    return text


def csv_text(frame: pd.DataFrame, *, excel: bool = False, float_format: str = "%.15g") -> str:
    """``frame`` as safe CSV text: comma and dot decimal, or with ``excel`` the Danish
    Excel dialect (byte order mark, ``;``, decimal comma)."""
    safe = safe_frame(frame)
    # CRLF (RFC 4180) also makes the writer quote a field holding a bare carriage return,
    # which a spreadsheet would otherwise read as the end of the row.
    options: dict[str, Any] = {
        "index": False,
        "float_format": float_format,
        "lineterminator": "\r\n",
    }
    if excel:
        return "\ufeff" + str(safe.to_csv(sep=";", decimal=",", **options))
    return str(safe.to_csv(**options))


def write_csv(
    frame: pd.DataFrame, path: Path | str, *, excel: bool = False, float_format: str = "%.15g"
) -> Path:
    """Write :func:`csv_text` to ``path`` (UTF-8)."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(csv_text(frame, excel=excel, float_format=float_format))
    return path


# -- reading: XLSX files are measured before they are parsed ----------------------------------


class SpreadsheetError(DomainError):
    """An XLSX file refused before parsing; ``row`` is the sheet row it names, if any."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass(frozen=True)
class XlsxLimits:
    """What an XLSX file may unpack to (checked on the zip directory and in one pass)."""

    columns: int = 5_000  # cells in a row, and the last column a cell may be in
    rows: int = 1_000_001  # the last row number (row 1 is the header)
    part_mb: int = 256  # what one part (a sheet, the shared strings, ...) unpacks to
    total_mb: int = 512  # what all parts unpack to together
    ratio: int = 100  # how much smaller a part over 1 MB may be packed (a zip bomb)
    parts: int = 2_000  # files in the archive
    beyond: int = 1_000_000  # cells right of their sheet's header, all sheets together
    spare_strings: int = 10_000  # shared strings no cell uses


XLSX_LIMITS = XlsxLimits()
MB = 1024 * 1024
_CHUNK = 1 << 16
_BEFORE_XML = b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n"  # byte order marks, NULs of UTF-16, space


def check_xlsx(source: bytes | Path | IO[bytes], limits: XlsxLimits = XLSX_LIMITS) -> None:
    """Raise :class:`SpreadsheetError` unless the XLSX file is within ``limits``."""
    import io

    try:
        book = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
        raise SpreadsheetError("cannot read XLSX: not a zip archive") from None
    with book:
        parts = _measured_parts(book, limits)
        scan = _Scan(limits)
        for info in parts:
            scan.part(book, info)
        scan.finish()


def _measured_parts(book: zipfile.ZipFile, limits: XlsxLimits) -> list[zipfile.ZipInfo]:
    """The archive's parts, worksheets first; refused when any unpacks to too much."""
    infos = book.infolist()
    if len(infos) > limits.parts:
        raise SpreadsheetError(f"more than {limits.parts} parts in the archive")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.part_mb * MB or total > limits.total_mb * MB:
            raise SpreadsheetError(
                f"the part {info.filename} unpacks to more than {limits.part_mb} MB"
                if info.file_size > limits.part_mb * MB
                else f"the parts unpack to more than {limits.total_mb} MB"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MB and ratio > limits.ratio:
            raise SpreadsheetError(
                f"the part {info.filename} is packed {ratio:.0f} to 1 (a zip bomb?); "
                f"at most {limits.ratio} to 1"
            )
    # Every part is looked at, whatever its name (a sheet's name is any the relations give).
    return sorted(infos, key=lambda i: "worksheets/" not in i.filename.lower())


def _column_number(ref: str) -> int:
    """``"AB12"`` -> 28 (0 when the reference has no letters)."""
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
        if number > 1 << 20:
            break
    return number


def _row_number(ref: str) -> int:
    digits = ref.lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz").lstrip("$")
    return int(digits) if digits.isdigit() and len(digits) < 12 else 0


class _Scan:
    """One pass of expat over every XML part, counting what openpyxl would build."""

    def __init__(self, limits: XlsxLimits) -> None:
        self.limits = limits
        self.string_cells = 0  # cells that read a shared string
        self.strings = 0  # shared strings (<si>)
        self.beyond = 0  # cells right of their sheet's header, all sheets

    def part(self, book: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        import xml.parsers.expat

        self.row = 0  # the current row number
        self.column = 0  # the current cell's column
        self.cells = 0  # cells in the current row
        self.width: int | None = None  # the header's last column with a value (row 1)
        self.header = 0
        self.valued = False
        self.last_row = 0
        self.last_column = 0
        self.dimension: tuple[int, int] | None = None
        parser = xml.parsers.expat.ParserCreate()
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.StartDoctypeDeclHandler = self.doctype
        try:
            with book.open(info) as stream:
                chunk = stream.read(_CHUNK)
                if not chunk.lstrip(_BEFORE_XML).startswith((b"<", b"<\x00")):
                    return  # not XML (a picture, a printer's settings): no reader parses it
                while chunk:
                    parser.Parse(chunk, False)
                    chunk = stream.read(_CHUNK)
                parser.Parse(b"", True)
        except SpreadsheetError:  # a ValueError too: raised by the handlers
            raise
        except xml.parsers.expat.ExpatError as exc:
            raise SpreadsheetError(f"cannot read XLSX: {info.filename}: {exc}") from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError) as exc:
            # broken or encrypted parts, unknown compression (NotImplementedError)
            raise SpreadsheetError(f"cannot read XLSX: {exc}") from None
        self.check_dimension()

    def doctype(self, *_: Any) -> None:
        raise SpreadsheetError("cannot read XLSX: a part declares a DOCTYPE")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = tag[tag.find(":") + 1 :]
        if name == "c":
            self.cell(attrs)
        elif name in ("v", "is"):
            self.valued = True
        elif name == "row":
            self.row = _row_number(attrs.get("r", "")) or self.row + 1
            self.column = self.cells = 0
            if self.row > self.limits.rows:
                raise SpreadsheetError(f"more than {self.limits.rows - 1:,} rows")
            self.last_row = max(self.last_row, self.row)
        elif name == "si":
            self.strings += 1
            if self.strings > self.string_cells + self.limits.spare_strings:
                raise SpreadsheetError(
                    f"more shared strings than cells use (over {self.strings:,}); "
                    "save the file again in Excel"
                )
        elif name == "dimension":
            last = attrs.get("ref", "").rpartition(":")[2]
            self.dimension = (_row_number(last), _column_number(last))

    def cell(self, attrs: dict[str, str]) -> None:
        ref = attrs.get("r")
        self.column = _column_number(ref) if ref else self.column + 1
        self.cells += 1
        if self.column > self.limits.columns or self.cells > self.limits.columns:
            raise SpreadsheetError(f"more than {self.limits.columns} columns", self.row)
        self.last_column = max(self.last_column, self.column)
        self.valued = False
        if attrs.get("t") == "s":
            self.string_cells += 1

    def end(self, tag: str) -> None:
        name = tag[tag.find(":") + 1 :]
        if name == "c":
            if self.row <= 1:
                self.header = max(self.header, self.column) if self.valued else self.header
            elif self.column > self.header_width():
                # Empty (or, in a sheet no reader uses, filled) cells beyond the header: the
                # table reader refuses a value there in the sheet it reads, once parsed.
                self.beyond += 1
                if self.beyond > self.limits.beyond:
                    limit = self.limits.beyond
                    raise SpreadsheetError(f"more than {limit:,} cells beyond the header")

    def header_width(self) -> int:
        if self.width is None:
            self.width = self.header
        return self.width

    def check_dimension(self) -> None:
        """openpyxl pads every row to the declared dimension: it may not reach past the
        last row and column that hold cells."""
        if self.dimension is None:
            return
        rows, columns = self.dimension
        # Old writers declare Excel 97-2003's full width (A:IV, 256 columns): harmless.
        if rows > max(self.last_row, 1) + 1000 or columns > max(self.last_column, 256) + 100:
            raise SpreadsheetError(
                f"the sheet declares {rows:,} rows and {columns:,} columns, but its cells "
                f"end at row {self.last_row:,}, column {self.last_column:,}"
            )

    def finish(self) -> None:
        if self.strings > self.string_cells + self.limits.spare_strings:
            raise SpreadsheetError(f"more shared strings than cells use ({self.strings:,})")

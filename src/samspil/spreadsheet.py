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

Pure: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

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

"""Small generators of hostile XLSX files (issue 17, item 4), for the tests and for
benchmarks/upload_bounds.py: a few kilobytes on disk that unpack to a row of millions of
cells, millions of shared strings no cell uses, or a sheet that declares a million rows.

The files are written part by part with zipfile (no spreadsheet library: these files are
what a careful attacker writes, not what Excel writes)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
RESPONDENT_HEADER = ["navn", "email", "kommune"]
RESPONDENT_ROW = ["Anna Jensen", "anna@example.org", "Aarhus"]


def row_xml(number: int, values: Iterable[str]) -> str:
    cells = "".join(
        f'<c t="inlineStr"><is><t>{escape(str(v))}</t></is></c>' for v in values if v is not None
    )
    return f'<row r="{number}">{cells}</row>'


def sheet(rows: Iterable[str], dimension: str | None = None) -> Iterator[bytes]:
    """A worksheet's XML in chunks, from rows' XML (a row may be a generator's chunks)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
    if dimension:
        head += f'<dimension ref="{dimension}"/>'
    yield (head + "<sheetData>").encode()
    for row in rows:
        yield row.encode()
    yield b"</sheetData></worksheet>"


def build_xlsx(sheets: dict[str, Iterable[bytes]], shared: Iterable[bytes] | None = None) -> bytes:
    """An XLSX file of the named sheets (and a shared strings part), packed hard."""
    out = io.BytesIO()
    names = list(sheets)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
            for i in range(1, len(names) + 1)
        )
        if shared is not None:
            overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/>'
        book.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT}">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>{overrides}</Types>',
        )
        book.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        entries = "".join(
            f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, n in enumerate(names, start=1)
        )
        book.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            f"<sheets>{entries}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Target="worksheets/sheet{i}.xml" Type="{REL}/worksheet"/>'
            for i in range(1, len(names) + 1)
        )
        if shared is not None:
            rels += (
                f'<Relationship Id="rId{len(names) + 1}" Target="sharedStrings.xml" '
                f'Type="{REL}/sharedStrings"/>'
            )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">{rels}'
            "</Relationships>",
        )
        for i, name in enumerate(names, start=1):
            with book.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as part:
                for chunk in sheets[name]:
                    part.write(chunk)
        if shared is not None:
            with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                for chunk in shared:
                    part.write(chunk)
    return out.getvalue()


def _repeat(text: str, times: int, per_chunk: int = 100_000) -> Iterator[str]:
    while times > 0:
        yield text * min(times, per_chunk)
        times -= per_chunk


def respondents(extra: Iterable[str] = ()) -> bytes:
    """A valid respondent list with one person (``extra``: more rows' XML)."""
    rows = [row_xml(1, RESPONDENT_HEADER), row_xml(2, RESPONDENT_ROW), *extra]
    return build_xlsx({"Ark1": sheet(rows)})


def wide_row(cells: int = 10_000_000) -> bytes:
    """A respondent list whose third row has ``cells`` empty cells (about 40 KB for ten
    million: ``<c/>`` packs a thousand to one)."""
    long_row = ["<row>", *_repeat("<c/>", cells), "</row>"]
    rows = [row_xml(1, RESPONDENT_HEADER), row_xml(2, RESPONDENT_ROW), *long_row]
    return build_xlsx({"Ark1": sheet(rows)})


def unused_shared_strings(strings: int = 1_000_000, text: str | None = None) -> bytes:
    """A respondent list whose shared strings part holds ``strings`` strings no cell
    uses: each a different number (packed about 5 to 1), or all ``text``."""

    def parts() -> Iterator[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode()
        if text is not None:
            yield from (s.encode() for s in _repeat(f"<si><t>{text}</t></si>", strings))
        else:
            for start in range(0, strings, 100_000):
                stop = min(strings, start + 100_000)
                yield "".join(f"<si><t>{i}</t></si>" for i in range(start, stop)).encode()
        yield b"</sst>"

    rows = [row_xml(1, RESPONDENT_HEADER), row_xml(2, RESPONDENT_ROW)]
    return build_xlsx({"Ark1": sheet(rows)}, shared=parts())


XLSFORM_SURVEY = [
    ["type", "name", "label"],
    ["select_one ja_nej", "q1", "Har kommunen en frivillighedspolitik?"],
]
XLSFORM_CHOICES = [["list_name", "name", "label"], ["ja_nej", "1", "Ja"], ["ja_nej", "2", "Nej"]]


def xlsform(dimension: str | None = None, last_row: int | None = None) -> bytes:
    """A one-question XLSForm; with ``dimension`` its survey sheet declares that range
    (``A1:XFD1048576``: every row padded to 16,384 columns, a million rows), with
    ``last_row`` an empty row that far down."""
    rows = [row_xml(i, values) for i, values in enumerate(XLSFORM_SURVEY, start=1)]
    if last_row:
        rows.append(f'<row r="{last_row}"/>')
    choices = [row_xml(i, values) for i, values in enumerate(XLSFORM_CHOICES, start=1)]
    return build_xlsx({"survey": sheet(rows, dimension), "choices": sheet(choices)})


def rename_part(data: bytes, old: str, new: str) -> bytes:
    """The file with part ``old`` stored as ``new`` (the relations follow)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith(".rels") or info.filename == "[Content_Types].xml":
                short_old, short_new = old.removeprefix("xl/"), new.removeprefix("xl/")
                content = content.replace(short_old.encode(), short_new.encode())
            name = new if info.filename == old else info.filename
            target.writestr(name, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()

"""The PDF laid out later (the web app's worker): the page waits in the report folder, the
PDF replaces it, and a newer report's page is never overwritten by an older one's PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from samspil.reports import typst_pdf
from samspil.reports.publish import (
    PDF_NAME,
    PENDING_PAGE,
    PdfLater,
    pdf_state,
    write_pending_pdf,
)


def fake_layout(monkeypatch, during=None):  # type: ignore[no-untyped-def]
    """The PDF engine replaced by one that writes the page itself (and runs ``during``
    while it "lays out"), so the tests can tell which page a PDF came from."""

    def write_pdf(page: str, path: str) -> None:
        if during is not None:
            during()
        Path(path).write_text(page, encoding="utf-8")

    monkeypatch.setattr(typst_pdf, "write_pdf", write_pdf)


def test_a_submitted_page_waits_and_the_old_pdf_is_gone(tmp_path):
    (tmp_path / PDF_NAME).write_bytes(b"%PDF old report")
    pdf = PdfLater()
    pdf.submit("<p>ny</p>", tmp_path / PDF_NAME)
    assert pdf.result() == []  # nothing written yet
    assert pdf.folder == tmp_path
    assert not (tmp_path / PDF_NAME).exists()  # no PDF beside tables it does not match
    assert (tmp_path / PENDING_PAGE).read_text(encoding="utf-8") == "<p>ny</p>"
    assert pdf_state(tmp_path) == "pending"


def test_the_worker_replaces_the_page_by_the_pdf(tmp_path, monkeypatch):
    fake_layout(monkeypatch)
    PdfLater().submit("<p>side</p>", tmp_path / PDF_NAME)
    assert write_pending_pdf(tmp_path) == tmp_path / PDF_NAME
    assert (tmp_path / PDF_NAME).read_text(encoding="utf-8") == "<p>side</p>"
    assert pdf_state(tmp_path) == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == [PDF_NAME]  # no part files left
    assert write_pending_pdf(tmp_path) is None  # a second task finds nothing to do


def test_a_newer_page_is_not_overwritten_by_the_pdf_of_an_older_one(tmp_path, monkeypatch):
    def report_made_again() -> None:
        PdfLater().submit("<p>nyere</p>", tmp_path / PDF_NAME)

    fake_layout(monkeypatch, during=report_made_again)
    PdfLater().submit("<p>ældre</p>", tmp_path / PDF_NAME)
    assert write_pending_pdf(tmp_path) is None  # its page was replaced meanwhile
    assert not (tmp_path / PDF_NAME).exists()
    assert (tmp_path / PENDING_PAGE).read_text(encoding="utf-8") == "<p>nyere</p>"

    fake_layout(monkeypatch)  # the task queued with the newer page
    write_pending_pdf(tmp_path)
    assert (tmp_path / PDF_NAME).read_text(encoding="utf-8") == "<p>nyere</p>"


def test_a_failed_layout_is_raised_and_noted_for_the_page(tmp_path, monkeypatch):
    def broken(page: str, path: str) -> None:
        Path(path).write_bytes(b"half a PDF")
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(typst_pdf, "write_pdf", broken)
    PdfLater().submit("<p>side</p>", tmp_path / PDF_NAME)
    with pytest.raises(RuntimeError, match="the engine broke"):
        write_pending_pdf(tmp_path)
    assert pdf_state(tmp_path) == "failed"
    assert not (tmp_path / PDF_NAME).exists()  # no half-written file under the real name
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]

    fake_layout(monkeypatch)  # the next report clears the note
    PdfLater().submit("<p>igen</p>", tmp_path / PDF_NAME)
    assert pdf_state(tmp_path) == "pending"
    write_pending_pdf(tmp_path)
    assert pdf_state(tmp_path) == ""

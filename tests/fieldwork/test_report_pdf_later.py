"""The study's data report from the web page: the click returns once the other formats are
written, and the worker lays out the PDF (the slowest format) afterwards."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from samspil.fieldwork import actions
from samspil.reports import typst_pdf
from samspil.reports.publish import PENDING_PAGE
from samspil.web.worker import run_queued_tasks

PENDING = "PDF-filen bliver sat op"
FAILED = "PDF-filen kunne ikke laves"


@pytest.fixture
def answered(study):  # type: ignore[no-untyped-def]
    for number, r in enumerate(study.respondents.order_by("row_number")):
        answers = {"udf_by": float(number % 5 + 1), "udf_klima": 4.0}
        actions.do_save_page(r, actions.PageSave(answers, "baggrund", 10, complete=True))
    return study


@pytest.fixture
def folder(settings, tmp_path, answered):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    return tmp_path / "reports" / f"study-{answered.pk}"


def test_the_click_returns_before_the_pdf_and_the_worker_lays_it_out(
    researcher_client, answered, folder
):
    url = reverse("study_report", args=[answered.pk])
    assert researcher_client.post(url).status_code == 302
    assert (folder / "index.html").is_file() and (folder / "report.docx").is_file()
    assert not (folder / "report.pdf").exists()
    page = researcher_client.get(url).content.decode()
    assert PENDING in page
    assert PENDING_PAGE not in page  # the worker's own file is not listed ...
    hidden = reverse("study_report_file", args=[answered.pk, PENDING_PAGE])
    assert researcher_client.get(hidden).status_code == 404  # ... nor served

    assert run_queued_tasks() == 1  # the worker's part
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF")
    page = researcher_client.get(url).content.decode()
    assert PENDING not in page and "report.pdf" in page

    # Made again: the old PDF goes at once, so it never sits beside newer tables.
    researcher_client.post(url)
    assert not (folder / "report.pdf").exists()
    assert PENDING in researcher_client.get(url).content.decode()


def test_a_pdf_that_cannot_be_made_is_reported_on_the_page_and_in_the_log(
    researcher_client, answered, folder, monkeypatch, caplog
):
    def broken(page: str, path: str) -> None:
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(typst_pdf, "write_pdf", broken)
    url = reverse("study_report", args=[answered.pk])
    researcher_client.post(url)
    with caplog.at_level(logging.ERROR, logger="samspil.web.reportpdf"):
        run_queued_tasks()
    page = researcher_client.get(url).content.decode()
    assert FAILED in page and PENDING not in page
    assert "index.html" in page  # the other files are there
    assert f"the PDF of the report in study-{answered.pk} could not be made" in caplog.text
    assert "the engine broke" in caplog.text

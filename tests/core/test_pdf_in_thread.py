"""The PDF laid out on a thread while the other formats are written (``samspil report``'s
default): it runs beside them, its errors reach the caller as they were raised (the
command line's message and exit code unchanged), and it is finished even when another
format fails."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from samspil.demo import demo_file
from samspil.errors import DomainError
from samspil.reports import publish as publishing
from samspil.reports import typst_pdf
from samspil.reports.publish import FORMATS, PDF_NAME, PdfInThread, publish

WAIT = 120  # seconds: a generous bound for a step that takes milliseconds


@pytest.fixture
def job(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A job whose formats are stand-ins (each writes its own name), with the PDF's input
    a fixed text, so a test sees only how :func:`publish` runs them."""
    monkeypatch.setattr(publishing, "pdf_input", lambda job: "<p>side</p>")
    for name in FORMATS:
        if name != "pdf":

            def write(job, name=name):  # type: ignore[no-untyped-def]
                path = job.out / f"{name}.txt"
                path.write_text(name, encoding="utf-8")
                return [path]

            monkeypatch.setitem(FORMATS, name, write)
    return SimpleNamespace(out=tmp_path / "report")


def test_the_pdf_is_laid_out_on_a_thread_while_the_other_formats_are_written(job, monkeypatch):
    others_written = threading.Event()
    seen: dict[str, object] = {}

    def write_pdf(page: str, path: str) -> None:
        seen["thread"] = threading.current_thread()
        # Finishes only once Word is written: in turn with the others this would wait in vain.
        seen["beside"] = others_written.wait(WAIT)
        Path(path).write_text(page, encoding="utf-8")

    def write_docx(job):  # type: ignore[no-untyped-def]
        others_written.set()
        return []

    monkeypatch.setattr(typst_pdf, "write_pdf", write_pdf)
    monkeypatch.setitem(FORMATS, "docx", write_docx)
    written = publish(job, {"csv", "pdf", "docx"})  # type: ignore[arg-type]
    assert seen["thread"] is not threading.main_thread()
    assert seen["beside"] is True, "the PDF waited for Word: it was not laid out beside it"
    assert written == [job.out / "csv.txt", job.out / PDF_NAME]  # in the formats' order
    assert (job.out / PDF_NAME).read_text(encoding="utf-8") == "<p>side</p>"


def test_an_error_laying_out_the_pdf_is_raised_as_it_was_raised_in_the_thread(job, monkeypatch):
    failure = RuntimeError("the engine broke")

    def broken(page: str, path: str) -> None:
        raise failure

    monkeypatch.setattr(typst_pdf, "write_pdf", broken)
    with pytest.raises(RuntimeError) as raised:
        publish(job, {"csv", "pdf", "docx"})  # type: ignore[arg-type]
    assert raised.value is failure
    assert (job.out / "docx.txt").is_file()  # Word, after the PDF, was written meanwhile


def test_another_formats_error_wins_and_the_pdf_is_finished_first(job, monkeypatch):
    html_failed = threading.Event()

    def write_pdf(page: str, path: str) -> None:
        html_failed.wait(WAIT)  # still laying out when the other format fails
        Path(path).write_text(page, encoding="utf-8")
        raise RuntimeError("a second error, not the one to show")

    def broken_html(job):  # type: ignore[no-untyped-def]
        html_failed.set()
        raise ValueError("html broke")

    monkeypatch.setattr(typst_pdf, "write_pdf", write_pdf)
    monkeypatch.setitem(FORMATS, "html", broken_html)
    with pytest.raises(ValueError, match="html broke"):
        publish(job, {"html", "pdf"})  # type: ignore[arg-type]
    # publish returned only once the thread was done: no PDF is being written after it.
    assert (job.out / PDF_NAME).read_text(encoding="utf-8") == "<p>side</p>"
    assert not [t for t in threading.enumerate() if t.name == "samspil-pdf"]


def test_the_pdf_alone_is_laid_out_in_the_callers_thread(job, monkeypatch):
    threads = []

    def write_pdf(page: str, path: str) -> None:
        threads.append(threading.current_thread())
        Path(path).write_text(page, encoding="utf-8")

    monkeypatch.setattr(typst_pdf, "write_pdf", write_pdf)
    assert publish(job, {"pdf"}) == [job.out / PDF_NAME]  # type: ignore[arg-type]
    assert threads == [threading.main_thread()]


def test_bad_input_found_laying_out_the_pdf_is_reported_by_the_command_as_before(
    run_report, monkeypatch
):
    def refused(page: str, path: str) -> None:
        raise DomainError("the report cannot be laid out: reason")

    monkeypatch.setattr(typst_pdf, "write_pdf", refused)
    code, err, out = run_report("kd2024", demo_file("kd2024_demo.csv"), "--formats", "csv,pdf,html")
    assert code == 2
    assert err.strip().splitlines()[-1] == "error: the report cannot be laid out: reason"
    assert "Traceback" not in err
    assert not (out / PDF_NAME).exists()


def test_a_pdf_in_thread_with_nothing_submitted_has_written_nothing():
    assert PdfInThread().result() == []

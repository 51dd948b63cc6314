"""The PDF laid out on a thread while the other formats are written (``samspil report``'s
default): it runs beside them, its errors reach the caller as they were raised (the
command line's message and exit code unchanged), and it is finished even when another
format fails."""

from __future__ import annotations

import os
import re
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
    return SimpleNamespace(out=tmp_path / "report", scenes={}, publication=None)


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


# -- Word and the figures in a forked child (the command line's choice) ---------------------


def _pid_writer(name: str):  # type: ignore[no-untyped-def]
    def write(job):  # type: ignore[no-untyped-def]
        path = job.out / f"{name}.pid"
        path.write_text(str(os.getpid()), encoding="utf-8")
        return [path]

    return write


def test_with_fork_word_and_the_figures_are_written_by_a_child_process(job, monkeypatch):
    for name in ("csv", "figures", "docx"):
        monkeypatch.setitem(FORMATS, name, _pid_writer(name))
    monkeypatch.setattr(typst_pdf, "write_pdf", lambda page, path: Path(path).write_text(page))
    written = publish(job, {"csv", "figures", "docx", "pdf"}, fork=True)  # type: ignore[arg-type]
    assert [p.name for p in written] == ["csv.pid", "figures.pid", PDF_NAME, "docx.pid"]
    pids = {p.stem: int(p.read_text()) for p in written if p.suffix == ".pid"}
    assert pids["csv"] == os.getpid()
    assert pids["figures"] == pids["docx"] != os.getpid()


def test_without_fork_or_other_formats_nothing_is_forked(job, monkeypatch):
    for name in ("csv", "docx"):
        monkeypatch.setitem(FORMATS, name, _pid_writer(name))
    publish(job, {"csv", "docx"})  # type: ignore[arg-type]
    assert int((job.out / "docx.pid").read_text()) == os.getpid()
    publish(job, {"docx"}, fork=True)  # type: ignore[arg-type]
    assert int((job.out / "docx.pid").read_text()) == os.getpid()


def test_bad_input_met_in_the_child_reaches_the_command_as_its_message_and_exit_code(
    run_report, monkeypatch
):
    from samspil.reports import wordfile

    def refused(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise DomainError("the Word file cannot be written: reason")

    monkeypatch.setattr(wordfile, "write_docx", refused)
    code, err, out = run_report("kd2024", demo_file("kd2024_demo.csv"), "--formats", "csv,docx")
    assert code == 2
    assert err.strip().splitlines()[-1] == "error: the Word file cannot be written: reason"
    assert "Traceback" not in err
    assert (out / "tables").is_dir()  # this process's formats were written meanwhile


def test_a_bug_in_the_child_is_raised_with_the_childs_traceback(job, monkeypatch):
    def broken(job):  # type: ignore[no-untyped-def]
        raise KeyError("a bug in the Word writer")

    monkeypatch.setitem(FORMATS, "docx", broken)
    with pytest.raises(KeyError, match="a bug in the Word writer") as raised:
        publish(job, {"csv", "docx"}, fork=True)  # type: ignore[arg-type]
    note = "\n".join(raised.value.__notes__)
    assert "in the process writing docx" in note and "in broken" in note


class Unpicklable(Exception):
    def __init__(self, what: str, where: int) -> None:
        super().__init__(f"{what} at {where}")


def test_an_error_that_cannot_travel_arrives_as_its_text(job, monkeypatch):
    def broken(job):  # type: ignore[no-untyped-def]
        raise Unpicklable("odd", 3)

    monkeypatch.setitem(FORMATS, "figures", broken)
    with pytest.raises(RuntimeError, match="Unpicklable: odd at 3"):
        publish(job, {"csv", "figures"}, fork=True)  # type: ignore[arg-type]


def test_a_child_that_dies_without_an_answer_is_an_error_not_a_hang(job, monkeypatch):
    monkeypatch.setitem(FORMATS, "docx", lambda job: os._exit(3))
    with pytest.raises(RuntimeError, match=re.escape("ended without an answer (exit status 3)")):
        publish(job, {"csv", "docx"}, fork=True)  # type: ignore[arg-type]


def test_the_childs_error_wins_over_the_pdf_and_both_are_waited_for(job, monkeypatch):
    def write_pdf(page: str, path: str) -> None:
        Path(path).write_text(page, encoding="utf-8")
        raise RuntimeError("not the error to show")

    def broken(job):  # type: ignore[no-untyped-def]
        raise ValueError("Word broke")

    monkeypatch.setattr(typst_pdf, "write_pdf", write_pdf)
    monkeypatch.setitem(FORMATS, "docx", broken)
    with pytest.raises(ValueError, match="Word broke"):
        publish(job, {"csv", "pdf", "docx"}, fork=True)  # type: ignore[arg-type]
    assert (job.out / PDF_NAME).is_file()
    assert not [t for t in threading.enumerate() if t.name == "samspil-pdf"]

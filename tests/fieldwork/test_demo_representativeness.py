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


def _complete_all(study) -> None:  # type: ignore[no-untyped-def]
    instrument = study.instrument
    last = len(instrument.sections) - 1
    for respondent in study.respondents.filter(is_test=False).order_by("row_number"):
        actions.do_save_page(
            respondent,
            actions.PageSave({"udf_by": 3.0}, instrument.sections[-1].id, last, complete=True),
        )


def test_the_demo_studys_report_is_raked_to_the_regions_as_post_stratification_gives(
    settings, tmp_path
):
    settings.DEMO = True
    study, _url = ensure_demo_study("http://demo.test")
    assert study.rake == "region"
    _complete_all(study)
    export.make_study_report(study, tmp_path / "report", formats={"csv", "html"})
    tables = tmp_path / "report" / "tables"
    weights = pd.read_csv(tables / "rakingvaegte.csv")
    # one margin: raking is post-stratification; weight = population share / sample share,
    # normalised to mean 1 over the respondents
    facts = municipality_facts()
    population = facts["region"].astype(str).value_counts(normalize=True)
    sample = (
        pd.Series([facts.set_index("name").at[n, "region"] for n in DEMO_MUNICIPALITIES])
        .astype(str)
        .value_counts(normalize=True)
    )
    order = weights["category"].tolist()
    assert set(order) == set(sample.index)
    expected = population[order] / sample[order]
    expected = expected / (expected * sample[order]).sum()
    assert weights["weight"].tolist() == pytest.approx(expected.tolist(), rel=1e-6)
    assert weights["population_pct"].tolist() == pytest.approx((population[order] * 100).tolist())
    assert weights["respondents_pct"].tolist() == pytest.approx((sample[order] * 100).tolist())
    # the representativeness table's weighted shares are the municipalities'
    regions = pd.read_csv(tables / "tabel_10_3.csv")
    regions = regions[regions["characteristic"] == "Region"]
    assert regions["weighted_pct"].tolist() == pytest.approx(
        regions["population_pct"].tolist(), abs=1e-6
    )
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "rakingvægte (rakingvaegt)" in html and "fordeling på region som landets" in html
    assert "Procenter, andele og gennemsnit er vægtet med rakingvaegt" in html
    assert "Tabel 10.3a" in html and "Rakingvægtene" in html


def test_the_study_page_sets_the_reports_weighting_in_danish(researcher_client, study):
    page = researcher_client.get(f"/studier/{study.pk}/").content.decode()
    assert "Vægtning af rapporten" in page and 'action="/studier/' in page
    response = researcher_client.post(f"/studier/{study.pk}/vaegtning/", {"rake": "region"})
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.rake == "region"
    response = researcher_client.post(f"/studier/{study.pk}/vaegtning/", {"rake": "farve"})
    study.refresh_from_db()
    assert study.rake == "region"  # an unknown weighting is refused
    researcher_client.post(f"/studier/{study.pk}/vaegtning/", {"rake": ""})
    study.refresh_from_db()
    assert study.rake == ""


def test_a_weighted_study_cannot_get_a_previous_round_nor_the_reverse(
    researcher_client, researcher, study
):
    earlier = actions.do_create_study(
        "KD 2021", "kd2024", researchers=[researcher], controller="U", contact="d@example.org"
    )
    actions.do_set_rake(study, "region")
    response = researcher_client.post(
        f"/studier/{study.pk}/forrige-runde/", {"previous": earlier.pk}, follow=True
    )
    study.refresh_from_db()
    assert study.previous is None
    assert "En vægtet rapport kan ikke sammenlignes" in response.content.decode()
    actions.do_set_rake(study, "")
    actions.do_link_previous(study, earlier)
    response = researcher_client.post(
        f"/studier/{study.pk}/vaegtning/", {"rake": "region"}, follow=True
    )
    study.refresh_from_db()
    assert study.rake == ""
    assert "En vægtet rapport kan ikke sammenlignes" in response.content.decode()


def test_study_report_takes_rake_and_population_like_samspil_report(settings, tmp_path):
    from samspil.fieldwork.cli import main

    settings.DEMO = True
    study, _url = ensure_demo_study("http://demo.test")
    _complete_all(study)
    out = tmp_path / "unweighted"
    assert main(["study", "report", str(study.pk), "--rake", "none", "--out", str(out)]) == 0
    assert not (out / "tables" / "rakingvaegte.csv").exists()
    assert "weighted_pct" not in pd.read_csv(out / "tables" / "tabel_10_3.csv").columns
    out = tmp_path / "population"
    args = ["study", "report", str(study.pk), "--population", "kommuner", "--out", str(out)]
    assert main(args) == 0
    assert (out / "tables" / "rakingvaegte.csv").exists()  # the study's own weighting


def test_a_four_digit_municipality_code_is_found_as_the_facts_write_it(db):
    from samspil.fieldwork.respondents_import import read_respondents
    from samspil.municipalities.models import municipality_lookup

    lookup = municipality_lookup()
    assert lookup["0101"].name == "København" and lookup["0751"].name == "Aarhus"
    assert lookup["0101"] == lookup["101"]
    rows = read_respondents("liste.csv", b"navn,email,kommune\nA,a@example.org,0461\n")
    assert rows[0].municipality.name == "Odense"


def test_only_a_researcher_of_the_study_can_set_its_weighting(client, other_researcher, study):
    client.force_login(other_researcher)
    response = client.post(f"/studier/{study.pk}/vaegtning/", {"rake": "region"})
    assert response.status_code == 404
    study.refresh_from_db()
    assert study.rake == ""

"""Agreement page, codings export, adjudication, final codes and quotes, and the report."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from samspil.coding import agreement
from samspil.coding_web import actions
from samspil.coding_web.models import Decision
from samspil.fieldwork import actions as fieldwork

pytestmark = pytest.mark.django_db

CODES_A = {
    ("udf_vigtigste", "101"): ["arbejdskraft"],
    ("udf_vigtigste", "102"): ["oekonomisk_pres"],
    ("udf_vigtigste", "103"): ["demografi", "arbejdskraft"],
    ("udf_vigtigste", "104"): ["forventningskloeft"],
    ("erf_lykkes", "101"): ["tydelighed", "faelles_maal"],
    ("erf_lykkes", "102"): ["tid"],
    ("erf_lykkes", "104"): ["aabenhed"],
}
CODES_B = {
    **CODES_A,
    ("udf_vigtigste", "102"): ["oekonomisk_pres", "andet"],
    ("erf_lykkes", "104"): ["ligevaerd"],
}


@pytest.fixture
def coded(project, units, coder_a, coder_b):  # type: ignore[no-untyped-def]
    for coder, codes in ((coder_a, CODES_A), (coder_b, CODES_B)):
        for key, chosen in codes.items():
            quotable = coder == coder_a and key == ("udf_vigtigste", "103")
            actions.do_save_coding(project, units[key], coder, chosen, quotable=quotable)
    return project


def test_agreement_page_and_codings_csv(login, coded, researcher):
    c = login(researcher)
    page = c.get(f"/kodning/{coded.pk}/enighed/").content.decode()
    assert "Hvorfor sjældne koder får høj procentvis enighed og lav kappa" in page
    assert "4 af 4 svar er kodet af både koder_a og koder_b." in page
    assert "Koderne gav præcis de samme koder til 3 svar (75 %)." in page
    for heading in (
        "Procentvis enighed",
        "Positiv enighed",
        "Cohens kappa",
        "Krippendorffs alfa",
        "Prævalens",
    ):
        assert heading in page
    # Arbejdskraft: full agreement; Andet: B only, kappa 0; Områdeudfordring: never used.
    assert (
        '<th scope="row">Arbejdskraft</th><td>4</td><td>100 %</td><td>100 %</td><td>1,00</td><td>1,00</td><td>50 %</td>'
        in page
    )
    assert '<th scope="row">Andet</th><td>4</td><td>75 %</td><td>0 %</td><td>0,00</td>' in page
    assert "Ingen af koderne har brugt koden; kappa og alfa er ikke defineret." in page

    text = c.get(f"/kodning/{coded.pk}/kodninger.csv").content.decode()
    codings = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(codings.columns) == ["respondent_id", "variable", "coder", "code"]
    assert len(codings) == 2 * 9 + 1 - 1 + 1  # A: 9 codes, B: 10 codes
    # The page's numbers are the core's numbers on the exported codings.
    report = agreement(codings, coded.codebook).to_dict()["variables"]
    assert report["udf_vigtigste"]["exact_match"] == 0.75
    pooled = report["erf_lykkes"]["pooled"]
    assert f"{pooled['cohen_kappa']:.2f}".replace(".", ",") in page


def test_adjudication_final_codes_and_quotes(login, coded, units, researcher):
    c = login(researcher)
    p = f"/kodning/{coded.pk}"
    page = c.get(f"{p}/afgoerelse/").content.decode()
    disputed = units[("udf_vigtigste", "102")]
    other = units[("erf_lykkes", "104")]
    assert page.count('class="decision"') == 2
    assert f'id="svar-{disputed.pk}"' in page and f'id="svar-{other.pk}"' in page
    # Prefilled with the codes both gave.
    assert f'value="oekonomisk_pres" id="final-{disputed.pk}-oekonomisk_pres" checked>' in page
    assert f'value="andet" id="final-{disputed.pk}-andet">' in page
    assert (
        "4 svar; 4 kodet af begge kodere; 3 enige; 1 uenigheder, heraf 1 endnu ikke afgjort; 3 svar er endelige."
        in page
    )

    # Before all is decided, the final codes hold the agreed answers only.
    final = c.get(f"{p}/endelige-koder.csv").content.decode()
    assert "102,udf_vigtigste" not in final and "104,erf_lykkes" not in final

    response = c.post(
        f"{p}/afgoerelse/{disputed.pk}/", {"code": ["oekonomisk_pres"], "quotable": "1"}
    )
    assert response["Location"] == f"{p}/afgoerelse/#svar-{disputed.pk}"
    c.post(f"{p}/afgoerelse/{other.pk}/", {"code": ["aabenhed", "ligevaerd"]})
    decision = Decision.objects.get(unit=disputed)
    assert decision.decided_by == researcher and decision.codes == ["oekonomisk_pres"]
    page = c.get(f"{p}/afgoerelse/").content.decode()
    assert "Afgjort af forsker" in page and "Ret afgørelsen" in page

    final = c.get(f"{p}/endelige-koder.csv").content.decode()
    assert final.splitlines() == [
        "respondent_id,variable,code",
        "101,udf_vigtigste,arbejdskraft",
        "102,udf_vigtigste,oekonomisk_pres",
        "103,udf_vigtigste,arbejdskraft",
        "103,udf_vigtigste,demografi",
        "104,udf_vigtigste,forventningskloeft",
        "101,erf_lykkes,tydelighed",
        "101,erf_lykkes,faelles_maal",
        "102,erf_lykkes,tid",
        "104,erf_lykkes,aabenhed",
        "104,erf_lykkes,ligevaerd",
    ]
    quotes = c.get(f"{p}/citater.csv").content.decode()
    assert quotes.splitlines() == [
        "respondent_id,variable,text",
        "102,udf_vigtigste,Økonomisk pres og besparelser",
        "103,udf_vigtigste,Flere ældre borgere og færre hænder",
    ]
    # An agreed answer cannot be "decided"; a decision can be changed (a new version).
    agreed = units[("udf_vigtigste", "101")]
    response = c.post(f"{p}/afgoerelse/{agreed.pk}/", {"code": "andet"}, follow=True)
    assert "Koderne er enige om dette svar; det er allerede endeligt." in response.content.decode()
    c.post(f"{p}/afgoerelse/{disputed.pk}/", {"code": ["oekonomisk_pres", "andet"]})
    assert Decision.objects.filter(unit=disputed).count() == 2
    assert "102,udf_vigtigste,andet" in c.get(f"{p}/endelige-koder.csv").content.decode()


def test_report_from_the_data_file_has_the_theme_figures(login, coded, units, researcher, settings):
    c = login(researcher)
    p = f"/kodning/{coded.pk}"
    c.post(f"{p}/afgoerelse/{units[('udf_vigtigste', '102')].pk}/", {"code": "oekonomisk_pres"})
    response = c.post(f"{p}/rapport/")
    assert response["Location"] == f"{p}/rapport/"
    folder = settings.DATA_DIR / "reports" / f"coding-{coded.pk}"
    figure = pd.read_csv(folder / "tables" / "figur_4_1.csv")
    assert list(figure.columns) == ["option", "n", "percent"]
    shares = dict(zip(figure["option"], figure["n"], strict=True))
    assert shares["Arbejdskraft"] == 2 and shares["Økonomisk pres"] == 1
    assert figure.loc[figure["option"] == "Arbejdskraft", "percent"].item() == 50.0
    # erf_lykkes: respondent 104 is undecided, so the base is the 2 final answers.
    erf = pd.read_csv(folder / "tables" / "figur_7_2.csv")
    assert erf.loc[erf["option"] == "Tid", "percent"].item() == 50.0
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "Flere ældre borgere og færre hænder" in html  # the quote under figure 4.1
    page = c.get(f"{p}/rapport/").content.decode()
    assert "Figur 4.1: Udfordring" in page and "Bygger på 4 af 4 svar med endelige koder." in page
    assert '<th scope="row">Arbejdskraft</th><td>2</td><td>50,0 %</td>' in page
    assert f'src="{p}/rapport/figures/figur_4_1.svg"' in page
    svg = c.get(f"{p}/rapport/figures/figur_4_1.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert c.get(f"{p}/rapport/tables/figur_4_1.csv").status_code == 200
    assert c.get(f"{p}/rapport/../../samspil.sqlite3").status_code == 404
    assert c.get(f"{p}/rapport/tables/../../x").status_code == 404


def test_report_from_a_study_with_quotes(
    login, study, researcher, coder_a, coder_b, settings, monkeypatch
):
    monkeypatch.setattr(actions, "REPORT_FORMATS", frozenset({"csv"}))  # all figures: slow
    people = list(study.respondents.order_by("row_number"))
    texts = ["Mangel på arbejdskraft", "Økonomisk pres", "Flere ældre"]
    for person, text in zip(people, texts, strict=False):
        fieldwork.do_save_page(
            person, fieldwork.PageSave({"udf_vigtigste": text, "udf_by": 4.0}, "x", 1)
        )
    project = actions.do_create_project_from_study(
        "Fra studie", "kd2024", study, coders=(coder_a, coder_b), researchers=[researcher]
    )
    codes = {people[0].public_id: ["arbejdskraft"], people[1].public_id: ["oekonomisk_pres"]}
    for unit in project.units.all():
        for coder in (coder_a, coder_b):
            if unit.respondent_id in codes:
                actions.do_save_coding(
                    project, unit, coder, codes[unit.respondent_id], quotable=True
                )
    c = login(researcher)
    page = c.get(f"/kodning/{project.pk}/").content.decode()
    assert "Lav rapport" in page
    c.post(f"/kodning/{project.pk}/rapport/")
    folder = settings.DATA_DIR / "reports" / f"coding-{project.pk}"
    figure = pd.read_csv(folder / "tables" / "figur_4_1.csv")
    assert list(figure.columns) == ["option", "n", "percent"]
    assert figure.set_index("option").loc["Arbejdskraft", "percent"] == 50.0  # 2 final answers
    assert (folder / "tables" / "tabel_4_2.csv").is_file()  # the closed questions too
    responses, codes, quotes = actions.report_tables(project)
    data = responses.data
    assert list(quotes.columns) == ["respondent_id", "variable", "text"]
    assert quotes["text"].tolist() == ["Mangel på arbejdskraft", "Økonomisk pres"]
    # The answer without final codes is left out of the base of the theme figures.
    assert data["udf_vigtigste"].notna().sum() == 2 and len(codes) == 2

"""The register meets the surveys: fc2015 tables 5.1, 5.3, 5.4 and 5.6 from collaborations,
checked against shares counted in the test, and respondent lists for a study."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest

from samspil.cli import main
from samspil.register import actions
from samspil.register.actions import Partner
from samspil.register.models import Collaboration, Contact, Membership
from samspil.register.survey_tables import add_survey, register_tables
from samspil.register.tables import collaboration_frame

pytestmark = pytest.mark.django_db

# (initiative, organisation, character, start, end, report fields)
CASES = [
    (
        "lokale",
        "skriftlig",
        "integreret",
        dt.date(2024, 1, 1),
        None,
        {"participants": 10, "volunteer_hours": 100},
    ),
    (
        "lokale",
        "uformel",
        "lejligheder",
        dt.date(2025, 3, 1),
        dt.date(2025, 5, 1),
        {"participants": 5},
    ),
    ("dialog", "uformel", "lejligheder", dt.date(2025, 1, 1), dt.date(2025, 2, 1), None),
    (
        "organiserede",
        "skriftlig",
        "integreret",
        dt.date(2023, 1, 1),
        dt.date(2025, 1, 1),
        {"goals_met": True, "municipal_costs": 5000},
    ),
]
ASOF = dt.date(2026, 1, 1)


@pytest.fixture
def cases(staff, club, aarhus):  # type: ignore[no-untyped-def]
    made = []
    for n, (initiative, organisation, character, start, end, report) in enumerate(CASES):
        collab = actions.create_collaboration(
            staff,
            {
                "title": f"Samarbejde {n}",
                "form": "partnerskab",
                "initiative": initiative,
                "organisation": organisation,
                "character": character,
                "start_date": start,
                "end_date": end,
                "areas": ["kultur"],
            },
            [Partner("lead", municipality=aarhus), Partner("partner", organization=club)],
        )
        if report is not None:
            actions.save_report(
                staff,
                collab,
                {
                    "period_start": dt.date(2025, 1, 1),
                    "period_end": dt.date(2025, 12, 31),
                    **report,
                },
            )
        made.append(collab)
    return made


def _row(table: pd.DataFrame, label_start: str) -> pd.Series:
    return table[table["label"].str.startswith(label_start)].iloc[0]


def test_tables_count_shares_of_collaborations(cases):
    tables = register_tables(collaboration_frame(Collaboration.objects.all(), asof=ASOF))
    n = len(CASES)
    # 5.1: two of four were initiated by local actors, one by dialogue
    t51 = tables["tabel_5_1"]
    assert _row(t51, "Lokale civile aktører")["n"] == 2
    assert _row(t51, "Lokale civile aktører")["percent"] == pytest.approx(2 / n * 100)
    assert _row(t51, "Kommunen gik i dialog")["percent"] == pytest.approx(1 / n * 100)
    assert t51["percent"].sum() == pytest.approx(100)
    # 5.3: half written agreements
    assert _row(tables["tabel_5_3"], "Formel")["percent"] == pytest.approx(50)
    # 5.4: short = ended within six months (cases 1 and 2); long = cases 0 (open) and 3
    t54 = tables["tabel_5_4"]
    assert _row(t54, "Kortvarige")["n"] == 2
    assert _row(t54, "Langvarige")["n"] == 2
    assert _row(t54, "En integreret")["percent"] == pytest.approx(50)
    # 5.6: participants documented in 2 of 4, volunteer hours 1, goals 1, costs 1, none 1
    t56 = tables["tabel_5_6"]
    expected = {
        "Antal borgere": 2,
        "De samlede frivillige": 1,
        "Om målene": 1,
        "De samlede kommunale": 1,
        "Ingen af målene": 1,
        "Borgernes": 0,
    }
    for label, count in expected.items():
        assert _row(t56, label)["n"] == count
        assert _row(t56, label)["percent"] == pytest.approx(count / n * 100)


def test_survey_figures_go_beside_the_register(cases, tmp_path):
    tables = register_tables(collaboration_frame(Collaboration.objects.all(), asof=ASOF))
    folder = tmp_path / "tables"
    folder.mkdir()
    items = ["organiserede", "enkeltstaaende", "dialog", "brugere", "lokale", "regionale"]
    pd.DataFrame({"item": items, "Som regel": [10, 20, 30, 40, 50, 60], "n": 100}).to_csv(
        folder / "tabel_5_1.csv", index=False
    )
    pd.DataFrame({"answer": list("abcde"), "n": 1, "percent": [5, 15, 50, 20, 10]}).to_csv(
        folder / "tabel_5_3.csv", index=False
    )
    result = add_survey(tables, folder)
    assert _row(result["tabel_5_1"], "Lokale civile aktører")["survey_percent"] == 50
    assert pd.isna(_row(result["tabel_5_1"], "Andet")["survey_percent"])
    assert _row(result["tabel_5_3"], "Formel")["survey_percent"] == 20  # always + often formal
    assert _row(result["tabel_5_3"], "Uformelt")["survey_percent"] == 70
    assert result["tabel_5_4"]["survey_percent"].isna().all()  # no file given


@pytest.mark.django_db(transaction=True)
def test_tables_command_writes_a_municipalitys_tables(cases, tmp_path, capsys):
    assert main(["register", "tables", "--kommune", "Aarhus", "--out", str(tmp_path)]) == 0
    assert "4 collaborations (Aarhus)" in capsys.readouterr().out
    t53 = pd.read_csv(tmp_path / "tabel_5_3.csv")
    assert list(t53.columns) == ["label", "n", "percent"]
    assert main(["register", "tables", "--kommune", "Odense", "--out", str(tmp_path)]) == 2
    assert "no collaborations in Odense" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_respondent_list_from_contact_points_feeds_a_study(aarhus, odense, tmp_path, capsys):
    from samspil.fieldwork.respondents_import import read_respondents

    Contact.objects.create(
        municipality=aarhus,
        title="Frivilligchef",
        name="Anna Chef",
        email="anna@example.org",
        areas=["social"],
    )
    Contact.objects.create(municipality=aarhus, title="Uden mail")
    Contact.objects.create(
        municipality=odense, title="Kulturchef", email="kultur@example.org", personal=False
    )
    out = tmp_path / "respondenter.csv"
    assert (
        main(["register", "respondents", "contact-points", "--kommune", "751", "--out", str(out)])
        == 0
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["navn"], r["email"], r["kommune"]) for r in rows] == [
        ("Anna Chef", "anna@example.org", "Aarhus")
    ]
    parsed = read_respondents(out.name, out.read_bytes())
    assert parsed[0].municipality == aarhus and parsed[0].attributes == {"område": "Socialopgaver"}


@pytest.mark.django_db(transaction=True)
def test_respondent_list_from_actors_uses_their_contacts(club, tmp_path):
    Contact.objects.create(organization=club, title="Formand", name="Ole", email="ole@example.org")
    out = tmp_path / "foreninger.csv"
    assert main(["register", "respondents", "actors", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["navn"], r["email"], r["enhed"]) for r in rows] == [
        ("Ole", "ole@example.org", "Boldklubben Øst")
    ]
    assert Membership.objects.count() == 0


def test_every_option_of_question_23_but_none_is_a_measure_a_report_records():
    from samspil.register.actions import REPORT_FIELDS
    from samspil.register.taxonomy import taxonomy

    measures = taxonomy().measures
    assert {t.survey for t in measures} | {9} == set(range(1, 11))  # (9): "we do not measure"
    assert all(t.field in REPORT_FIELDS for t in measures)


def _collaboration_with_report(staff, club, aarhus, title, **report):  # type: ignore[no-untyped-def]
    collab = actions.create_collaboration(
        staff,
        {"title": title, "form": "netvaerk", "initiative": "dialog", "organisation": "uformel",
         "character": "lejligheder", "areas": ["social"]},
        [Partner("lead", municipality=aarhus), Partner("partner", organization=club)],
    )  # fmt: skip
    period = {"period_start": dt.date(2025, 1, 1), "period_end": dt.date(2025, 6, 30)}
    actions.save_report(staff, collab, {**period, **report})
    return collab


def test_described_measures_new_methods_local_outcome_and_other_count_in_tabel_5_6(
    staff, club, aarhus
):
    _collaboration_with_report(
        staff, club, aarhus, "A", new_methods="Forandringsteori", local_outcome="Mere liv i byen"
    )
    _collaboration_with_report(staff, club, aarhus, "B", other_measure="Dialogmøder")
    _collaboration_with_report(staff, club, aarhus, "C", other_measure="   ")  # says nothing
    t56 = register_tables(collaboration_frame(Collaboration.objects.all(), asof=ASOF))["tabel_5_6"]
    expected = {"Nye metoder": 1, "Det samlede udbytte": 1, "Andet": 1, "Ingen af målene": 1}
    for label, count in expected.items():
        assert _row(t56, label)["n"] == count
        assert _row(t56, label)["percent"] == pytest.approx(count / 3 * 100)
    assert len(t56) == 10  # the nine measures and "none", as the survey's ten options


def test_the_report_form_records_the_described_measures(client, staff, collaboration):
    from django.urls import reverse

    from samspil.register.models import ValueReport

    client.force_login(staff)
    url = reverse("register_report_new", args=[collaboration.uuid])
    page = client.get(url).content.decode()
    assert "Nye metoder til at måle værdiskabelse og effekt" in page
    response = client.post(
        url,
        {
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "goals_met": "unknown",
            "new_methods": "Effektkæde",
            "local_outcome": "Flere frivillige i området",
            "other_measure": "Tilbagemeldinger",
            "goal-TOTAL_FORMS": "0",
            "goal-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    report = ValueReport.objects.get()
    assert (report.new_methods, report.local_outcome, report.other_measure) == (
        "Effektkæde",
        "Flere frivillige i området",
        "Tilbagemeldinger",
    )
    assert {"new_methods", "local_outcome", "other"} <= set(report.measures_documented())

"""Suggested codes: trained on final codes, pre-ticked on the workbench, never final."""

from __future__ import annotations

import pandas as pd
import pytest

from samspil.coding_web import actions
from samspil.coding_web.models import CodingVersion, Decision, Suggestion, SuggestionRun
from samspil.coding_web.state import final_frame, unit_state, unit_states
from tests.coding.synthetic import answers

pytestmark = pytest.mark.django_db

N_ANSWERS = 60
N_FINAL = 45


@pytest.fixture
def synthetic(researcher, coder_a, coder_b):  # type: ignore[no-untyped-def]
    """60 synthetic answers to udf_vigtigste; the first 45 coded alike by both coders."""
    texts, codes = answers(N_ANSWERS, seed=3)
    content = pd.DataFrame(
        {"respondent_id": texts["respondent_id"], "udf_vigtigste": texts["text"]}
    ).to_csv(index=False)
    project = actions.do_create_project_from_file(
        "Syntetisk",
        "kd2024",
        "syntetisk.csv",
        content.encode(),
        coders=(coder_a, coder_b),
        researchers=[researcher],
    )
    by_id = codes.groupby("respondent_id")["code"].apply(list).to_dict()
    units = list(project.units.order_by("position"))
    for unit in units[:N_FINAL]:
        for coder in (coder_a, coder_b):
            actions.do_save_coding(project, unit, coder, by_id[int(unit.respondent_id)])
    return project, units, by_id


def test_too_few_final_answers(login, project, researcher):
    c = login(researcher)
    page = c.get(f"/kodning/{project.pk}/forslag/").content.decode()
    assert "Forslag kræver mindst 10 svar med endelige koder." in page
    response = c.post(f"/kodning/{project.pk}/forslag/", {"variable": "udf_vigtigste"}, follow=True)
    assert "Kun 0 svar på dette spørgsmål har endelige koder" in response.content.decode()
    assert not SuggestionRun.objects.exists()


def test_training_stores_suggestions_but_no_codings(login, synthetic, researcher, coder_a):
    project, units, _by_id = synthetic
    c = login(researcher)
    finals_before = final_frame(project, unit_states(project))
    versions_before = CodingVersion.objects.count()
    response = c.post(f"/kodning/{project.pk}/forslag/", {"variable": "udf_vigtigste"}, follow=True)
    page = response.content.decode()
    assert "Der blev lavet forslag til 15 svar uden endelige koder." in page
    run = SuggestionRun.objects.get()
    assert run.n_answers == N_FINAL and run.threshold == 0.7 and run.trained_by == researcher
    summary = run.evaluation["summary"]
    assert summary["n_answers"] == N_FINAL and 0 < summary["share_answers_pre_ticked"] <= 1
    assert {"code", "cohen_kappa", "n_pre_ticked", "pre_tick_precision"} <= set(
        run.evaluation["codes"][0]
    )
    # The quality is shown, with the plain warning about too few examples.
    assert "Kvalitet, krydsvalideret" in page and "Andel svar med en kode sat på forhånd" in page
    assert "Træfsikkerhed ved tærsklen" in page and "Kappa ved tærsklen" in page
    assert "Kun 45 kodede svar (under 50)." in page
    assert "Koden &#x27;Andet&#x27; har kun" in page
    # Suggestions only for the answers without final codes; nothing else changed.
    assert Suggestion.objects.count() == N_ANSWERS - N_FINAL
    assert {s.unit_id for s in Suggestion.objects.all()} == {u.pk for u in units[N_FINAL:]}
    assert CodingVersion.objects.count() == versions_before and not Decision.objects.exists()
    pd.testing.assert_frame_equal(final_frame(project, unit_states(project)), finals_before)
    for unit in units[N_FINAL:]:
        assert unit_state(project, unit).final is None


def test_workbench_pre_ticks_suggestions_and_the_coder_decides(
    login, synthetic, researcher, coder_a, coder_b
):
    project, _units, _by_id = synthetic
    actions.do_train_suggestions(project, "udf_vigtigste", researcher)
    suggestion = next(s for s in Suggestion.objects.order_by("unit__position") if s.pre_ticked)
    unit = suggestion.unit
    assert all(suggestion.probabilities[c] >= 0.7 for c in suggestion.pre_ticked)
    below = [c for c, p in suggestion.probabilities.items() if p < 0.7]
    a = login(coder_a)
    url = f"/kodning/{project.pk}/svar/{unit.pk}/"
    page = a.get(url).content.decode()
    assert "Nogle koder er sat på forhånd som forslag" in page
    for code in suggestion.pre_ticked:
        assert f'id="code-{code}" ' in page
        block = page.split(f'id="code-{code}"')[1].split("</div>")[0]
        assert " checked>" in block and '<span class="suggestion-badge">Forslag' in block
    for code in below:
        block = page.split(f'id="code-{code}"')[1].split("</div>")[0]
        assert "checked" not in block and "Forslag" not in block
    # Looking is not coding.
    assert not CodingVersion.objects.filter(unit=unit).exists()
    # The coder changes the suggestion: the saved coding is theirs, the suggestion is noted.
    a.post(url, {"code": ["andet"]})
    version = CodingVersion.objects.get(unit=unit)
    assert version.codes == ["andet"] and version.suggested == suggestion.pre_ticked
    assert unit_state(project, unit).final is None  # one coder is not final
    # Once coded, the coder sees their own codes, not the suggestion.
    page = a.get(url).content.decode()
    assert "Forslag" not in page.split('id="coding-form"')[1]
    # Coder B also sees the suggestion until they code; their own save makes it final.
    b = login(coder_b)
    assert '<span class="suggestion-badge">Forslag' in b.get(url).content.decode()
    b.post(url, {"code": ["andet"]})
    assert unit_state(project, unit).final == {"andet"}


def test_a_higher_threshold_pre_ticks_fewer_codes_from_the_next_training(
    login, synthetic, researcher
):
    project, _units, _by_id = synthetic
    c = login(researcher)
    c.post(f"/kodning/{project.pk}/forslag/", {"variable": "udf_vigtigste"})
    low = Suggestion.objects.filter(run=SuggestionRun.objects.get())
    ticked_low = sum(len(s.pre_ticked) for s in low)
    response = c.post(f"/kodning/{project.pk}/forslag/taerskel/", {"threshold": "95"}, follow=True)
    assert "Tærsklen er gemt; træn forslagene igen." in response.content.decode()
    project.refresh_from_db()
    assert project.threshold == pytest.approx(0.95)
    c.post(f"/kodning/{project.pk}/forslag/", {"variable": "udf_vigtigste"})
    run = SuggestionRun.objects.latest("pk")
    assert run.threshold == pytest.approx(0.95)
    ticked_high = sum(len(s.pre_ticked) for s in Suggestion.objects.filter(run=run))
    assert ticked_high < ticked_low


def test_threshold_outside_50_to_99_is_refused(login, project, researcher, coder_a):
    c = login(researcher)
    response = c.post(f"/kodning/{project.pk}/forslag/taerskel/", {"threshold": "30"}, follow=True)
    assert "Denne værdi skal være større end eller lig 50." in response.content.decode()
    project.refresh_from_db()
    assert project.threshold == pytest.approx(0.7)
    coder = login(coder_a)
    assert (
        coder.post(f"/kodning/{project.pk}/forslag/taerskel/", {"threshold": "80"}).status_code
        == 403
    )
    with pytest.raises(actions.ActionError, match="fra 50 til 99"):
        actions.do_set_threshold(project, 100)

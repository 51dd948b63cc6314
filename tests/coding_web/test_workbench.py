"""The workbench: one answer with the codebook, saving versions, next answer, progress."""

from __future__ import annotations

import pytest

from samspil.coding_web.models import CodingVersion
from samspil.coding_web.state import unit_state

pytestmark = pytest.mark.django_db


def test_workbench_shows_the_answer_with_the_codebook_and_shortcuts(login, project, units, coder_a):
    unit = units[("udf_vigtigste", "101")]
    response = login(coder_a).get(f"/kodning/{project.pk}/svar/{unit.pk}/")
    page = response.content.decode()
    assert "Mangel på arbejdskraft i ældreplejen" in page
    assert "Svar 1 af 4" in page and "Du har kodet 0 af 4 svar på dette spørgsmål." in page
    # Themes with their descriptions and keyboard keys; Enter and q are explained.
    assert '<kbd class="key" aria-hidden="true">1</kbd> Arbejdskraft</label>' in page
    assert "Udfordringer relateret til rekruttering og fastholdelse af arbejdskraft." in page
    assert 'aria-keyshortcuts="6"' in page and 'data-key="q"' in page
    assert "q for citat og Enter for at gemme" in page
    assert 'src="/static/coding_web/workbench.js"' in page
    assert "Forslag" not in page


def test_save_adds_versions_and_goes_to_the_next_uncoded_answer(login, project, units, coder_a):
    c = login(coder_a)
    first, second = units[("udf_vigtigste", "101")], units[("udf_vigtigste", "102")]
    response = c.post(
        f"/kodning/{project.pk}/svar/{first.pk}/",
        {"code": ["demografi", "arbejdskraft"], "quotable": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/kodning/{project.pk}/svar/{second.pk}/"
    version = CodingVersion.objects.get()
    assert version.coder == coder_a and version.codes == ["arbejdskraft", "demografi"]
    assert version.quotable and version.created_at is not None
    # Edit: a second version; the first stays, the latest is current.
    c.post(f"/kodning/{project.pk}/svar/{first.pk}/", {"code": ["arbejdskraft"]})
    assert list(CodingVersion.objects.order_by("pk").values_list("codes", flat=True)) == [
        ["arbejdskraft", "demografi"],
        ["arbejdskraft"],
    ]
    state = unit_state(project, first)
    assert state.codes_of(coder_a.pk) == {"arbejdskraft"}
    page = c.get(f"/kodning/{project.pk}/svar/{first.pk}/").content.decode()
    assert (
        'value="arbejdskraft" id="code-arbejdskraft" data-key="1" aria-keyshortcuts="1" aria-describedby="desc-arbejdskraft" checked>'
        in page
    )
    assert 'id="quotable" data-key="q" aria-keyshortcuts="q">' in page  # no longer quotable
    assert "Gemmer du igen, tilføjes en ny version." in page
    # "No code" is a coding too.
    c.post(f"/kodning/{project.pk}/svar/{second.pk}/", {})
    assert unit_state(project, second).codes_of(coder_a.pk) == frozenset()
    assert (
        "Du har kodet 2 af 4 svar"
        in c.get(f"/kodning/{project.pk}/svar/{second.pk}/").content.decode()
    )


def test_next_wraps_round_and_moves_to_the_next_question(login, project, units, coder_a):
    c = login(coder_a)
    p = f"/kodning/{project.pk}"
    order = [units[("udf_vigtigste", r)] for r in ("101", "102", "103", "104")]
    # Skip the first answer, code the others; saving the last leads back to the first.
    for unit in order[1:3]:
        c.post(f"{p}/svar/{unit.pk}/", {"code": "andet"})
    response = c.post(f"{p}/svar/{order[3].pk}/", {"code": "andet"})
    assert response["Location"] == f"{p}/svar/{order[0].pk}/"
    response = c.post(f"{p}/svar/{order[0].pk}/", {"code": "andet"})
    erf = units[("erf_lykkes", "101")]
    assert response["Location"] == f"{p}/svar/{erf.pk}/"  # on to the next question
    assert c.get(f"{p}/kod/udf_vigtigste/")["Location"] == f"{p}/svar/{erf.pk}/"
    assert c.get(f"{p}/kod/")["Location"] == f"{p}/svar/{erf.pk}/"
    assert c.get(f"{p}/kod/ukendt/").status_code == 404
    page = c.get(f"{p}/").content.decode()
    assert "4 / 4" in page and "0 / 3" in page


def test_unknown_code_is_refused(login, project, units, coder_a):
    unit = units[("udf_vigtigste", "101")]
    c = login(coder_a)
    response = c.post(f"/kodning/{project.pk}/svar/{unit.pk}/", {"code": "tydelighed"}, follow=True)
    assert "Ukendt(e) kode(r) til dette spørgsmål: tydelighed" in response.content.decode()
    assert not CodingVersion.objects.exists()

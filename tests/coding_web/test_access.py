"""Who sees what: login, membership, roles, CSRF, and the independence of the two coders."""

from __future__ import annotations

import pytest
from django.test import Client

from samspil.coding_web import actions
from samspil.coding_web.models import CodingVersion

pytestmark = pytest.mark.django_db


def _paths(project, unit):  # type: ignore[no-untyped-def]
    p = f"/kodning/{project.pk}"
    return [
        "/kodning/",
        f"{p}/",
        f"{p}/kod/",
        f"{p}/svar/{unit.pk}/",
        f"{p}/enighed/",
        f"{p}/kodninger.csv",
        f"{p}/afgoerelse/",
        f"{p}/endelige-koder.csv",
        f"{p}/citater.csv",
        f"{p}/forslag/",
        f"{p}/rapport/",
    ]


def test_login_required(client, project, units):
    unit = units[("udf_vigtigste", "101")]
    for path in _paths(project, unit):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/login/?next="), path


def test_non_member_gets_404(login, project, units, outsider, other_researcher):
    unit = units[("udf_vigtigste", "101")]
    for user in (outsider, other_researcher):
        c = login(user)
        for path in _paths(project, unit)[1:]:
            assert c.get(path).status_code == 404, path
        assert (
            c.post(f"/kodning/{project.pk}/svar/{unit.pk}/", {"code": "andet"}).status_code == 404
        )
        assert c.post(f"/kodning/{project.pk}/afgoerelse/{unit.pk}/").status_code == 404
        assert project.name not in c.get("/kodning/").content.decode()
    assert not CodingVersion.objects.exists()


def test_roles(login, project, units, coder_a, researcher):
    unit = units[("udf_vigtigste", "101")]
    p = f"/kodning/{project.pk}"
    coder = login(coder_a)
    for path in ("afgoerelse/", "endelige-koder.csv", "citater.csv", "forslag/", "rapport/"):
        assert coder.get(f"{p}/{path}").status_code == 403, path
    assert coder.post(f"{p}/afgoerelse/{unit.pk}/", {"code": "andet"}).status_code == 403
    assert coder.get(f"{p}/enighed/").status_code == 200
    assert coder.get(f"{p}/svar/{unit.pk}/").status_code == 200
    # The researcher manages but does not code.
    manager = login(researcher)
    assert manager.get(f"{p}/svar/{unit.pk}/").status_code == 403
    assert manager.get(f"{p}/afgoerelse/").status_code == 200
    # A unit of another project is not reachable through this one.
    other = actions.do_create_project_from_file(
        "Andet",
        "kd2024",
        "b.csv",
        b"respondent_id,udf_vigtigste\n1,Tekst\n",
        coders=(coder_a, researcher),
    )
    foreign = other.units.get()
    assert coder.get(f"{p}/svar/{foreign.pk}/").status_code == 404


def test_csrf_is_required(project, units, coder_a):
    unit = units[("udf_vigtigste", "101")]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(coder_a)
    url = f"/kodning/{project.pk}/svar/{unit.pk}/"
    response = strict.post(url, {"code": "arbejdskraft"})
    assert response.status_code == 403
    assert not CodingVersion.objects.exists()
    page = strict.get(url)
    token = page.cookies["csrftoken"].value
    assert (
        strict.post(url, {"code": "arbejdskraft", "csrfmiddlewaretoken": token}).status_code == 302
    )
    assert CodingVersion.objects.count() == 1


def _codings_csv(c, project):  # type: ignore[no-untyped-def]
    return c.get(f"/kodning/{project.pk}/kodninger.csv").content.decode()


def test_a_coder_never_sees_the_other_coders_codes_before_both_coded(
    login, project, units, coder_a, coder_b, researcher
):
    unit = units[("udf_vigtigste", "101")]
    a, b = login(coder_a), login(coder_b)
    url = f"/kodning/{project.pk}/svar/{unit.pk}/"
    # B codes first, with a code A would not give and marks it quotable.
    b.post(url, {"code": ["oekonomisk_pres", "demografi"], "quotable": "1"})
    page_a = a.get(url).content.decode()
    assert (
        'value="oekonomisk_pres" id="code-oekonomisk_pres" data-key="4" aria-keyshortcuts="4" aria-describedby="desc-oekonomisk_pres">'
        in page_a
    )
    assert "checked" not in page_a.split('id="coding-form"')[1]
    csv_a = _codings_csv(a, project)
    assert csv_a.strip() == "respondent_id,variable,coder,code"
    assert "koder_b" not in a.get(f"/kodning/{project.pk}/enighed/").content.decode()
    # The manager (not a coder) sees B's coding already.
    assert "101,udf_vigtigste,koder_b,demografi" in _codings_csv(login(researcher), project)

    # Once A has coded the answer too, both codings are visible to both.
    a.post(url, {"code": ["arbejdskraft"]})
    csv_a = _codings_csv(a, project)
    assert "101,udf_vigtigste,koder_a,arbejdskraft" in csv_a
    assert "101,udf_vigtigste,koder_b,oekonomisk_pres" in csv_a
    assert "101,udf_vigtigste,koder_b,demografi" in csv_a
    # ... but only for that answer: B's next coding stays hidden from A.
    other = units[("udf_vigtigste", "102")]
    b.post(f"/kodning/{project.pk}/svar/{other.pk}/", {"code": ["andet"]})
    assert "102," not in _codings_csv(a, project)
    assert "102,udf_vigtigste,koder_b,andet" in _codings_csv(b, project)


def test_a_manager_who_codes_is_held_to_the_rule(login, coder_b, researcher):
    project = actions.do_create_project_from_file(
        "Selv",
        "kd2024",
        "c.csv",
        b"respondent_id,udf_vigtigste\n1,Tekst\n2,Mere\n",
        coders=(researcher, coder_b),
        researchers=[researcher],
    )
    first, _second = project.units.order_by("position")
    actions.do_save_coding(project, first, coder_b, ["andet"])
    manager = login(researcher)
    assert "coder_b" not in _codings_csv(manager, project)
    assert "koder_b" not in _codings_csv(manager, project)
    page = manager.get(f"/kodning/{project.pk}/afgoerelse/").content.decode()
    assert "Respondent 1" not in page
    actions.do_save_coding(project, first, researcher, ["demografi"])
    assert "1,udf_vigtigste,koder_b,andet" in _codings_csv(manager, project)
    assert "Respondent 1" in manager.get(f"/kodning/{project.pk}/afgoerelse/").content.decode()

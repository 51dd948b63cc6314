"""Only researchers (staff accounts) create coding projects; a coder neither creates one
nor sees the list of every account (issue 9, item 3)."""

from __future__ import annotations

import io

import pytest

from samspil.coding_web.models import CodingProject
from tests.coding_web.conftest import ANSWERS_CSV

pytestmark = pytest.mark.django_db


def _create(client, coder_a, coder_b):  # type: ignore[no-untyped-def]
    upload = io.BytesIO(ANSWERS_CSV.encode())
    upload.name = "svar.csv"
    return client.post(
        "/kodning/",
        {
            "name": "Koderens projekt",
            "codebook": "kd2024",
            "source": "file",
            "file": upload,
            "coder_1": coder_a.pk,
            "coder_2": coder_b.pk,
        },
    )


def test_a_coder_cannot_create_a_project_or_list_the_accounts(
    login, project, coder_a, coder_b, outsider
):
    coder = login(coder_a)
    page = coder.get("/kodning/")
    text = page.content.decode()
    assert page.status_code == 200 and project.name in text  # their own project is listed
    assert 'name="coder_1"' not in text and outsider.username not in text
    assert _create(coder, coder_a, coder_b).status_code == 403
    assert CodingProject.objects.count() == 1


def test_a_researcher_creates_projects_and_picks_coders_among_all_accounts(
    researcher_client, coder_a, coder_b, outsider
):
    text = researcher_client.get("/kodning/").content.decode()
    assert 'name="coder_1"' in text and outsider.username in text
    assert _create(researcher_client, coder_a, coder_b).status_code == 302

"""An answers file refused for a coding project is refused in Danish (issue 17, items 4
and 5): the spreadsheet bounds and a UTF-16 file without its byte order mark."""

from __future__ import annotations

import io

import pytest

from samspil.coding_web.models import CodingProject
from tests.core import xlsx_attacks

pytestmark = pytest.mark.django_db


def _post(client, coder_a, coder_b, name: str, data: bytes) -> str:  # type: ignore[no-untyped-def]
    upload = io.BytesIO(data)
    upload.name = name
    fields = {"name": "Kodning", "codebook": "kd2024", "source": "file"}
    response = client.post(
        "/kodning/", {**fields, "coder_1": coder_a.pk, "coder_2": coder_b.pk, "file": upload}
    )
    assert response.status_code == 200 and not CodingProject.objects.exists()
    return str(response.content.decode())


def test_an_answers_file_with_a_ten_million_cell_row_is_refused_in_danish(
    researcher_client, coder_a, coder_b
):
    page = _post(researcher_client, coder_a, coder_b, "svar.xlsx", xlsx_attacks.wide_row())
    assert "svar.xlsx: filen pakker ud til mere, end samspil læser fra én fil" in page


def test_a_utf16_answers_file_without_a_byte_order_mark_asks_for_csv_utf8(
    researcher_client, coder_a, coder_b
):
    data = "respondent_id,udf_vigtigste\n1,Økonomi\n".encode("utf-16-le")
    page = _post(researcher_client, coder_a, coder_b, "svar.csv", data)
    assert "svar.csv: filen er ikke en CSV-tekstfil i UTF-8. Gem filen som CSV UTF-8." in page

"""A study's report uses the study's frozen questionnaire: editing the bundled file after
the study opened changes nothing in the study's report."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import samspil.instruments as instruments
from samspil.fieldwork import actions
from samspil.fieldwork import models as fieldwork_models
from samspil.fieldwork.export import study_responses
from samspil.reports import compute

EDITED = "REDIGERET SKALATRIN"


def _tables(study) -> dict[str, pd.DataFrame]:
    _, results = compute("kd2024", study_responses(study))
    return {r.block.id: r.data for r in results if not r.skipped}


@pytest.mark.django_db
def test_editing_the_bundled_file_after_opening_leaves_the_study_report_unchanged(
    study, tmp_path, monkeypatch
):
    for number, r in enumerate(study.respondents.order_by("row_number")):
        answers = {"udf_by": float(number % 5 + 1), "udf_klima": 5.0}
        actions.do_save_page(r, actions.PageSave(answers, "baggrund", 10, complete=True))
    before = _tables(study)
    assert "I meget høj grad" in pd.concat(before.values()).to_csv()

    # The bundled questionnaire is edited on disk after the study opened.
    edited = tmp_path / "data"
    shutil.copytree(str(instruments.DATA), edited)
    path = edited / "kd2024.yaml"
    path.write_text(path.read_text("utf-8").replace("I meget høj grad", EDITED), "utf-8")
    monkeypatch.setattr(instruments, "DATA", edited)
    instruments.load.cache_clear()
    fieldwork_models._INSTRUMENTS.clear()  # no parsed copy left over in this process
    try:
        assert EDITED in str(instruments.load("kd2024").model_dump())  # the edit is live
        study.refresh_from_db()
        after = _tables(study)
    finally:
        instruments.load.cache_clear()
    assert after.keys() == before.keys()
    for block_id, table in before.items():
        pd.testing.assert_frame_equal(after[block_id], table, obj=block_id)
    assert EDITED not in pd.concat(after.values()).to_csv()

"""Excel 97-2003 (.xls) questionnaires and answer files are read (issue 18 item 5): the
public pyxform examples saved as .xls load like their .xlsx twins."""

from __future__ import annotations

import shutil

import pytest

from samspil.importing import DataImportError, read_table
from samspil.instruments import InstrumentError, load_bytes, resolve
from tests.core.conftest import FIXTURES
from tests.core.test_xlsform import rows

PUBLIC = FIXTURES / "xlsform"


@pytest.mark.parametrize("name", ["yes_or_no_question", "text_and_integer", "specify_other"])
def test_an_xls_questionnaire_gives_the_codebook_of_its_xlsx_twin(name):
    assert rows(resolve(PUBLIC / f"{name}.xls")) == rows(resolve(PUBLIC / f"{name}.xlsx"))


def test_an_uploaded_xls_questionnaire_loads_and_a_refused_one_names_sheet_and_row():
    data = (PUBLIC / "choice_name_same_as_select_name.xls").read_bytes()
    assert [v.name for v in load_bytes(data, "skema.xls").variables] == ["zone"]
    with pytest.raises(InstrumentError) as caught:
        load_bytes((PUBLIC / "table-list.xls").read_bytes(), "tabel.xls")
    assert "tabel.xls: survey row 7, column appearance" in str(caught.value)


def test_check_and_convert_take_an_xls_questionnaire(run_cli, tmp_path):
    code, out, _err = run_cli("instrument", "check", PUBLIC / "hidden.xls")
    assert code == 0 and "sample: hidden_test" in out
    out_file = tmp_path / "hidden.yaml"
    assert run_cli("instrument", "convert", PUBLIC / "hidden.xls", "--to", "yaml", "--out",
                   out_file)[0] == 0  # fmt: skip
    assert resolve(out_file).sample[0].name == "hidden_test"


def test_an_xls_table_is_read_as_text_cells_like_an_xlsx_one(tmp_path):
    table = read_table(PUBLIC / "text_and_integer.xls")
    assert list(table.frame.columns) == ["type", "name", "label:english"]
    assert table.frame["name"].tolist() == ["your_name", "your_age"]
    broken = tmp_path / "svar.xls"
    shutil.copy(PUBLIC / "text_and_integer.xlsx", broken)  # an .xlsx named .xls
    with pytest.raises(DataImportError, match=r"svar\.xls: cannot read XLS"):
        read_table(broken)


@pytest.mark.parametrize(
    "form", sorted(p.name for p in PUBLIC.iterdir() if p.suffix in (".xls", ".xlsx"))
)
def test_every_public_form_is_loaded_or_refused_with_a_message(run_cli, form):
    """No questionnaire in the suite ends in a traceback (issue 18)."""
    code, out, err = run_cli("instrument", "check", PUBLIC / form)
    assert code in (0, 2)
    assert "Traceback" not in out + err
    if code == 2:
        assert err.startswith(f"error: {PUBLIC / form}: ")


@pytest.mark.parametrize(
    ("form", "why"),
    [
        ("pyodk_fav_color.xlsx", "survey row 6, column type: type 'geopoint'"),
        ("pyodk_simple_repeat.xlsx", "survey row 6, column type: type 'begin_repeat'"),
    ],
)
def test_odks_example_forms_are_refused_naming_sheet_row_and_column(form, why):
    with pytest.raises(InstrumentError) as caught:
        resolve(PUBLIC / form)
    lines = str(caught.value).splitlines()
    assert len(lines) == 1  # one problem: 'string' is read as text
    assert lines[0].startswith(f"{PUBLIC / form}: {why}")


# accepted: the number of variables; refused: the first problem (sheet, row, column, reason)
KOBOCAT = {
    "kobocat_Enumerator_Training_Practice_Survey.xls": "survey row 11, column type: type 'photo': media answers are not supported",
    "kobocat_MCH_v1.xls": "survey row 17, column type: type 'Select one from source' is not supported by samspil",
    "kobocat_battery_life.xls": 5,
    "kobocat_childrens_survey.xls": "survey row 4, column type: type 'begin repeat': repeats (a group asked several times) are not supported",
    "kobocat_childrens_survey_unicode.xls": "survey row 4, column type: type 'begin repeat': repeats (a group asked several times) are not supported",
    "kobocat_enumerator_weekly.xls": "Duplicate column header: label",
    "kobocat_form_with_unicode_in_relevant_column.xlsx": 2,
    "kobocat_good_eats_multilang.xls": "survey row 8, column type: type 'photo': media answers are not supported",
    "kobocat_gps.xls": "survey row 2, column type: type 'geopoint': locations are not supported",
    "kobocat_sample_accent.xlsx": 3,
    "kobocat_transportation.xls": "survey row 5, column type: type 'begin loop over transport_types': loops (a group asked for each choice) are not supported",
    "kobocat_tutorial.xls": "survey row 4, column type: type 'image': media answers are not supported",
    "kobocat_userone_with_dot_name_fields.xls": "survey row 4, column type: type 'image': media answers are not supported",
}


ODK_OFFLINE = {
    "odkoffline_external-itemsets.xlsx": "survey row 3, column type: type "
    "'select_one_external counties': choices from a file are not supported",
    "odkoffline_pyxform-clean.xlsx": 2,
    "odkoffline_pyxform-error.xlsx": "survey row 2, column type: type 'textX' is not "
    "supported by samspil",
    "odkoffline_pyxform-warning.xlsx": 2,
    "odkoffline_validate-error.xlsx": 2,
}


# onadata's own test forms (BSD 2-clause); eight declare 256 columns (A:IV, as older
# writers did) for a sheet of a few columns, which the declared-dimension limit allows
ONADATA = {
    "onadata_age_decimal.xlsx": 2,
    "onadata_choice_filter.xlsx": "survey row 3, column choice_filter: filtered choice lists are not supported",
    "onadata_dhisform.xlsx": 4,
    "onadata_form_with_multiple_select.xlsx": "survey row 11, column type: type 'geopoint': locations are not supported",
    "onadata_good.xlsx": "Invalid headers provided for sheet: 'survey'. One or more required column headers were not found: 'type'. Learn more: https://xlsform.org/en/#setting-up-your-worksheets",
    "onadata_grains.xlsx": "survey row 14, column choice_filter: filtered choice lists are not supported",
    "onadata_group_names_must_be_unique.xlsx": "survey row 2: On the 'survey' sheet, the 'name' value 'data' is invalid. Repeat names must not be the same as the survey root (which defaults to 'data').",
    "onadata_household.xlsx": "survey row 3, column type: type 'begin repeat': repeats (a group asked several times) are not supported",
    "onadata_hxl_example.xlsx": 2,
    "onadata_infinity.xlsx": 2,
    "onadata_integer_name_test.xlsx": "survey row 3, column type: type 'select_one_external counties': choices from a file are not supported",
    "onadata_mali_health.xlsx": "survey row 2, column constraint: samspil cannot enforce constraint \"regex(.,'[a-zA-Z0-9]{11}')\" (it enforces none on this type); remove it, or check the answers after the import",
    "onadata_multi_lingual_form.xlsx": 10,
    "onadata_name_survey.xlsx": 1,
    "onadata_select_one_choices_test.xlsx": "survey, column relevant: a note shown on a condition is not supported; put the condition on the question or group",
    "onadata_sms_tutorial.xlsx": "survey row 9, column type: type 'image': media answers are not supported",
    "onadata_space_in_header.xlsx": "survey row 5, column type: type 'geopoint': locations are not supported",
    "onadata_subdistrict_profiling_tool.xlsx": "survey row 6, column type: type 'select_one_external districts': choices from a file are not supported",
    "onadata_survey_names.xlsx": 1,
    "onadata_test_data_types.xlsx": "survey row 4, column type: type 'geopoint': locations are not supported",
}


# CorrelAid's xlsform2lstsv (MIT): test forms and a fielded survey of migrant organisations
CORRELAID = {
    "correlaid_all_types_survey.xlsx": "survey, column relevant: cannot use condition \"selected(../q_rank_other, 'other')\": cannot read \"../q_rank_other, 'other')\"",
    "correlaid_mitwirken_umfrage.xlsx": "survey row 28, column relevant: cannot use condition \"selected(${teilhabe_gruppen}, 'other')\": 'other' is not a choice of ${teilhabe_gruppen}",
    "correlaid_testA.xlsx": "survey row 22, column relevant: cannot use condition '${beruf_post} != ${beruf_pre}': expected a value, found '${beruf_pre}'",
    "correlaid_testB.xlsx": "survey row 61, column constraint: samspil cannot enforce constraint \"regex(., '^[\\\\w-\\\\.]+@([\\\\w-]+\\\\.)+[\\\\w-]{2,}$')\" (it enforces none on this type); remove it, or check the answers after the import",
}


# ODK Web Forms' preview forms (Apache-2.0); the IFRC one is an Excel 97-2003 file named .xlsx
ODK_WEB_FORMS = {
    "odkwebforms_all-question-types-v2024091201-3.xlsx": "survey row 30, column type: type 'image': media answers are not supported",
    "odkwebforms_ifrc-distribution-site-assessment-v1.xlsx": "Argument 'definition' was not recognized as a supported type. Must be one of: .xlsx, .xlsm, .xls, .md, .csv",
    "odkwebforms_socio-economic-survey-v20240515.xlsx": "survey row 6, column choice_filter: filtered choice lists are not supported",
}


@pytest.mark.parametrize(
    ("form", "verdict"),
    sorted({**KOBOCAT, **ODK_OFFLINE, **ONADATA, **CORRELAID, **ODK_WEB_FORMS}.items()),
)
def test_public_forms_from_each_source_get_their_expected_verdict(form, verdict):
    if isinstance(verdict, int):
        assert len(resolve(PUBLIC / form).variables) == verdict
        return
    with pytest.raises(InstrumentError) as caught:
        resolve(PUBLIC / form)
    assert str(caught.value).splitlines()[0] == f"{PUBLIC / form}: {verdict}"

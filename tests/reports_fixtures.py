"""Both demo reports, every format, built once per test session (they take a while).

``demo_reports["kd2024"]`` comes with a study's metadata (so the method chapter has the
response table of Bilagstabel 1.1); ``demo_reports["fc2015"]`` comes from files only.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from samspil.demo import BANNER, demo_file
from samspil.importing import read_attributes, read_responses
from samspil.instruments import load
from samspil.reports import Meta, make_report
from samspil.reports.groups import ATTRIBUTE_COLUMNS
from samspil.responses import Responses, StudyInfo


def demo_study(data: pd.DataFrame) -> StudyInfo:
    """A study as fieldwork reports it: the demo respondents by municipality, plus one
    invited non-respondent per municipality."""
    by_group = data.groupby("kommune").size()
    response = pd.DataFrame(
        {
            "group": by_group.index,
            "invited": by_group.to_numpy() + 1,
            "opened": by_group.to_numpy(),
            "started": by_group.to_numpy(),
            "completed": by_group.to_numpy(),
        }
    )
    return StudyInfo(
        name="Demoundersøgelse",
        population="kommunaldirektører",
        opened=date(2024, 1, 8),
        closed=date(2024, 2, 16),
        rounds_sent=4,
        response=response,
    )


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory):  # type: ignore[no-untyped-def]
    from samspil.cli import CODES_COLUMNS, _read_columns

    out = tmp_path_factory.mktemp("demo-reports")
    kd = read_responses(demo_file("kd2024_demo.csv"), load("kd2024")).data
    meta = Meta(
        authors=["Anna Andersen", "Bo Berg"], institution="Demoinstituttet", date="Maj 2024"
    )
    reports = {
        "kd2024": make_report(
            "kd2024",
            Responses(load("kd2024"), kd),
            out / "kd2024",
            codes=_read_columns(str(demo_file("kd2024_codes_demo.csv")), CODES_COLUMNS),
            meta=Meta(**{**meta.__dict__, "banner": BANNER}),
            study=demo_study(kd),
        )
    }
    fc = read_responses(demo_file("fc2015_demo.csv"), load("fc2015")).data
    reports["fc2015"] = make_report(
        "fc2015",
        Responses(load("fc2015"), fc),
        out / "fc2015",
        attributes=read_attributes(demo_file("fc2015_kommuner_demo.csv"), ATTRIBUTE_COLUMNS),
        banner=BANNER,
    )
    return reports

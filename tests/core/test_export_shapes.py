"""Answer files in the exact shapes ODK Central and KoboToolbox write (issue 18 items 1-2),
made by a small generator from pyxform's own parse of the form: the converted kd2024 and a
form with a multiple choice, "other", a calculation and a table-list read as the same data
(and so the same tables) as samspil's own CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from samspil.demo import synthetic_responses
from samspil.importing import DataImportError, read_responses
from samspil.instruments import Instrument, load, resolve
from samspil.instruments.xlsform import write_xlsform
from samspil.questions.types import MultipleChoice
from tests.core.test_xlsform import make_form

CENTRAL_META = [
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
]
KOBO_META = [
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
]


# -- the generator ---------------------------------------------------------------------------


def pyxform_fields(path: Path) -> list[tuple[tuple[str, ...], tuple[str, ...], dict[str, Any]]]:
    """Every field of the form in order with its group path and its groups' labels, as
    pyxform parses it (the ``meta`` group left out: the shapes write it themselves)."""
    from pyxform import xls2json, xls2json_backends

    book = xls2json_backends.get_xlsform(str(path))
    form = xls2json.workbook_to_json(
        workbook_dict=book, form_name="data", fallback_form_name="f", warnings=[]
    )

    def walk(nodes, path=(), labels=()):
        for node in nodes:
            key = (*path, node["name"])
            if node.get("type") == "group" and node["name"] != "meta":
                yield from walk(node.get("children") or [], key, (*labels, label_of(node)))
            elif node.get("type") != "group":
                yield key, labels, node

    return list(walk(form["children"]))


def label_of(node: dict[str, Any]) -> str:
    label = node.get("label") or node["name"]
    return next(iter(label.values())) if isinstance(label, dict) else str(label)


def option_text(instrument: Instrument, variable: str, value: Any, labels: bool) -> str:
    var = instrument.variable_map[variable]
    if pd.isna(value):
        return ""
    if var.kind == "text":
        return str(value)
    if var.kind == "number":
        return f"{value:g}"
    option = next(o for o in var.options if o.code == int(value))
    return option.label if labels else option.name or str(option.code)


class Shape:
    """One export: ``central``, ``kobo`` (XML values, groups in the headers), ``kobo_flat``
    (no groups), ``kobo_labels`` (headers and values as labels, the groups' labels in the
    headers) or ``kobo_labels_flat`` (labels without the groups)."""

    def __init__(self, kind: str, form: Path, instrument: Instrument, data: pd.DataFrame):
        self.kind, self.instrument, self.data = kind, instrument, data
        self.fields = pyxform_fields(form)
        self.labels = kind.startswith("kobo_labels")

    def header(self, path: tuple[str, ...], groups: tuple[str, ...], node: dict) -> str:
        if self.kind == "central":
            return "-".join(path)
        if self.labels and node.get("type") not in ("start", "end", "today", "deviceid"):
            shown = groups if self.kind == "kobo_labels" else ()
            return "/".join((*shown, label_of(node)))
        return "/".join(path) if self.kind == "kobo" else path[-1]

    def columns(self, row: pd.Series) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        paths = self.instrument.form_paths
        for path, groups, node in self.fields:
            header = self.header(path, groups, node)
            target = paths.get("/".join(path), "")
            kind = node.get("type")
            if kind in ("start", "end"):
                value = "2026-03-01T10:00:00.000+01:00"
            elif kind == "calculate":
                value = "42"
            elif not target:
                value = ""  # a note, a generated table-list field
            elif target in self.instrument.question_map and isinstance(
                question := self.instrument.question_map[target], MultipleChoice
            ):
                out.extend(self.multiple(header, question, row))
                continue
            else:
                value = option_text(self.instrument, target, row.get(target), self.labels)
            out.append((header, value))
        return out

    def multiple(self, header: str, question: MultipleChoice, row: pd.Series) -> list:
        answered = [o for o in question.options if not pd.isna(row.get(f"{question.id}_{o.code}"))]
        chosen = [o for o in answered if row[f"{question.id}_{o.code}"] == 1]
        names = [o.label if self.labels else o.name or str(o.code) for o in chosen]
        out = [(header, " ".join(names))]
        if self.kind != "central":  # Kobo writes the split columns too
            for o in question.options:
                choice = o.label if self.labels else o.name or str(o.code)
                out.append((f"{header}/{choice}", "" if not answered else str(int(o in chosen))))
        return out

    def text(self) -> str:
        """The CSV (a header may repeat, as a label export's does)."""
        rows = []
        for index, row in self.data.iterrows():
            rid = str(row["respondent_id"])
            body = self.columns(row)
            if self.kind == "central":
                meta = ["uuid:" + rid, "5", "web", "0", "0", "", "", "", "0", "1"]
                rows.append(
                    [
                        ("SubmissionDate", "2026-03-01T09:05:00.000Z"),
                        *body,
                        ("meta-instanceID", "uuid:" + rid),
                        *zip(CENTRAL_META, meta, strict=True),
                    ]
                )
            else:
                meta = [str(index), rid, "2026-03-01T09:05:00", "", "", "submitted_via_web"]
                meta += ["", "vXyz", "", str(index + 1)]
                rows.append(
                    [
                        ("formhub/uuid", "f00d"),
                        *body,
                        ("meta/instanceID", "uuid:" + rid),
                        *zip(KOBO_META, meta, strict=True),
                    ]
                )
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([h for h, _v in rows[0]])
        writer.writerows([v for _h, v in r] for r in rows)
        return out.getvalue()


def as_odk_keeps_it(instrument: Instrument, data: pd.DataFrame) -> None:
    """ODK records a select_multiple with nothing ticked as not answered, and a ticked one
    as ticked or not for every choice."""
    for question in instrument.question_map.values():
        if isinstance(question, MultipleChoice):
            columns = [f"{question.id}_{o.code}" for o in question.options]
            answered = data[columns].notna().any(axis=1)
            data.loc[answered, columns] = data.loc[answered, columns].fillna(0.0)
            data.loc[(data[columns] != 1).all(axis=1), columns] = float("nan")


# -- the forms -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kd2024(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kd2024")
    form = folder / "kd2024.xlsx"
    write_xlsform(load("kd2024"), form)
    instrument = resolve(form)
    own = folder / "own.csv"
    synthetic_responses(load("kd2024"), 60).to_csv(own, index=False)
    return form, instrument, own


@pytest.fixture(scope="module")
def forening(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forening")
    form = make_form(
        folder / "forening.xlsx",
        [
            ["type", "name", "label", "appearance", "calculation"],
            ["start", "start"],
            ["end", "end"],
            ["deviceid", "deviceid"],
            ["begin group", "org", "Foreningen"],
            ["note", "velkommen", "Tak fordi I svarer"],
            ["select_one jn", "samarbejde", "Samarbejder foreningen med kommunen?"],
            ["select_multiple grunde or_other", "hvorfor", "Hvorfor?"],
            ["integer", "antal", "Hvor mange frivillige?"],
            ["calculate", "dobbelt", "", "", "${antal} * 2"],
            ["begin group", "vurd", "Hvordan vurderer I", "table-list"],
            ["select_one grad", "vurd_udbytte", "Udbyttet"],
            ["select_one grad", "vurd_kvalitet", "Kvaliteten"],
            ["end group"],
            ["end group"],
            ["begin group", "slut", "Til sidst"],
            ["text", "kommentar", "Kommentarer"],
            ["end group"],
        ],
        [
            ["list_name", "name", "label"],
            ["jn", "ja", "Ja"],
            ["jn", "nej", "Nej"],
            ["jn", "vi", "Ved ikke"],
            ["grunde", "lyst", "Det er sjovt"],
            ["grunde", "pligt", "Det er en pligt"],
            ["grunde", "sjovt", "Det er"],
            ["grad", "lav", "Lav"],
            ["grad", "hoej", "Høj"],
        ],
    )
    instrument = resolve(form)
    own = folder / "own.csv"
    synthetic_responses(instrument, 40, seed=5).to_csv(own, index=False)
    return form, instrument, own


@pytest.mark.parametrize(
    "kind", ["central", "kobo", "kobo_flat", "kobo_labels", "kobo_labels_flat"]
)
@pytest.mark.parametrize("form_name", ["kd2024", "forening"])
def test_central_and_kobo_exports_give_the_same_data_as_samspils_own_csv(
    request, tmp_path, form_name, kind
):
    form, instrument, own = request.getfixturevalue(form_name)
    expected = read_responses(own, instrument)
    as_odk_keeps_it(instrument, expected.data)
    export = tmp_path / f"{kind}.csv"
    export.write_text(Shape(kind, form, instrument, expected.data).text(), encoding="utf-8")
    if (form_name, kind) == ("kd2024", "kobo_labels_flat"):
        # kd2024's grids share their rows' labels: without the groups' labels in the
        # headers the columns cannot be told apart, and the file is refused
        with pytest.raises(DataImportError, match="column name repeats") as caught:
            read_responses(export, instrument)
        assert 'export with "XML values and headers"' in str(caught.value)
        return
    got = read_responses(export, instrument)
    pd.testing.assert_frame_equal(got.data, expected.data)
    assert got.missing == expected.missing
    # the same data make the same tables: a frequency table of every closed variable
    for var in instrument.variables:
        if var.kind in ("categorical", "binary"):
            assert got.data[var.name].value_counts().equals(expected.data[var.name].value_counts())
    # every column left out is named in one note
    left_out = [n for n in got.notes if "columns left out" in n]
    assert len(left_out) == 1
    if kind == "central":
        for name in ("SubmissionDate", "DeviceID", "FormVersion", "meta-instanceID"):
            assert name in left_out[0]
    if kind.startswith("kobo") and form_name == "forening":
        assert "_submission_time" in left_out[0]
        assert ("org/dobbelt" if kind == "kobo" else "dobbelt") in left_out[0]


def test_a_label_several_fields_share_is_refused_when_the_headers_cannot_tell(tmp_path, kd2024):
    form, instrument, own = kd2024
    data = read_responses(own, instrument).data
    text = Shape("kobo_labels", form, instrument, data).text()
    header, rest = text.split("\n", 1)
    row = "At sikre en positiv by- og erhvervsudvikling"
    first = next(h for h in header.split(",") if h.endswith("/" + row))
    path = tmp_path / "labels.csv"
    path.write_text(header.replace(first, row, 1) + "\n" + rest, encoding="utf-8")
    with pytest.raises(DataImportError) as caught:
        read_responses(path, instrument)
    message = str(caught.value)
    assert f"row 1, column {row!r}: the label fits 4 fields of kd2024" in message
    assert 'export from KoboToolbox with "XML values and headers"' in message


@pytest.mark.parametrize("kind", ["central", "kobo", "kobo_labels"])
def test_fuzzed_central_and_kobo_files_are_read_or_refused_never_a_traceback(
    tmp_path, forening, kind
):
    import random

    from tests.core.test_import_hardening import _mutate

    form, instrument, own = forening
    data = read_responses(own, instrument).data.head(8)
    lines = Shape(kind, form, instrument, data).text().splitlines()
    rng = random.Random(f"18-{kind}")
    outcomes = []
    for run in range(30):
        path = tmp_path / f"fuzz_{run}.csv"
        path.write_bytes(_mutate(rng, lines))
        try:
            read_responses(path, instrument)
            outcomes.append("read")
        except DataImportError as exc:
            outcomes.append("refused" if str(path) in str(exc) else f"unnamed: {exc}")
        except Exception as exc:  # a traceback: name the file that caused it
            pytest.fail(f"run {run}: {type(exc).__name__}: {exc}\n{path.read_bytes()[:400]!r}")
    assert set(outcomes) == {"read", "refused"}  # every refusal names the file


# -- the public forms --------------------------------------------------------------------------

PUBLIC = Path(__file__).parent.parent / "fixtures" / "xlsform"


def accepted_public_forms() -> list[str]:
    from samspil.instruments import InstrumentError

    names = []
    for path in sorted(PUBLIC.iterdir()):
        if path.suffix not in (".xlsx", ".xls"):
            continue
        try:
            instrument = resolve(path)
        except InstrumentError:
            continue
        if instrument.sections:  # a form of hidden fields only has no answers to export
            names.append(path.name)
    return names


def random_answers(instrument: Instrument, n: int, seed: int) -> pd.DataFrame:
    """Answers on every variable: codes on the scale, whole numbers, texts; some empty."""
    import numpy as np

    rng = np.random.default_rng(seed)
    columns: dict[str, Any] = {"respondent_id": [f"r{i}" for i in range(n)]}
    for question in instrument.question_map.values():
        if isinstance(question, MultipleChoice):
            ticks = rng.integers(0, 2, (n, len(question.options))).astype(float)
            ticks[rng.random(n) < 0.2] = np.nan
            for index, option in enumerate(question.options):
                columns[f"{question.id}_{option.code}"] = ticks[:, index]
    for var in instrument.variables:
        if var.name in columns:
            continue
        if var.kind == "text":
            values: list[Any] = [f"svar {i}" if rng.random() < 0.6 else "" for i in range(n)]
        elif var.kind == "number":
            values = [
                float(rng.integers(0, 90)) if rng.random() < 0.8 else np.nan for _ in range(n)
            ]
        else:
            codes = [o.code for o in var.options] or [0, 1]
            values = [float(rng.choice(codes)) if rng.random() < 0.85 else np.nan for _ in range(n)]
        columns[var.name] = values
    return pd.DataFrame(columns)


@pytest.mark.parametrize("kind", ["central", "kobo", "kobo_labels"])
@pytest.mark.parametrize("name", accepted_public_forms())
def test_public_forms_read_the_same_tables_from_central_and_kobo_shapes(tmp_path, name, kind):
    form = PUBLIC / name
    instrument = resolve(form)
    answers = random_answers(instrument, 30, seed=len(name))
    own = tmp_path / "own.csv"
    answers.to_csv(own, index=False)
    expected = read_responses(own, instrument)
    as_odk_keeps_it(instrument, expected.data)
    path = tmp_path / f"{kind}.csv"
    path.write_text(Shape(kind, form, instrument, expected.data).text(), encoding="utf-8")
    got = read_responses(path, instrument).data
    pd.testing.assert_frame_equal(got, expected.data)
    # three tables per form (or all it has), against counts made here from the answers
    closed = [v for v in instrument.variables if v.kind in ("categorical", "binary")][:3]
    for var in closed:
        source = expected.data if var.kind == "binary" else answers  # ODK's multiple choice
        counts = source[var.name].dropna().astype(int).value_counts().sort_index()
        table = got[var.name].dropna().astype(int).value_counts().sort_index()
        assert table.to_dict() == counts.to_dict()

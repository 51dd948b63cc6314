"""Import believes the file and cannot be held hostage: the one table reader's limits and
linear checks, .sav value labels and user-missing codes, field counts, Danish Excel CSV,
separator sniffing, trailing empty rows, and a seeded fuzzing of ``samspil report``."""

from __future__ import annotations

import random
import time

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samspil.cli import main
from samspil.demo import demo_file
from samspil.importing import DataImportError, read_responses, read_table, sniff_separator
from samspil.instruments import load


def test_a_300000_column_upload_is_refused_in_bounded_time():
    header = ",".join(f"c{i}" for i in range(300_000))
    data = f"{header}\n{','.join('1' for _ in range(300_000))}\n".encode()
    assert len(data) > 2_000_000
    started = time.process_time()  # CPU time: another process's load does not count
    with pytest.raises(DataImportError, match="more than 5000 columns"):
        read_table(data, "wide.csv")
    assert time.process_time() - started < 20  # minutes before: a quadratic header check


def test_repeated_headers_are_found_in_one_pass():
    header = ",".join(f"c{i % 2500}" for i in range(5000))
    with pytest.raises(DataImportError) as caught:
        read_table(f"{header}\n".encode(), "repeat.csv")
    assert "the column name repeats (also column 1)" in str(caught.value)
    assert caught.value.problems[0].column == "c0"


def _sav(tmp_path, values, labels, missing=None):
    path = tmp_path / "answers.sav"
    frame = pd.DataFrame({"respondent_id": ["a", "b", "c"], "udf_by": values})
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={"udf_by": labels},
        missing_ranges={"udf_by": missing} if missing else None,
    )
    return path


def test_a_sav_whose_value_labels_contradict_the_questionnaire_is_refused(tmp_path):
    """The scale stored reversed and labelled to match: the codes mean the opposite."""
    scale = load("kd2024").variable_map["udf_by"].labels
    reversed_labels = {float(6 - c): label for c, label in scale.items() if c <= 5}
    path = _sav(tmp_path, [5.0, 4.0, 1.0], reversed_labels)
    with pytest.raises(DataImportError) as caught:
        read_responses(path, load("kd2024"))
    message = str(caught.value)
    assert "'udf_by'" in message and "code 1" in message
    assert "'I meget høj grad'" in message and "'Slet ikke'" in message


def test_a_sav_with_the_questionnaires_own_labels_is_read(tmp_path):
    labels = {float(c): label for c, label in load("kd2024").variable_map["udf_by"].labels.items()}
    responses = read_responses(_sav(tmp_path, [5.0, 4.0, 1.0], labels), load("kd2024"))
    assert responses.data["udf_by"].tolist() == [5.0, 4.0, 1.0]


def test_user_missing_99_in_a_sav_is_read_as_not_answered_with_a_note(tmp_path):
    labels = {1.0: "Slet ikke", 5.0: "I meget høj grad", 99.0: "Uoplyst"}
    path = _sav(tmp_path, [1.0, 99.0, 5.0], labels, missing=[99.0])
    responses = read_responses(path, load("kd2024"))
    values = responses.data["udf_by"].tolist()
    assert values[0] == 1.0 and np.isnan(values[1]) and values[2] == 5.0
    assert any("99 'Uoplyst'" in note and "udf_by" in note for note in responses.notes)


@pytest.mark.parametrize(
    ("body", "row", "fields"),
    [
        ("r1,4,3,2\nr2,4,3\n", 2, 4),  # a first data row with an extra field
        ("r1,4,3\nr2,4\n", 3, 2),  # a truncated row
    ],
)
def test_a_row_with_the_wrong_number_of_fields_is_named(tmp_path, body, row, fields):
    path = tmp_path / "answers.csv"
    path.write_text("respondent_id,udf_by,udf_klima\n" + body, encoding="utf-8")
    with pytest.raises(DataImportError) as caught:
        read_responses(path, load("kd2024"))
    problem = caught.value.problems[0]
    assert (problem.row, f"{fields} fields, but the header has 3") == (
        row,
        problem.message[: len(f"{fields} fields, but the header has 3")],
    )


def test_the_separator_is_sniffed_over_several_lines_and_quote_aware():
    assert sniff_separator('"navn, fulde";email\n"A, B";a@example.org\n"C, D";c@x.dk\n') == ";"
    assert sniff_separator("a,b\n1,2\n") == ","


def test_trailing_empty_rows_are_ignored(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("respondent_id;udf_by\nr1;4\nr2;5\n;\n;\n\n", encoding="utf-8")
    responses = read_responses(path, load("kd2024"))
    assert responses.data["respondent_id"].tolist() == ["r1", "r2"]


# -- fuzzing -----------------------------------------------------------------------------------

SEED = 20241201
RUNS = 40


def _mutate(rng: random.Random, lines: list[str]) -> bytes:
    lines = list(lines)
    kind = rng.randrange(9)
    index = rng.randrange(len(lines))
    line = lines[index]
    position = rng.randrange(len(line) + 1)
    junk = rng.choice(['"', ",", ";", "\n", "\x00", "\t", "é", "\ufeff", "=", "'", "\r"])
    if kind == 0:
        lines[index] = line[:position] + junk + line[position:]
    elif kind == 1:
        lines[index] = line[:position] + line[position + 1 :]
    elif kind == 2:
        lines.insert(index, line)
    elif kind == 3:
        lines[index] = line[:position]
    elif kind == 4:
        lines[index] = line + "," + line.split(",")[-1]
    elif kind == 5:
        del lines[index]
    elif kind == 6:
        lines = [x.replace(",", ";") for x in lines]
    elif kind == 7:
        lines[index] = ",".join(
            rng.choice(["", "x", "99", "-1", "1e308", "nan"]) for _ in line.split(",")
        )
    else:
        return "\n".join(lines).encode("utf-8")[: rng.randrange(1, 4000)]
    return "\n".join(lines).encode("utf-8" if rng.random() < 0.8 else "cp1252", "replace")


def test_fuzzed_csv_files_give_a_report_or_a_message_never_a_traceback(tmp_path, capsys):
    source = demo_file("kd2024_demo.csv").read_text(encoding="utf-8").splitlines()[:12]
    rng = random.Random(SEED)
    outcomes = []
    for run in range(RUNS):
        data = tmp_path / f"fuzz_{run}.csv"
        data.write_bytes(_mutate(rng, source))
        out = tmp_path / f"out_{run}"
        try:
            code = main(
                ["report", "kd2024", "--data", str(data), "--out", str(out), "--formats", "csv"]
            )
        except Exception as exc:  # a traceback: the test names the file that caused it
            pytest.fail(f"run {run}: {type(exc).__name__}: {exc}\n{data.read_bytes()[:400]!r}")
        err = capsys.readouterr().err
        assert code in (0, 2), err
        if code == 2:
            assert err.startswith("error: ") and not out.exists()
        outcomes.append(code)
    assert 0 in outcomes and 2 in outcomes  # the mutations both pass and fail


def test_a_cell_over_the_limit_is_refused_naming_its_row():
    near = "a,b\n" + ("x" * 99_999 + ",1\n") * 20  # long cells under the limit are read
    assert len(read_table(near.encode(), "near.csv").frame) == 20
    over = "a,b\n1,2\n" + "x" * 100_001 + ",1\n"
    with pytest.raises(DataImportError, match="row 3: a cell longer than 100,000 characters"):
        read_table(over.encode(), "over.csv")


@pytest.mark.parametrize("instrument_id", ["kd2024", "fc2015"])
def test_samspils_own_sav_export_reads_back_without_contradictions(tmp_path, instrument_id):
    from samspil.exports import export

    original = read_responses(demo_file(f"{instrument_id}_demo.csv"), load(instrument_id))
    path = export(original, "sav", tmp_path / "answers.sav")
    again = read_responses(path, load(instrument_id))
    pd.testing.assert_frame_equal(
        again.data.drop(columns="respondent_id"),
        original.data.drop(columns="respondent_id"),
        check_dtype=False,
    )


def test_a_long_line_of_short_cells_is_read():
    wide = ",".join(f"c{i:024d}" for i in range(4500))
    assert len(wide) > 100_000  # a line longer than a cell may be
    data = f"{wide}\n{wide}\n".encode()
    assert read_table(data, "wide.csv").frame.shape == (1, 4500)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=",;a\næ\r ", max_size=60),
    st.sampled_from([",", ";"]),
    st.sampled_from([3, 7, 1 << 22]),
    st.sampled_from([0, 4, 1 << 20]),
)
def test_field_counts_on_bytes_are_those_of_each_line(text, sep, chunk, long_lines):
    """Separators counted on the bytes in chunks of any size (or line by line) give each
    line's fields, and 0 for a blank line (nothing or only carriage returns)."""
    import samspil.importing.table as table

    data = text.encode("utf-8")
    previous = table.CHUNK, table.LONG_LINES
    table.CHUNK, table.LONG_LINES = chunk, long_lines
    try:
        ends = table._line_ends(np.frombuffer(data, dtype=np.uint8))
        counts = table._field_counts(text, sep, data, ends)
    finally:
        table.CHUNK, table.LONG_LINES = previous
    by_line = [line.count(sep) + 1 if line.strip("\r") else 0 for line in text.split("\n")]
    assert counts.tolist() == by_line


def test_a_sav_that_gives_its_case_count_as_minus_one_still_meets_the_case_limit(tmp_path):
    """The header's case count (bytes 80-83) is -1, "unknown": the limit is counted."""
    import struct

    from samspil.importing import Limits

    path = _sav(tmp_path, [1.0, 2.0, 3.0], {1.0: "Slet ikke"})
    data = bytearray(path.read_bytes())
    assert data[:4] == b"$FL2" and struct.unpack("<i", data[80:84]) == (3,)
    data[80:84] = struct.pack("<i", -1)
    path.write_bytes(bytes(data))
    assert len(read_table(path, limits=Limits(rows=3)).frame) == 3
    with pytest.raises(DataImportError, match="more than 5000 variables or 2 cases"):
        read_table(path, limits=Limits(rows=2))


def test_a_utf16_csv_with_its_byte_order_mark_is_read_as_the_utf8_file():
    text = demo_file("kd2024_demo.csv").read_text(encoding="utf-8")
    plain = read_responses(text.encode("utf-8"), load("kd2024"), name="svar.csv")
    for encoding in ("utf-16", "utf-16-be"):
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        wide = read_responses(data, load("kd2024"), name="svar.csv")
        pd.testing.assert_frame_equal(wide.data, plain.data)
        assert "svar.csv: read as UTF-16 (it has a UTF-16 byte order mark)" in wide.notes


def test_a_utf16_csv_without_its_byte_order_mark_is_refused_with_save_as_csv_utf8(tmp_path, capsys):
    path = tmp_path / "svar.csv"
    path.write_bytes("respondent_id,udf_by\nr1,3\n".encode("utf-16-le"))
    assert main(["export", "kd2024", "--data", str(path), "--to", "csv"]) == 2
    message = capsys.readouterr().err
    assert f"{path}: not a text (CSV) file in UTF-8; save it as CSV UTF-8" in message

"""Load time of an XLSForm of 500 questions (target: under 2 s).

Writes a synthetic questionnaire (25 sections of 20 questions: single and multiple
choice, table-list grids, numbers with ranges, open questions, conditions) with openpyxl,
then loads it with ``samspil.instruments.resolve`` (pyxform parse + mapping + schema
validation) a few times in this process and prints the times and the variable count.

    uv run python benchmarks/xlsform_load.py [--questions 500] [--repeat 5]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook


def write_form(path: Path, questions: int) -> None:
    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    survey.append(["type", "name", "label", "hint", "relevant", "required", "appearance",
                   "constraint"])  # fmt: skip
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    for code, label in enumerate(["Slet ikke", "I mindre grad", "I nogen grad", "I høj grad"], 1):
        choices.append(["grad", code, label])
    choices.append(["grad", 9, "Ved ikke"])
    for code, label in enumerate(["Ja", "Nej"], 1):
        choices.append(["jn", code, label])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["Benchmark", "bench", 1])
    made = 0
    section = 0
    while made < questions:
        section += 1
        survey.append(["begin group", f"s{section}", f"Afsnit {section}"])
        survey.append(["note", f"s{section}_intro", "Indledning til afsnittet."])
        for i in range(20):
            if made >= questions:
                break
            name = f"q{section}_{i}"
            kind = made % 5
            if kind == 0:
                survey.append(["select_one jn", name, f"Spørgsmål {name}?", "", "", "yes"])
            elif kind == 1:
                survey.append(["select_multiple grad", name, f"Spørgsmål {name}?", "",
                               f"${{q{section}_{i - 1}}} = '1'"])  # fmt: skip
            elif kind == 2:
                survey.append(["begin group", name, f"Tabel {name}", "", "", "", "table-list"])
                for row in range(4):
                    survey.append(["select_one grad", f"{name}_r{row}", f"Række {row}"])
                survey.append(["end group"])
            elif kind == 3:
                survey.append(["integer", name, f"Antal {name}?", "", "", "", "",
                               ". >= 0 and . <= 1000"])  # fmt: skip
            else:
                survey.append(["text", name, f"Uddyb {name}", "", "", "", "multiline"])
            made += 1
        survey.append(["end group"])
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    import pyxform.xls2json  # noqa: F401  (imported on first use; timed apart)

    from samspil.instruments import resolve

    imports = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.xlsx"
        write_form(path, args.questions)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            instrument = resolve(path)
            times.append(time.perf_counter() - start)
    questions = sum(len(s.questions) for s in instrument.sections)
    print(f"XLSForm with {questions} questions, {len(instrument.variables)} variables")
    print(f"imports (pyxform, samspil, once per process): {imports:.2f} s")
    print(f"load: first {times[0]:.2f} s, best {min(times):.2f} s, worst {max(times):.2f} s "
          "(target < 2 s)")  # fmt: skip


if __name__ == "__main__":
    main()

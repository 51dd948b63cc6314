"""Benchmark of the default report (a questionnaire without a report definition): a
synthetic instrument of 200 variables (grids, single and multiple choices, numbers, open
questions) and N synthetic respondents; `samspil report INSTRUMENT --data F --out D` is run
as a user runs it, in a fresh process, once with every format and once without the PDF.
Prints wall time and the child's peak memory (max RSS); nothing is asserted. Usage:

    uv run python benchmarks/default_report.py                  # 100,000 respondents
    uv run python benchmarks/default_report.py --sizes 1000 100000
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

GRIDS, ITEMS, SINGLES, MULTIS, OPTIONS, NUMBERS, OPENS = 16, 5, 50, 10, 5, 10, 10
SCALE = [
    {"code": 1, "label": "Slet ikke"},
    {"code": 2, "label": "I mindre grad"},
    {"code": 3, "label": "I nogen grad"},
    {"code": 4, "label": "I høj grad"},
    {"code": 5, "label": "I meget høj grad"},
    {"code": 8, "label": "Ved ikke", "special": "dont_know"},
]


def instrument() -> dict[str, object]:
    sections = []
    for s in range(10):
        questions: list[dict[str, object]] = []
        for g in range(s * GRIDS // 10, (s + 1) * GRIDS // 10):
            items = [{"id": f"i{i}", "text": f"Udsagn {i}"} for i in range(ITEMS)]
            questions.append(
                {
                    "id": f"g{g}",
                    "type": "grid",
                    "text": f"Gitter {g}",
                    "scale": "grad5",
                    "items": items,
                }
            )
        for q in range(s * SINGLES // 10, (s + 1) * SINGLES // 10):
            options = [{"code": c, "label": f"Svar {c}"} for c in range(1, 5)]
            questions.append(
                {"id": f"s{q}", "type": "single", "text": f"Valg {q}", "options": options}
            )
        for q in range(s * MULTIS // 10, (s + 1) * MULTIS // 10):
            options = [{"code": c, "label": f"Mulighed {c}"} for c in range(1, OPTIONS + 1)]
            questions.append(
                {"id": f"m{q}", "type": "multi", "text": f"Flere {q}", "options": options}
            )
        for q in range(s * NUMBERS // 10, (s + 1) * NUMBERS // 10):
            questions.append({"id": f"n{q}", "type": "number", "text": f"Antal {q}"})
        for q in range(s * OPENS // 10, (s + 1) * OPENS // 10):
            questions.append({"id": f"o{q}", "type": "open", "text": f"Kommentar {q}"})
        sections.append({"id": f"afsnit{s}", "title": f"Afsnit {s + 1}", "questions": questions})
    return {"id": "bench", "title": "Benchmark", "scales": {"grad5": SCALE}, "sections": sections}


def answers(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {"respondent_id": np.arange(1, n + 1)}
    for g in range(GRIDS):
        for i in range(ITEMS):
            columns[f"g{g}_i{i}"] = rng.choice([1, 2, 3, 4, 5, 8], n)
    for q in range(SINGLES):
        columns[f"s{q}"] = rng.integers(1, 5, n)
    for q in range(MULTIS):
        for c in range(1, OPTIONS + 1):
            columns[f"m{q}_{c}"] = rng.integers(0, 2, n)
    for q in range(NUMBERS):
        columns[f"n{q}"] = rng.integers(0, 500, n)
    for q in range(OPENS):
        columns[f"o{q}"] = rng.choice(["", "et svar", "et andet svar"], n)
    return pd.DataFrame(columns)


def run(args: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    options = parser.parse_args()
    samspil = str(Path(sys.executable).with_name("samspil"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        spec = folder / "bench.yaml"
        spec.write_text(yaml.safe_dump(instrument(), allow_unicode=True), encoding="utf-8")
        variables = GRIDS * ITEMS + SINGLES + MULTIS * OPTIONS + NUMBERS + OPENS
        print(f"default report, {variables} variables (samspil report bench.yaml ...)")
        print("| respondents | formats | seconds | peak memory |")
        print("|---:|---|---:|---:|")
        for n in options.sizes:
            data = folder / f"answers_{n}.csv"
            answers(n).to_csv(data, index=False)
            for formats in ("csv,xlsx,figures,html", "csv,xlsx,figures,html,pdf"):
                out = folder / f"out_{n}_{len(formats)}"
                seconds, peak = run(
                    [samspil, "report", str(spec), "--data", str(data), "--out", str(out),
                     "--formats", formats]
                )  # fmt: skip
                print(f"| {n:,} | {formats} | {seconds:.1f} | {peak:,.0f} MB |", flush=True)


if __name__ == "__main__":
    main()

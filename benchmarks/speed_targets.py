"""The three speed figures of issue 20 (item 7), each a cold process as a user runs it, with
its target and the baselines it is measured against:

1. the complete kd2024 report (every format) with coded open answers for 1,000 synthetic
   respondents: target under 1.8 s, about 7 times ``python -c "import pandas"``;
2. for 100,000 respondents, under 3 times a pandas process that reads the same answers
   file and counts the values of every column: printed for reading, checking and
   computing every table (2a) and for the whole report, every format (2b);
3. the default report of a questionnaire of 200 variables (no report definition) for 1,000
   respondents, every format: target under 3 s.

Each figure is the median wall-clock seconds of ``--repeat`` processes, with their CPU
seconds (user + system) beside: on a busy machine the wall clock grows with the load and
the CPU seconds hardly, so the load average is printed too. ``samspil report`` uses both
cores (the PDF on a thread, Word and the figures in a forked child), so its CPU seconds,
which include the child's, exceed its wall clock on an idle machine: compare the CPU
seconds of two versions for the work done, the wall clock for what a user waits.
Nothing is asserted. Usage:

    uv run python benchmarks/speed_targets.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from core_benchmark import TABLES, compile_bytecode, prepare, samspil, timed
from default_report import answers, instrument

PANDAS_COUNT = """
import sys
import pandas as pd
data = pd.read_csv(sys.argv[1])
for column in data.columns:
    data[column].value_counts(dropna=False)
"""


def line(name: str, figure: tuple[float, float], target: str) -> None:
    wall, cpu = figure
    print(f"| {name} | {wall:.2f} s | {cpu:.2f} s | {target} |", flush=True)


def ratio(figure: tuple[float, float], baseline: tuple[float, float]) -> str:
    """How many times the baseline, by the wall clock and by CPU seconds."""
    return (
        f"{figure[0] / baseline[0]:.1f} x (wall), {figure[1] / max(baseline[1], 0.01):.1f} x (CPU)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="median of this many runs")
    args = parser.parse_args()
    compile_bytecode()
    repeat = args.repeat
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; median of {repeat}")
    print("| figure | wall | CPU | target |\n|---|---:|---:|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pandas = timed([sys.executable, "-c", "import pandas"], repeat)
        line("python -c 'import pandas'", pandas, "(baseline)")

        data, codes = prepare(folder, 1000)
        report = [*samspil(), "report", "kd2024", "--data", str(data), "--codes", str(codes)]
        kd = timed([*report, "--out", str(folder / "kd_1000")], repeat)
        line(
            "1. kd2024, 1,000 respondents, coded, every format",
            kd,
            f"< 1.8 s, about 7 x import pandas: {ratio(kd, pandas)}",
        )

        data, codes = prepare(folder, 100_000)
        report = [*samspil(), "report", "kd2024", "--data", str(data), "--codes", str(codes)]
        counted = timed([sys.executable, "-c", PANDAS_COUNT, str(data)], repeat)
        line("pandas reads 100,000 and counts every column", counted, "(baseline)")
        tables = timed([sys.executable, "-c", TABLES, str(data), str(codes)], repeat)
        line(
            "2a. kd2024, 100,000: read, check and compute every table (nothing written)",
            tables,
            f"< 3 x pandas: {ratio(tables, counted)}",
        )
        big = timed([*report, "--out", str(folder / "kd_100000")], repeat)
        line(
            "2b. kd2024, 100,000 respondents, coded, every format",
            big,
            f"< 3 x pandas: {ratio(big, counted)}",
        )

        spec = folder / "bench.yaml"
        spec.write_text(yaml.safe_dump(instrument(), allow_unicode=True), encoding="utf-8")
        answers_file = folder / "bench_1000.csv"
        answers(1000).to_csv(answers_file, index=False)
        default = timed(
            [*samspil(), "report", str(spec), "--data", str(answers_file), "--out",
             str(folder / "default_1000")],
            repeat,
        )  # fmt: skip
        line("3. default report, 200 variables, 1,000 respondents, every format", default, "< 3 s")
    print(f"load average afterwards {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

"""CPU seconds of the PDF (``reports/typst_pdf.py``): ``pdf_input`` (the publication as
JSON) and ``pdf_bytes`` (Typst's layout), for two reports:

- ``kd2024``: the kd2024 report with coded open answers, 1,000 synthetic respondents
  (``core_benchmark.prepare``), 28 figures;
- ``municipal``: one municipality's own report (Demokommune 02 of 98 synthetic ones, as
  ``municipal_reports.py``), 19 figures.

The publications are computed once (through ``samspil.cli.main`` and
``write_municipality_reports``, the PDF engine stubbed) and pickled; then each measurement
runs in a fresh process (Typst memoises layouts within a process, so a second layout of
the same report costs almost nothing): ``cold`` after ``typst_pdf.warm_up()`` only,
``warm`` after laying out another municipality's PDF (a worker that made one before).
Prints the median and the least of ``--repeat`` runs. CPU seconds (user+sys,
``resource.getrusage``), as the machine is shared; nothing is asserted. Usage:

    uv run python benchmarks/pdf_layout.py [--repeat 5]
    PYTHONPATH=/tmp/old/src uv run python benchmarks/pdf_layout.py   # another version
    # (git archive REV src | tar -x -C /tmp/old)

Figures on the shared 2-core machine (load average 2-3), median (least) of 5 runs, before
and after the figures were drawn natively (issue 20 item 7, issue 21 item 6):

| report, process | pdf_input before | after | pdf_bytes before | after |
| --- | --- | --- | --- | --- |
| kd2024, cold | 0.132 (0.089) | 0.097 (0.079) | 0.640 (0.572) | 0.738 (0.505) |
| kd2024, warm | 0.129 (0.096) | 0.106 (0.067) | 0.728 (0.687) | 0.620 (0.525) |
| municipal, cold | 0.137 (0.125) | 0.089 (0.084) | 0.815 (0.542) | 0.772 (0.600) |
| municipal, warm | 0.142 (0.077) | 0.134 (0.093) | 0.787 (0.497) | 0.809 (0.670) |

After the surely-fits bound was made tight and number tables set in whole words (7 December,
10:45 UTC, median (least) of 5): kd2024 cold pdf_bytes 0.467 (0.410), warm 0.412 (0.379);
municipal cold 0.489 (0.460), warm 0.425 (0.396).

The layout is about as dear as before: Typst draws a figure's text about as fast as it
turned an SVG's text into outlines (figures alone, without the rest of the report: 0.06 s
either way per report). The figures' part of ``pdf_input`` fell from 10-11 ms to 3 ms
(SVG written and every character of it checked, against each distinct label checked once).
What the layout costs instead: the tables, laid out twice where a heading, table and note
are kept on one page (``keep`` in the template measures them first): one municipal report
took 0.56 s, 0.17 s without tables, 0.32 s without ``keep``'s measuring.
"""

from __future__ import annotations

import argparse
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

NAMES = {0: "kd2024", 2: "municipal"}


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def capture(path: Path) -> None:
    """Pickle the (publication, scenes) of kd2024 and of municipalities 01 and 02."""
    sys.path.insert(0, str(Path(__file__).parent))
    from core_benchmark import prepare

    from samspil import demo
    from samspil.cli import main
    from samspil.instruments import load
    from samspil.reports import typst_pdf
    from samspil.reports.municipal import write_municipality_reports
    from samspil.responses import Responses

    got = []
    real = typst_pdf.pdf_input

    def spy(pub, scenes):  # type: ignore[no-untyped-def]
        got.append((pub, scenes))
        return real(pub, scenes)

    typst_pdf.pdf_input = spy  # type: ignore[assignment]
    typst_pdf.pdf_bytes = lambda source: b"%PDF-"  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        answers, codes = prepare(folder, 1000)
        report = ["report", "kd2024", "--data", str(answers), "--codes", str(codes)]
        main([*report, "--out", str(folder / "r"), "--formats", "pdf"])
        instrument = load("kd2024")
        data = demo.synthetic_responses(instrument, 98)
        data["kommune"] = demo.municipalities(98)
        write_municipality_reports(
            "kd2024", Responses(instrument, data), None, folder / "m",
            facts=demo.demo_facts(), kommuner=["Demokommune 01", "Demokommune 02"],
            formats={"pdf"},
        )  # fmt: skip
    path.write_bytes(pickle.dumps(got))


def measure(path: Path, which: int, warm: bool) -> None:
    """One measurement (in its own process): prints pdf_input's and pdf_bytes' CPU seconds."""
    from samspil.reports import typst_pdf

    got = pickle.loads(path.read_bytes())
    typst_pdf.warm_up()
    if warm:
        typst_pdf.pdf_bytes(typst_pdf.pdf_input(*got[1]))
    start = cpu()
    source = typst_pdf.pdf_input(*got[which])
    made = cpu()
    typst_pdf.pdf_bytes(source)
    print(made - start, cpu() - made)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(Path(args.measure[0]), int(args.measure[1]), args.measure[2] == "warm")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "publications.pickle"
        capture(path)
        for which, name in NAMES.items():
            for mode in ("cold", "warm"):
                runs = [
                    [float(v) for v in subprocess.run(
                        [sys.executable, __file__, "--measure", str(path), str(which), mode],
                        check=True, capture_output=True, text=True,
                    ).stdout.split()[-2:]]
                    for _ in range(args.repeat)
                ]  # fmt: skip
                made, laid = zip(*runs, strict=True)
                print(
                    f"{name}, {mode}: pdf_input {statistics.median(made):.3f} ({min(made):.3f}) s,"
                    f" pdf_bytes {statistics.median(laid):.3f} ({min(laid):.3f}) s"
                )


if __name__ == "__main__":
    main()

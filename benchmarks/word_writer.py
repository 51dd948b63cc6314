"""CPU seconds of writing the Word file (``reports/wordfile.py``'s ``write_docx``) alone,
for three reports:

- ``kd2024``: the kd2024 report with coded open answers, 1,000 synthetic respondents;
- ``default``: the default report of the 200-variable questionnaire of
  ``default_report.py``, 1,000 respondents;
- ``municipal``: one municipality's own report (``samspil report kd2024 --by kommune``;
  98 synthetic municipalities, as ``municipal_reports.py``).

Each report is computed as ``samspil report ... --formats docx`` computes it (in this
process, through ``samspil.cli.main``), its figures drawn as PNG; none of that is timed.
Then, in the same process, ``write_docx`` is timed: ``import docx`` alone, the first
write of each report (what a cold ``samspil report`` pays, less the import) and the best
of ``--repeat`` later writes (what each of the 98 municipalities' reports pays in a
worker process). CPU seconds (user+sys of this process, ``resource.getrusage``), so the
figures hold on a busy machine. Nothing is asserted. Usage:

    uv run python benchmarks/word_writer.py
    uv run python benchmarks/word_writer.py --writer /tmp/old_wordfile.py   # another version

``--writer FILE`` times the ``write_docx`` of another copy of the module (for example the
one before a change: ``git show REV:src/samspil/reports/wordfile.py > /tmp/old.py``).

Three writers are timed: ``--writer`` (here the python-docx writer before issue 20's
item 7: ``git show 87f9d56:src/samspil/reports/wordfile.py``), samspil's, and "body parsed
into python-docx": the same body XML parsed once into python-docx's document, the figures
as python-docx image parts, saved by python-docx. That last one is the way the task allowed
without a hand-written writer; samspil writes the package (a zip of a few XML files) itself
because the benchmark shows python-docx's part of that way costing more than everything
else: parsing the body again, serialising it, finding relationship ids, deflating every
PNG once more (0.1 s of 0.2 s for the default report), and importing python-docx at all
(about 0.1 s per process, more than writing the kd2024 report's Word file now). The
template is still python-docx's, prepared with lxml; a test checks that it is exactly what
python-docx's own calls make of it (tests/core/test_word_file.py).

Figures on the shared 2-core machine (load average 4.5), CPU seconds; "first" is the first
write in the process (samspil's: its template prepared too), "later" the best of 5 more,
as first / later; PNG: drawing the figures (not the Word writer's; not in the others):

| report | tables, figures | PNG | before | after | body parsed into python-docx |
|---|---|---:|---:|---:|---:|
| import docx | | | 0.10-0.13 | not imported | 0.10-0.13 |
| kd2024, 1,000 | 31, 28 | 0.96 | 0.199 / 0.193 | 0.052 / 0.051 | 0.137 / 0.110 |
| default, 200 variables | 112, 92 | 2.45 | 1.206 / 0.927 | 0.078 / 0.077 | 0.216 / 0.178 |
| one municipality | 21, 19 | 0.21 | 0.218 / 0.170 | 0.050 / 0.049 | 0.077 / 0.056 |

Of samspil's write, most is now ``typst_pdf.column_widths`` (each cell measured with PIL,
for the columns sized by content: about 0.05 s of the default report's 0.08 s).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import resource
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

CASES = ("kd2024", "default", "municipal")


def cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def capture(argv: list[str]) -> Any:
    """The Job ``samspil report ARGV --formats docx`` would write its Word file from."""
    from samspil.cli import main
    from samspil.reports import publish

    jobs: list[Any] = []
    original = publish.FORMATS["docx"]
    publish.FORMATS["docx"] = lambda job: jobs.append(job) or []
    try:
        if main(["report", *argv, "--formats", "docx"]) != 0:
            raise SystemExit(f"samspil report {' '.join(argv)} failed")
    finally:
        publish.FORMATS["docx"] = original
    return jobs[0]


def prepare(folder: Path, case: str) -> Any:
    import pandas as pd
    import yaml

    if case == "kd2024":
        from core_benchmark import prepare as kd2024_files

        answers, codes = kd2024_files(folder, 1000)
        argv = ["kd2024", "--data", str(answers), "--codes", str(codes)]
    elif case == "default":
        import default_report

        spec = folder / "bench.yaml"
        spec.write_text(yaml.safe_dump(default_report.instrument(), allow_unicode=True))
        data = folder / "bench_1000.csv"
        default_report.answers(1000).to_csv(data, index=False)
        argv = [str(spec), "--data", str(data)]
    else:
        from samspil import demo
        from samspil.instruments import load

        data = demo.synthetic_responses(load("kd2024"), 98)
        data["kommune"] = demo.municipalities(98)
        answers = folder / "kommuner.csv"
        pd.DataFrame(data).to_csv(answers, index=False)
        argv = ["kd2024", "--data", str(answers), "--by", "kommune"]
        from samspil.reports import municipal

        one = municipal.write_municipality_reports
        municipal.write_municipality_reports = lambda *a, **k: one(  # type: ignore[assignment]
            *a, **{**k, "kommuner": ["Demokommune 02"]}
        )
        try:
            return capture([*argv, "--out", str(folder / f"out_{case}")])
        finally:
            municipal.write_municipality_reports = one  # type: ignore[assignment]
    return capture([*argv, "--out", str(folder / f"out_{case}")])


def other_writer(path: str) -> Callable[..., Path]:
    """``write_docx`` of another copy of wordfile.py."""
    spec = importlib.util.spec_from_file_location("other_wordfile", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (dataclasses look their module up)
    spec.loader.exec_module(module)
    return module.write_docx  # type: ignore[no-any-return]


@cache
def _prepared_docx() -> bytes:
    """The prepared template as a Word file (samspil's writer, an empty publication)."""
    from samspil.reports.document import Publication
    from samspil.reports.wordfile import write_docx

    out = io.BytesIO()
    write_docx(Publication("", "", [], "", "", date.today(), "", []), {}, out)  # type: ignore[arg-type]
    return out.getvalue()


def through_python_docx(
    pub: Any, figures: dict[str, bytes], path: Path, alts: dict[str, str] | None = None
) -> Path:
    """The other way: the same body XML, parsed once into python-docx's document, the
    figures added as python-docx image parts, the title and author through its core
    properties, the package saved by python-docx (every part deflated, PNG too)."""
    from docx import Document
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.oxml.parser import parse_xml
    from docx.parts.image import ImagePart

    from samspil.reports import wordfile

    made = wordfile.template()
    doc = Document(io.BytesIO(_prepared_docx()))
    doc.core_properties.title = pub.title[:255]
    doc.core_properties.author = (", ".join(pub.authors) or pub.institution)[:255]
    count = [0]

    def relate(png: bytes) -> str:
        count[0] += 1
        name = PackURI(f"/word/media/figure{count[0]}.png")
        return doc.part.relate_to(ImagePart(name, CONTENT_TYPE.PNG, png), RELATIONSHIP_TYPE.IMAGE)

    body = wordfile.Body(made.styles, made.footer, relate)
    xml = wordfile.body_xml(pub, figures, alts or {}, body)
    document = doc.element
    declared = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in wordfile.NS.items())
    document.replace(document.body, parse_xml(f"<w:body {declared}>{xml}</w:body>"))
    doc.save(str(path))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writer", help="another wordfile.py to time beside samspil's")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cases", default=",".join(CASES))
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    cases = args.cases.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        made = {}
        for case in cases:
            job = prepare(folder, case)
            alts = {key: scene.alt for key, scene in job.scenes.items()}
            started = cpu()
            images = job.images("png")
            png = cpu() - started
            made[case] = (job.publication, images, alts, png)
        started = cpu()
        import docx  # noqa: F401

        imported = cpu() - started
        from samspil.reports.wordfile import write_docx

        writers: dict[str, Callable[..., Path]] = {}
        if args.writer:
            writers[f"--writer {Path(args.writer).name}"] = other_writer(args.writer)
        writers["samspil"] = write_docx
        writers["body parsed into python-docx"] = through_python_docx
        print(f"CPU seconds; import docx: {imported:.3f}")
        print("| report | tables | figures | PNG | writer | first write | best later |")
        print("|---|---:|---:|---:|---|---:|---:|")
        for case in cases:
            pub, images, alts, png = made[case]
            items = sum(len(ch.items) for ch in pub.chapters)
            for name, write in writers.items():
                times = []
                for i in range(1 + args.repeat):
                    started = cpu()
                    write(pub, images, folder / f"{case}_{i}.docx", alts)
                    times.append(cpu() - started)
                print(
                    f"| {case} | {items} | {len(images)} | {png:.2f} | {name} | {times[0]:.3f} "
                    f"| {min(times[1:]):.3f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()

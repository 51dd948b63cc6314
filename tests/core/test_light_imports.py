"""Computing tables loads no slow library it does not need: the chi-square, t and normal
tails come from scipy.special (scipy.stats takes about a second to import), statsmodels
only for a regression, the PDF, Word and workbook libraries only for those outputs."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import sys
import numpy as np, pandas as pd
from samspil import analysis
from samspil.demo import demo_file
from samspil.importing import read_columns
from samspil.instruments import resolve
from samspil.reports import compute
from samspil.responses import Responses

responses = Responses.from_file(demo_file("kd2024_demo.csv"), resolve("kd2024"))
codes = read_columns(demo_file("kd2024_codes_demo.csv"), ("respondent_id", "variable", "code"))
compute("kd2024", responses, codes=codes, previous=responses)
frame = pd.DataFrame({"x": [1.0, 2.0] * 20, "g": ["a"] * 25 + ["b"] * 15})
table = analysis.crosstab(frame, "x", {k: frame.g == k for k in "ab"}, [1, 2])
assert table["p"].notna().all()
heavy = ("scipy.stats", "statsmodels", "sklearn", "typst", "docx", "openpyxl")
print(sorted(m for m in heavy if m in sys.modules))
"""


def test_computing_tables_loads_no_scipy_stats_statsmodels_or_output_library():
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

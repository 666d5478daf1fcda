"""Validity of the framing measures against human coders, in one long table.

* The generic news frames codebook (dictionary) against the Narrative Frames
  corpus's coded frames (Frermann et al. 2023): four of its five frames have a
  counterpart there (conflict, human interest, economic, moral). The
  codebook marks a frame present when any sentence hits; its ranking score is
  the share of sentences that hit, so ROC AUC says whether more hits means
  "coded present" whatever the cut-off.
* The supervised frame classifier, cross-validated with no outlet in both a
  training and a test fold (:mod:`analysis.framing.frame_classifier`).
* The loaded-language score and the epistemic markers against BABE's
  biased/non-biased sentence labels (:mod:`analysis.framing.loaded_language`), and the
  supervised bias classifier, each BABE outlet held out in turn, beside sentence length
  (:mod:`analysis.framing.bias_classifier`).

``python -m analysis validate framing`` writes the table to
``reports/validation/framing.csv`` with a markdown summary beside it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

from analysis.collect.framing_datasets import load_narrative_frames
from analysis.core import defaults
from analysis.framing import bias_classifier, dictionary, frame_classifier, frame_tables, loaded_language
from analysis.framing.codebook import CODEBOOK_TO_NARRATIVE
from analysis.text import prepare
from analysis.validation import voice_gold
from analysis.validation.sentiment_gold import LONG_COLUMNS


def codebook_validity(*, codebook: str = "generic_news_frames") -> pd.DataFrame:
    """Precision, recall, F1 and ROC AUC of each mapped codebook frame on the 427 coded climate articles."""

    corpus = load_narrative_frames()
    articles = corpus.assign(outlet_type="unclassified", leaning="unrated")
    sentences = prepare.split_sentences(articles)
    matcher = dictionary.FrameMatcher(codebook=codebook).fit()
    hits = dictionary.frame_hits(sentences, matcher=matcher)
    per_article = frame_tables.article_frames(hits, sentences=sentences, articles=articles, matchers=[matcher])
    rows, f1s = [], []
    for frame, label in CODEBOOK_TO_NARRATIVE.items():
        sub = per_article.loc[per_article["frame"] == frame].set_index("doc_id").reindex(corpus["doc_id"])
        y, present, share = corpus[label].to_numpy(bool), sub["present"].to_numpy(bool), sub["share"].to_numpy()
        f1s.append(f1_score(y, present, zero_division=0))
        rows += [(f"precision_{label}", precision_score(y, present, zero_division=0), int(y.sum())),
                 (f"recall_{label}", recall_score(y, present, zero_division=0), int(y.sum())),
                 (f"f1_{label}", f1s[-1], int(y.sum())), (f"auc_{label}", roc_auc_score(y, share), int(y.sum())),
                 (f"share_flagged_{label}", float(present.mean()), len(y))]
    rows.append(("macro_f1", float(np.mean(f1s)), len(corpus)))
    out = pd.DataFrame(rows, columns=["metric", "value", "n"])
    out.insert(0, "instrument", f"codebook {codebook}")
    out.insert(0, "split", "all 427 articles (dictionary: nothing trained)")
    out.insert(0, "dataset", "narrative_frames")
    return out[LONG_COLUMNS].astype({"value": "float64", "n": "int64"})


def framing_validity(*, seed: int = defaults.VALIDATION_SEED, n_boot: int = defaults.VALIDATION_N_BOOT) -> pd.DataFrame:
    """Every framing instrument against human labels, long format ``dataset, split, instrument, metric, value, n``.

    Voice attribution (whose voice each frame cue is in) is scored on the hand-made gold of
    ``data/gold/voice``, its speakers typed by the toolkit's own rules (no study's actor list: the figure is the
    instrument's, the same for every study).
    """

    parts = [codebook_validity(),
             frame_classifier.validate_on_narrative_frames(seed=seed),
             loaded_language.validate_on_babe(n_boot=n_boot, seed=seed),
             bias_classifier.validate_on_babe(n_boot=n_boot, seed=seed),
             voice_gold.voice_validity()]
    return pd.concat([p[LONG_COLUMNS] for p in parts], ignore_index=True)


def summary_markdown(table: pd.DataFrame) -> str:
    """The headline numbers of :func:`framing_validity`, generated (never typed)."""
    lines = ["# Framing instruments against human coders", ""]
    frames_ = table.loc[(table["dataset"] == "narrative_frames") & table["metric"].str.match(r"(macro_f1|f1_)")]
    wide = frames_.pivot_table(index="instrument", columns="metric", values="value", sort=False)
    cols = [c for c in ["macro_f1", "f1_conflict", "f1_economic", "f1_human_interest", "f1_moral", "f1_resolution"]
            if c in wide.columns]
    lines += ["## Narrative Frames (Frermann et al. 2023): 427 coded climate articles", "",
              "| instrument | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    for instrument, r in wide.iterrows():
        lines.append(f"| {instrument} | " + " | ".join("" if pd.isna(r[c]) else f"{r[c]:.3f}" for c in cols) + " |")
    splits = table.loc[table["dataset"] == "narrative_frames"].groupby("instrument", sort=False)["split"].first()
    lines += ["", "Splits: " + "; ".join(f"{i}: {s}" for i, s in splits.items()) + ".", ""]
    babe = table.loc[(table["dataset"] == "babe") & (table["metric"] == "roc_auc")]
    if len(babe):
        wide = babe.pivot_table(index="instrument", columns="split", values="value", sort=False)
        lines += ["## BABE (Spinde et al. 2021): ROC AUC of sentence scores against biased / non-biased", "",
                  "| instrument | " + " | ".join(wide.columns) + " |", "|---|" + "---:|" * len(wide.columns)]
        for instrument, r in wide.iterrows():
            lines.append(f"| {instrument} | " + " | ".join("" if pd.isna(v) else f"{v:.3f}" for v in r) + " |")
        lines += ["", "0.5 is chance; `n_tokens` and `length_only` (sentence length) are the trivial baseline; "
                  "`bias_classifier` is out-of-fold with each outlet held out in turn (SG2 only).", ""]
        within = table.loc[(table["dataset"] == "babe") & (table["metric"] == "roc_auc_within_length")]
        if len(within):
            lines += ["Mean ROC AUC within sentence-length fifths: " + "; ".join(
                f"{r.instrument} ({r.split}) {r.value:.3f}" for r in within.itertuples()) + ".", ""]
    voice = table.loc[(table["dataset"] == voice_gold.DATASET) & (table["metric"].isin(["accuracy",
                                                                                          "own_vs_other_accuracy"]))]
    if len(voice):
        wide = voice.pivot_table(index="instrument", columns=["split", "metric"], values="value", sort=False)
        n = voice.groupby("split")["n"].max()
        lines += ["## Voice of frame cues: hand-made gold on AllSides (data/gold/voice)", "",
                  "Outlet's own words, quoted, reported or attributed speech (4 classes), and own versus "
                  f"other; dev n = {n.get('dev', 0)}, test n = {n.get('test', 0)} cues.", "",
                  "| instrument | " + " | ".join(f"{s} {m}" for s, m in wide.columns) + " |",
                  "|---|" + "---:|" * len(wide.columns)]
        for instrument, r in wide.iterrows():
            lines.append(f"| {instrument} | " + " | ".join("" if pd.isna(v) else f"{v:.3f}" for v in r) + " |")
        lines += ["", "`voice_all_outlet_baseline`: every cue counted as the outlet's, as before voices existed.", ""]
    return "\n".join(lines)

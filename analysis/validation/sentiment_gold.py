"""Validity of sentence sentiment against human ratings (VADER NYT), with a single-rater ceiling.

Sentence sentiment is checked against VADER's New York Times ground truth
(Hutto & Gilbert 2014): 5,190 snippets from 498 articles, each rated by 20
people. The ceiling is how well one rater agrees with the mean of the other
19 on the same snippets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.core import cache, defaults, tables
from analysis.sentiment import sentence_model
from analysis.sentiment.scoring import VaderScorer, instrument_name
from analysis.stats.contrasts import group_rng

CI_METHOD = "percentile bootstrap over articles (cluster)"


def cluster_bootstrap_pearson(x: np.ndarray, y: np.ndarray, clusters: np.ndarray, *, n_boot: int,
                              confidence: float, rng: np.random.Generator) -> tuple[float, float]:
    """Percentile CI of Pearson's r, resampling whole clusters (articles).

    scipy's ``bootstrap`` resamples observations, which would treat snippets of
    one article as independent; here each resample draws articles with
    replacement and r is computed from per-article sums (exact, vectorised).
    """
    codes, uniq = pd.factorize(clusters)
    k = len(uniq)
    sums = np.zeros((k, 6))
    for j, col in enumerate([np.ones_like(x), x, y, x * x, y * y, x * y]):
        sums[:, j] = np.bincount(codes, weights=col, minlength=k)
    counts = rng.multinomial(k, np.full(k, 1 / k), size=n_boot)
    n, sx, sy, sxx, syy, sxy = (counts @ sums).T
    cov = sxy - sx * sy / n
    r = cov / np.sqrt((sxx - sx * sx / n) * (syy - sy * sy / n))
    alpha = (1 - confidence) / 2
    return float(np.quantile(r, alpha)), float(np.quantile(r, 1 - alpha))


def _row(instrument, level, comparison, x, y, clusters, n_boot, confidence, rng) -> dict:
    low, high = cluster_bootstrap_pearson(x, y, clusters, n_boot=n_boot, confidence=confidence, rng=rng)
    return dict(instrument=instrument, level=level, comparison=comparison, n_units=len(x),
                n_articles=len(np.unique(clusters)), pearson_r=float(stats.pearsonr(x, y).statistic),
                ci_low=low, ci_high=high, spearman_rho=float(stats.spearmanr(x, y).statistic),
                ci_method=f"{confidence:.0%} {CI_METHOD}, {n_boot} resamples")


def score_gold(gold: pd.DataFrame, *, scorer=None) -> pd.DataFrame:
    """Per-snippet instrument scores next to the human mean (no snippet text kept).

    A supervised instrument is never scored on snippets it was trained on:
    its scores are the out-of-fold predictions of
    :func:`analysis.sentiment.sentence_model.nyt_validation_scores` (folds grouped by
    article), whatever ``gold`` holds.
    """
    scorer = scorer if scorer is not None else VaderScorer().fit()
    if getattr(scorer, "kind", None) == "supervised":
        # Ten cross-fits, a minute or more, that depend on the code and the training data but on no study
        # setting: computed once per toolkit version, whichever study validates first.
        scores = cache.cached_object("nyt_oof_news_ridge", cache.key(files=sentence_model.training_files(),
                                                                     packages=("scikit-learn",)),
                                     sentence_model.nyt_validation_scores)
        return tables.validate(scores, "validation_scores")
    out = gold[["snippet_id", "article_id", "human_mean"]].copy()
    out["instrument"] = instrument_name(scorer)
    out["score"] = scorer.transform(gold["text"])[:, 0]
    return tables.validate(out, "validation_scores")


def sentiment_validity(gold: pd.DataFrame, scores: pd.DataFrame, *, n_boot: int = defaults.N_BOOT, confidence: float = defaults.CONFIDENCE,
                       seed: int = defaults.SEED) -> pd.DataFrame:
    """Agreement with the human mean at sentence and article level, and the single-rater ceiling."""
    # One seeded stream per instrument and level: adding an instrument leaves the others' intervals unchanged.
    rows = []
    for instrument, sc in scores.groupby("instrument", sort=True):
        rows.append(_row(instrument, "sentence", "instrument vs human mean", sc["score"].to_numpy(),
                         sc["human_mean"].to_numpy(), sc["article_id"].to_numpy(), n_boot, confidence,
                         group_rng(seed, instrument, "sentence")))
        art = sc.groupby("article_id", sort=True)[["score", "human_mean"]].mean()
        rows.append(_row(instrument, "article", "instrument vs human mean", art["score"].to_numpy(),
                         art["human_mean"].to_numpy(), art.index.to_numpy(), n_boot, confidence,
                         group_rng(seed, instrument, "article")))
    # Ceiling: each rater position against the mean of the other raters, all positions stacked.
    ratings = np.array(gold["ratings"].tolist(), dtype=float)
    n_raters = ratings.shape[1]
    rest = (ratings.sum(axis=1, keepdims=True) - ratings) / (n_raters - 1)
    clusters = np.repeat(gold["article_id"].to_numpy()[:, None], n_raters, axis=1)
    rows.append(_row("one human rater", "sentence", "single rater vs mean of the other raters", ratings.ravel(),
                     rest.ravel(), clusters.ravel(), n_boot, confidence, group_rng(seed, "one human rater")))
    df = pd.DataFrame(rows).astype({"n_units": "int64", "n_articles": "int64"})
    return tables.validate(df, "sentiment_validation")


LONG_COLUMNS = ["dataset", "split", "instrument", "metric", "value", "n"]


def long_table(nyt: pd.DataFrame, newsmtsc: pd.DataFrame | None = None) -> pd.DataFrame:
    """The validation results in one long table: ``dataset, split, instrument, metric, value, n``.

    NYT rows: split ``sentences`` or ``article means``; metrics ``pearson_r``
    (with ``pearson_r_ci_low``/``_ci_high``, cluster bootstrap) and
    ``spearman_rho``; ``n`` counts sentences or articles (rating pairs for
    the single-rater ceiling). NewsMTSC rows are
    :func:`analysis.sentiment.target_sentiment.evaluate_on_newsmtsc` as they are.
    """
    rows = []
    for r in nyt.itertuples():
        split = "sentences" if r.level == "sentence" else "article means"
        for metric, value in (("pearson_r", r.pearson_r), ("pearson_r_ci_low", r.ci_low),
                              ("pearson_r_ci_high", r.ci_high), ("spearman_rho", r.spearman_rho)):
            rows.append(("vader_nyt", split, r.instrument, metric, float(value), int(r.n_units)))
    out = pd.DataFrame(rows, columns=LONG_COLUMNS)
    if newsmtsc is not None:
        out = pd.concat([out, newsmtsc[LONG_COLUMNS]], ignore_index=True)
    return out.astype({"value": "float64", "n": "int64"})


PAIR_METRICS = ("pairs_ordered_by_score", "pairs_ordered", "split_when_gold_split", "split_when_gold_same",
                "neutral_called_negative")


def _pair_lines(news: pd.DataFrame) -> list[str]:
    """The multi-target table: macro-F1 with its sentence-bootstrap interval and the pair figures (share, of n)."""
    pairs = news.loc[news["metric"].isin(PAIR_METRICS + ("macro_f1_ci_low", "macro_f1_ci_high", "macro_f1"))]
    if not pairs["metric"].isin(PAIR_METRICS).any():
        return []
    lines = ["### Targets of one sentence (devtest_rw sentences with two or more targets)", "",
             "| instrument | macro-F1 [95% CI] | pairs ordered (score) | pairs ordered (labels) | "
             "split when people split | split when people agree | neutral called negative |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for instrument, t in pairs.groupby("instrument", sort=False):
        r = t.set_index("metric")

        def share(metric: str) -> str:
            return f"{r.loc[metric, 'value']:.3f} (n={int(r.loc[metric, 'n'])})" if metric in r.index else ""

        ci = (f" [{r.loc['macro_f1_ci_low', 'value']:.3f}, {r.loc['macro_f1_ci_high', 'value']:.3f}]"
              if "macro_f1_ci_low" in r.index else "")
        lines.append(f"| {instrument} | {r.loc['macro_f1', 'value']:.3f}{ci} | "
                     + " | ".join(share(m) for m in PAIR_METRICS) + " |")
    lines += ["", "Pairs: two targets of one sentence with different human labels (negative < neutral < positive), "
              "ordered the human way by the instrument's polarity score or by its labels (a tie is wrong). "
              "Split: the instrument gives the sentence's targets different labels. The interval resamples "
              "sentences.", ""]
    return lines


def summary_markdown(table: pd.DataFrame) -> str:
    """A short generated summary of :func:`long_table` (numbers are never typed by hand)."""
    nyt = table.loc[table["dataset"] == "vader_nyt"].pivot_table(
        index=["instrument", "split"], columns="metric", values="value", sort=False)
    n = table.loc[table["dataset"] == "vader_nyt"].groupby(["instrument", "split"], sort=False)["n"].first()
    lines = ["# Sentiment instruments against human judgements", "",
             "## VADER NYT ground truth (Hutto & Gilbert 2014): Pearson r with the mean of 20 human ratings", "",
             "| instrument | level | n | Pearson r [95% CI] | Spearman rho |", "|---|---|---:|---|---:|"]
    for (instrument, split), r in nyt.iterrows():
        lines.append(f"| {instrument} | {split} | {n[(instrument, split)]:,} | {r['pearson_r']:.3f} "
                     f"[{r['pearson_r_ci_low']:.3f}, {r['pearson_r_ci_high']:.3f}] | {r['spearman_rho']:.3f} |")
    lines += ["", "Intervals resample articles (cluster bootstrap). Supervised instruments are scored out of fold "
              "(folds grouped by article), never on snippets they were trained on. 'one human rater' is the "
              "ceiling: each rater against the mean of the others.", ""]
    news = table.loc[table["dataset"] == "newsmtsc"]
    if len(news):
        wide = news.pivot_table(index="instrument", columns="metric", values="value", sort=False)
        size = int(news.loc[news["metric"] == "macro_f1", "n"].iloc[0])
        lines += [f"## NewsMTSC devtest_rw (Hamborg & Donnay 2021): sentiment toward a target, {size:,} targets", "",
                  "| instrument | macro-F1 | accuracy | F1 negative | F1 neutral | F1 positive |",
                  "|---|---:|---:|---:|---:|---:|"]
        for instrument, r in wide.iterrows():
            lines.append(f"| {instrument} | {r['macro_f1']:.3f} | {r['accuracy']:.3f} | {r['f1_negative']:.3f} | "
                         f"{r['f1_neutral']:.3f} | {r['f1_positive']:.3f} |")
        lines += ["", "Published state of the art (Hamborg & Donnay 2021, GRU-TSC): macro-F1 0.831. The models here "
                  "are trained on NewsMTSC train only; devtest_rw is never used for fitting or tuning.", ""]
        lines += _pair_lines(news)
    return "\n".join(lines)

"""Topic model fit time by corpus size, the large-corpus path (k chosen on a sample) against today's path.

    ANALYSIS_DATA_MIRRORS=../shared/data .venv/bin/python benchmarks/topics_scale.py [--sizes 2000 10000 0]
        [--compare 6000] [--final]

All on AllSides (Baly et al. 2020; 37,554 articles, title + text), one process
(``n_jobs=None``, as :mod:`analysis.framing.frame` runs it), every number from
this one run:

* **Sizes.** ``TopicModel(random_state=0).fit`` on a fixed-seed random subset
  of each size in ``--sizes`` (0 = all articles): wall time, the chosen k, and
  how k was chosen. Below ``topics.LARGE_CORPUS`` this is today's path.
* **Ratio.** At ``--compare`` articles (over the threshold, small enough for
  today's path to be affordable): the same fit with ``large_corpus=None``
  (today's path: every stability fit on all articles) and with the default
  (k chosen on a sample of ``topics.K_SAMPLE``), their times and ratio, both
  stability curves, and the agreement of the two final models (Hungarian-matched
  average Jaccard of the top 20 terms) where both chose the same k.
* **Terms** (``--save-terms FILE``): the top 20 terms of each topic of the
  all-articles fit, pickled; ``--compare-terms FILE`` reports the
  Hungarian-matched top-20 agreement with a saved fit (another version's).
* **Final model** (``--final``): on all articles at the k chosen there, NMF
  ``cd`` (what the model uses) against ``MiniBatchNMF``: time, Frobenius
  reconstruction error, and top-20-term agreement with the cd model.

Prints only counts, times, scores and topic labels (top 3 terms); no article text.
"""

from __future__ import annotations

import argparse
import pickle
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import MiniBatchNMF
from threadpoolctl import threadpool_limits

from analysis.collect import datasets
from analysis.framing import topics


def _articles() -> pd.DataFrame:
    return datasets.load_allsides(download=False)[["title", "text"]].reset_index(drop=True)


def _subset(articles: pd.DataFrame, n: int) -> pd.DataFrame:
    if not n or n >= len(articles):
        return articles
    rows = np.sort(np.random.default_rng(0).choice(len(articles), size=n, replace=False))
    return articles.iloc[rows].reset_index(drop=True)


def _fit(articles: pd.DataFrame, **params) -> tuple[topics.TopicModel, float]:
    t0 = time.perf_counter()
    model = topics.TopicModel(random_state=0, **params).fit(articles)
    return model, time.perf_counter() - t0


def _curve(model: topics.TopicModel) -> str:
    s = model.k_scores_
    return " ".join(f"{k}:{v:.3f}" for k, v in zip(s["k"], s["stability"]))


def _how(model: topics.TopicModel) -> str:
    return model.version_.split(" (", 1)[1].split("); tfidf", 1)[0]


def sizes(articles: pd.DataFrame, ns: list[int]) -> dict[int, tuple[topics.TopicModel, float]]:
    print(f"threshold large_corpus={topics.LARGE_CORPUS}, k_sample={topics.K_SAMPLE}")
    fitted = {}
    for n in ns:
        sub = _subset(articles, n)
        model, seconds = fitted[len(sub)] = _fit(sub)
        print(f"n={len(sub):>6}: {seconds:6.1f} s, k={model.n_topics_}; {_how(model)}\n"
              f"          stability {_curve(model)}", flush=True)
    return fitted


def compare(articles: pd.DataFrame, n: int) -> None:
    sub = _subset(articles, n)
    today, t_today = _fit(sub, large_corpus=None)
    new, t_new = _fit(sub)
    print(f"n={len(sub)}: today's path {t_today:.1f} s (k={today.n_topics_}), sampled {t_new:.1f} s "
          f"(k={new.n_topics_}); ratio {t_today / t_new:.1f}x")
    print(f"   today's stability   {_curve(today)}\n   sample's stability  {_curve(new)}")
    if today.n_topics_ == new.n_topics_:
        agree = topics.ranking_agreement(topics._top(today.nmf_.components_, 20), topics._top(new.nmf_.components_, 20))
        print(f"   final models: top-20 agreement {agree:.3f} (same fit on all articles: 1 expected)")


def final(articles: pd.DataFrame, fitted: tuple[topics.TopicModel, float] | None) -> None:
    model, seconds = fitted or _fit(articles)
    X = model.vectorizer_.transform(topics.as_texts(articles, title=True).tolist())
    X.sum_duplicates()
    k = model.n_topics_
    t0 = time.perf_counter()
    cd = topics._fit_nmf(X, None, k, random_state=0, max_iter=500)
    t_cd = time.perf_counter() - t0
    print(f"all {len(articles)} articles: fit {seconds:.1f} s, k={k}; NMF cd alone {t_cd:.1f} s, "
          f"err {cd.reconstruction_err_:.2f}, {cd.n_iter_} iterations")
    for batch in (1024, 4096):
        t0 = time.perf_counter()
        with warnings.catch_warnings(), sklearn.config_context(transform_output="default"), threadpool_limits(1):
            warnings.simplefilter("ignore")
            mb = MiniBatchNMF(n_components=k, init="nndsvda", batch_size=batch, random_state=0, max_iter=200).fit(X)
        t_mb = time.perf_counter() - t0
        agree = topics.ranking_agreement(topics._top(cd.components_, 20), topics._top(mb.components_, 20))
        print(f"   MiniBatchNMF batch {batch}: {t_mb:.1f} s, err {mb.reconstruction_err_:.2f}, {mb.n_steps_} steps, "
              f"top-20 agreement with cd {agree:.3f}")
    print("   topics:", " | ".join(model.topic_labels_))


def _shared(terms: list[list[str]], other: list[list[str]]) -> str:
    sim = np.array([[len(set(a) & set(b)) for b in other] for a in terms])
    rows, cols = linear_sum_assignment(sim, maximize=True)
    return ", ".join(str(sim[r, c]) for r, c in zip(rows, cols))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000, 10000, 0])
    parser.add_argument("--compare", type=int, default=6000, help="0 skips the comparison with today's path")
    parser.add_argument("--final", action="store_true", help="compare NMF cd with MiniBatchNMF on all articles")
    parser.add_argument("--save-terms", type=Path, help="pickle the largest fit's top-20 terms per topic here")
    parser.add_argument("--compare-terms", type=Path, help="top-20 agreement of the largest fit with a saved one")
    args = parser.parse_args()
    articles = _articles()
    fitted = sizes(articles, args.sizes)
    if args.save_terms or args.compare_terms:
        model = fitted[max(fitted)][0]
        vocab = model.vectorizer_.get_feature_names_out()
        terms = [list(vocab[row]) for row in topics._top(model.nmf_.components_, 20)]
        if args.save_terms:
            args.save_terms.write_bytes(pickle.dumps(terms))
        if args.compare_terms:
            other = pickle.loads(args.compare_terms.read_bytes())
            print(f"n={max(fitted)}: k={len(terms)} against k={len(other)} saved; top-20 agreement "
                  f"{topics.ranking_agreement(np.array(terms, dtype=object), np.array(other, dtype=object)):.3f}; "
                  f"top-20 terms shared per matched topic: {_shared(terms, other)}")
    if args.compare:
        compare(articles, args.compare)
    if args.final:
        final(articles, fitted.get(len(articles)))


if __name__ == "__main__":
    main()

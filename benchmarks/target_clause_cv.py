"""Benchmark: variants of the ``target_clause`` model by 5-fold article-grouped CV on NewsMTSC train only.

    .venv/bin/python benchmarks/target_clause_cv.py [--work DIR] [VARIANT ...]

Folds: GroupKFold(5) over articles (the first three parts of ``sentence_id``);
devtest_rw is never read. Each fold's :class:`ClauseFeatures` (defaults, the
AllSides word vectors) is fitted on its training part once and the matrices
are kept under ``--work`` (about 1 GB), so the variants reuse them. Printed
per variant: pooled out-of-fold macro-F1, mean +/- sd over folds, the folds,
per-class F1; ``shipped`` also prints the confusion matrix. The figures are
quoted in the docstring of :mod:`analysis.sentiment.target_model`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.model_selection import GroupKFold
from sklearn.svm import LinearSVC
from sklearn.utils.class_weight import compute_class_weight

from analysis.collect.datasets import load_newsmtsc
from analysis.sentiment.target_clause import sentence_groups
from analysis.sentiment.target_model import LABELS, ClauseFeatures, ClauseTargetClassifier, banded_labels

L = np.array(LABELS, dtype=object)
DENSE = ("vader_", "cue__", "vectors_")
SENTENCE_VIEW = ("masked__", "char_masked__", "vader_sentence__", "vectors_sentence__")


def fold_features(train: pd.DataFrame, work: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """The folds, with each fold's feature matrices written to ``work`` unless already there."""
    work.mkdir(parents=True, exist_ok=True)
    articles = train["sentence_id"].str.split("_").str[:3].str.join("_")
    folds = list(GroupKFold(n_splits=5).split(train, train["label"], articles))
    for k, (tr, te) in enumerate(folds):
        if (work / f"names{k}.npy").is_file():
            continue
        f = ClauseFeatures(word_vectors="allsides").fit(train.iloc[tr])
        sp.save_npz(work / f"Ztr{k}.npz", f.transform(train.iloc[tr]))
        sp.save_npz(work / f"Zte{k}.npz", f.transform(train.iloc[te]))
        np.save(work / f"names{k}.npy", f.get_feature_names_out().astype(str))
    return folds


class Fold:
    """One fold's matrices and the shipped estimator's pieces fitted on them (SVM, out-of-fold scores)."""

    def __init__(self, Ztr, Zte, names, ytr, gtr, gte, clf: ClauseTargetClassifier):
        self.Ztr, self.Zte, self.names, self.ytr, self.gtr, self.gte, self.clf = Ztr, Zte, names, ytr, gtr, gte, clf
        self.svm = clf._linear().fit(Ztr, ytr)
        self.oof = clf._out_of_fold(Ztr, ytr, gtr)  # inner folds by sentence, as in fit
        self.test_scores = self.svm.decision_function(Zte)

    def cols(self, prefixes) -> np.ndarray:
        return np.array([i for i, n in enumerate(self.names) if n.startswith(prefixes)])

    def calibrated(self) -> np.ndarray:
        return LogisticRegression(C=100.0, max_iter=1000).fit(self.oof, self.ytr).predict_proba(self.test_scores)


def _hgb() -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=20,
                                          l2_regularization=1.0, class_weight="balanced", early_stopping=False,
                                          random_state=0)


def _others_mean(P: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Mean of the other rows of each row's sentence (zeros for a lone target) and a has-others flag."""
    n = len(groups)
    G = sp.csr_matrix((np.ones(n), (np.arange(n), groups)))
    size = np.asarray(G.sum(axis=0)).ravel()[groups]
    others = G @ (G.T @ P) - P
    mean = np.where(size[:, None] > 1, others / np.maximum(size - 1, 1)[:, None], 0.0)
    return np.hstack([mean, (size > 1)[:, None].astype(float)])


def shipped(f: Fold) -> np.ndarray:
    return banded_labels(f.calibrated(), f.clf._tune_band(f.oof, f.ytr, f.gtr), L)


def no_band(f: Fold) -> np.ndarray:
    return L[f.calibrated().argmax(axis=1)]


def hgb_stack(f: Fold, prefixes=DENSE) -> np.ndarray:
    d = f.cols(prefixes)
    Dtr, Dte = np.hstack([f.Ztr[:, d].toarray(), f.oof]), np.hstack([f.Zte[:, d].toarray(), f.test_scores])
    return _hgb().fit(Dtr, f.ytr).predict(Dte).astype(object)


def hgb_blend(f: Fold, w: float = 0.3) -> np.ndarray:
    d = f.cols(DENSE)
    p = (1 - w) * f.calibrated() + w * _hgb().fit(f.Ztr[:, d].toarray(), f.ytr).predict_proba(f.Zte[:, d].toarray())
    return L[p.argmax(axis=1)]


def _refit(f: Fold, svm: LinearSVC) -> Fold:
    clf = f.clf
    clf._linear = lambda: clone(svm)
    return Fold(f.Ztr, f.Zte, f.names, f.ytr, f.gtr, f.gte, clf)


def neutral_weight(f: Fold, factor: float) -> np.ndarray:
    cw = dict(zip(LABELS, compute_class_weight("balanced", classes=L, y=f.ytr), strict=True))
    cw["neutral"] *= factor
    return shipped(_refit(f, LinearSVC(C=f.clf.C, class_weight=cw, max_iter=f.clf.max_iter, random_state=0)))


def crammer_singer(f: Fold) -> np.ndarray:
    return no_band(_refit(f, LinearSVC(C=f.clf.C, class_weight="balanced", multi_class="crammer_singer",
                                       max_iter=f.clf.max_iter, random_state=0)))


def _stage2(Ftr, Fte, ytr) -> np.ndarray:
    return LogisticRegression(C=1.0, max_iter=3000).fit(Ftr, ytr).predict(Fte).astype(object)


def cues_calibrator(f: Fold) -> np.ndarray:
    d = f.cols(("vader_", "cue__"))
    return _stage2(np.hstack([f.oof, f.Ztr[:, d].toarray()]), np.hstack([f.test_scores, f.Zte[:, d].toarray()]), f.ytr)


def others_calibrator(f: Fold) -> np.ndarray:
    return _stage2(np.hstack([f.oof, _others_mean(f.oof, f.gtr)]),
                   np.hstack([f.test_scores, _others_mean(f.test_scores, f.gte)]), f.ytr)


def view_scores(f: Fold, others: bool = True) -> np.ndarray:
    s = np.array([n.startswith(SENTENCE_VIEW) for n in f.names])
    Ftr, Fte = [f.oof], [f.test_scores]
    for c in (np.where(s)[0], np.where(~s)[0]):
        Ftr.append(f.clf._out_of_fold(f.Ztr[:, c], f.ytr, f.gtr))
        Fte.append(f.clf._linear().fit(f.Ztr[:, c], f.ytr).decision_function(f.Zte[:, c]))
    Ftr, Fte = np.hstack(Ftr), np.hstack(Fte)
    if others:
        Ftr, Fte = np.hstack([Ftr, _others_mean(Ftr, f.gtr)]), np.hstack([Fte, _others_mean(Fte, f.gte)])
    return _stage2(Ftr, Fte, f.ytr)


def without_roles(f: Fold) -> np.ndarray:
    roles = ("cue__agent", "cue__object", "contrast__cue__agent", "contrast__cue__object")
    keep = np.array([i for i, n in enumerate(f.names) if not n.startswith(roles)])
    return no_band(Fold(f.Ztr[:, keep], f.Zte[:, keep], f.names[keep], f.ytr, f.gtr, f.gte, f.clf))


VARIANTS = {
    "shipped": shipped, "no_band": no_band, "hgb_stack": hgb_stack,
    "hgb_stack_no_vectors": lambda f: hgb_stack(f, ("vader_", "cue__")), "hgb_blend": hgb_blend,
    "neutral_x0.8": lambda f: neutral_weight(f, 0.8), "neutral_x1.25": lambda f: neutral_weight(f, 1.25),
    "crammer_singer": crammer_singer, "cues_calibrator": cues_calibrator, "others_calibrator": others_calibrator,
    "view_scores": view_scores, "view_scores_alone": lambda f: view_scores(f, others=False),
    "without_roles": without_roles,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/target_clause_cv"))
    parser.add_argument("variants", nargs="*", help=f"any of {', '.join(VARIANTS)} (default: all)")
    args = parser.parse_args()
    unknown = sorted(set(args.variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants {unknown}; choose from {list(VARIANTS)}")
    train = load_newsmtsc("train")
    y = train["label"].to_numpy(dtype=object)
    folds = fold_features(train, args.work)
    for name in args.variants or VARIANTS:
        t0, pred, per_fold = time.perf_counter(), np.empty(len(y), dtype=object), []
        for k, (tr, te) in enumerate(folds):
            f = Fold(sp.load_npz(args.work / f"Ztr{k}.npz"), sp.load_npz(args.work / f"Zte{k}.npz"),
                     np.load(args.work / f"names{k}.npy"), y[tr], sentence_groups(train.iloc[tr]),
                     sentence_groups(train.iloc[te]), ClauseTargetClassifier())
            pred[te] = VARIANTS[name](f)
            per_fold.append(f1_score(y[te], pred[te], labels=list(LABELS), average="macro"))
        per_class = f1_score(y, pred, labels=list(LABELS), average=None)
        print(f"{name}: pooled {f1_score(y, pred, labels=list(LABELS), average='macro'):.3f}, "
              f"folds {np.mean(per_fold):.3f} +/- {np.std(per_fold):.3f} "
              f"[{' '.join(f'{v:.3f}' for v in per_fold)}], per class {np.round(per_class, 3).tolist()} "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)
        if name == "shipped":
            print(pd.DataFrame(confusion_matrix(y, pred, labels=list(LABELS)), index=list(LABELS),
                               columns=list(LABELS)).to_string())


if __name__ == "__main__":
    main()

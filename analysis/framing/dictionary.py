"""Dictionary frame measurement: which sentences use which codebook frame, with the words as evidence.

:class:`FrameMatcher` applies one codebook (:mod:`analysis.framing.codebook`) to a
sentence. The tables built from it run from sentence to group, and every
number can be traced back to the sentence and words behind it:

``frame_hits`` (key ``doc_id, sent_id, codebook, frame``)
    one row per sentence and frame it uses: ``n_matches``, the first
    ``matched`` surface form and its ``start``/``end`` in the sentence.
``article_frames`` (key ``doc_id, codebook, frame``)
    every article with at least one sentence crossed with every frame, zeros
    included: ``n_sentences``, ``n_hit_sentences``, ``share``, ``present``.
``frame_profiles`` (key ``codebook, frame, measure, group_var, group``)
    per group: share of articles using the frame (``measure="present"``) or
    mean share of their sentences (``"share"``), with a bootstrap CI over articles.
``frame_evidence`` (key ``doc_id, sent_id, codebook, frame``)
    keyword in context for each hit: ``left``, ``matched``, ``right`` and the
    whole ``sentence`` (publisher text: for the local report, never committed).

A dictionary finds the words a frame is usually expressed with, not the frame
a human coder would assign; read the evidence before trusting a profile.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from analysis.core import defaults, tables
from analysis.framing.codebook import NEGATORS, codebook_path, load_codebook
from analysis.stats import contrasts

_TOKEN = re.compile(r"\w+(?:['\u2019]\w+)*")
# A phrase's spaces also match a hyphen: "trade war" and "trade-war" are one cue.
_GAP = r"(?:\s+|\s*-\s*)"
# A cue starts a word, and not the second half of a hyphenated compound: "fast-tracking" is not "tracking",
# "non-military" is not "military"; the first half does match ("AI-powered" is "AI").
_START = r"(?<!\w)(?<!\w-)"


def indicator_regex(indicator: str) -> str:
    """The regex of one codebook indicator: whole words, ``*`` ending a word as a prefix wildcard."""
    words = []
    for word in indicator.split():
        stem, wild = (word[:-1], True) if word.endswith("*") else (word, False)
        words.append(re.escape(stem).replace("'", "['\u2019]") + (r"\w*" if wild else ""))
    return _GAP.join(words)


def _tokens(text: str) -> tuple[list[int], list[bool]]:
    """Each token's end offset, and whether it is a negator."""
    found = list(_TOKEN.finditer(text))
    words = [t.group().lower().replace("\u2019", "'") for t in found]
    return [t.end() for t in found], [w in NEGATORS or w.endswith("n't") for w in words]


def _negated(tokens: tuple[list[int], list[bool]], start: int, window: int) -> bool:
    ends, negators = tokens
    before = bisect_right(ends, start)  # tokens that end before the cue starts
    return any(negators[max(0, before - window):before])


class FrameMatcher(TransformerMixin, BaseEstimator):
    """Finds a codebook's frames in sentences from its indicators and patterns.

    Parameters
    ----------
    codebook : str or Path, default "generic_news_frames"
        A shipped codebook's name (``generic_news_frames``, ``policy_frames``,
        ``entity_list``) or the path of a TOML codebook.

    ``transform`` gives one column per frame: the number of matches in each
    text after negation and ``excludes`` (``get_feature_names_out`` = frame ids).
    """

    def __init__(self, *, codebook: str | Path = "generic_news_frames"):
        self.codebook = codebook

    def fit(self, X=None, y=None) -> FrameMatcher:
        cb = load_codebook(codebook_path(self.codebook))
        compiled = []
        for frame in cb.frames:
            regexes = [re.compile(p, re.IGNORECASE) for p in frame.patterns]
            if frame.indicators:
                # One alternation per frame (fast), longest cue first so a phrase wins over its first word.
                cues = "|".join(indicator_regex(c) for c in sorted(frame.indicators, key=len, reverse=True))
                regexes.insert(0, re.compile(rf"{_START}(?:{cues})(?!\w)", re.IGNORECASE))
            compiled.append((frame, regexes))
        self.codebook_ = cb
        self.frame_ids_ = cb.frame_ids
        self.compiled_ = compiled
        return self

    def find(self, text: str) -> list[tuple[str, str, int, int]]:
        """(frame id, matched text, start, end) of every counted match, in codebook order, then by start."""
        check_is_fitted(self, "compiled_")
        tokens = None
        found: dict[str, list[tuple[int, int, str]]] = {}
        for frame, regexes in self.compiled_:
            spans = sorted((m.start(), -m.end(), m.group()) for r in regexes for m in r.finditer(text)
                           if m.end() > m.start())
            kept, reach = [], -1
            for start, neg_end, surface in spans:
                if start >= reach:  # a stretch of text two cues both match counts once
                    kept.append((start, -neg_end, surface))
                    reach = -neg_end
            if kept and frame.negation_window:
                tokens = tokens or _tokens(text)
                kept = [k for k in kept if not _negated(tokens, k[0], frame.negation_window)]
            if kept:
                found[frame.id] = kept
        # Exclusions read the hits before any exclusion, so their order in the codebook does not matter.
        return [(frame.id, surface, start, end) for frame, _ in self.compiled_
                if frame.id in found and not any(x in found for x in frame.excludes)
                for start, end, surface in found[frame.id]]

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "compiled_")
        index = {f: j for j, f in enumerate(self.frame_ids_)}
        out = np.zeros((len(X), len(index)), dtype=np.int64)
        for i, text in enumerate(X):
            for frame, *_ in self.find(str(text)):
                out[i, index[frame]] += 1
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "compiled_")
        return np.array(self.frame_ids_, dtype=object)

    def check_examples(self) -> list[tuple[str, str]]:
        """(frame id, example) for each codebook example its own frame does not match: the codebook's self-test."""
        check_is_fitted(self, "compiled_")
        return [(frame.id, ex) for frame, _ in self.compiled_ for ex in frame.examples
                if frame.id not in {hit[0] for hit in self.find(ex)}]


def _table(rows: list | pd.DataFrame, name: str) -> pd.DataFrame:
    if len(rows) == 0:
        return tables.empty(name)
    schema = tables.schema(name)
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows, columns=schema.names)
    ints = {c.name: "int64" for c in schema.columns if c.kind == "int"}
    return tables.validate(df.astype(ints), name)


def frame_hits(sentences: pd.DataFrame, *, matcher: FrameMatcher) -> pd.DataFrame:
    """The ``frame_hits`` table of a fitted matcher over ``sentences`` (doc_id, sent_id, outlet, text)."""
    check_is_fitted(matcher, "compiled_")
    name = matcher.codebook_.name
    rows = []
    for doc, sent, outlet, text in zip(sentences["doc_id"], sentences["sent_id"], sentences["outlet"],
                                       sentences["text"]):
        by_frame: dict[str, list] = {}
        for frame, surface, start, end in matcher.find(text):
            by_frame.setdefault(frame, []).append((surface, start, end))
        rows += [(doc, sent, outlet, name, frame, len(h), *h[0]) for frame, h in by_frame.items()]
    return _table(rows, "frame_hits")


def article_frames(hits: pd.DataFrame, *, sentences: pd.DataFrame, articles: pd.DataFrame,
                   matchers: FrameMatcher | Sequence[FrameMatcher]) -> pd.DataFrame:
    """The ``article_frames`` table: every article crossed with every frame of ``matchers``.

    ``matchers`` are the fitted matchers behind ``hits``: their frame lists
    give the zero rows of frames no sentence uses. An article without
    sentences (empty after cleaning) has nothing to measure and gets no rows,
    as in ``article_sentiment``.
    """
    matchers = [matchers] if isinstance(matchers, FrameMatcher) else list(matchers)
    frames = pd.DataFrame([(m.codebook_.name, f) for m in matchers for f in m.frame_ids_],
                          columns=["codebook", "frame"])
    if frames.duplicated().any():
        raise ValueError(f"two matchers share a codebook name: {sorted(set(frames['codebook'][frames.duplicated()]))}")
    known = set(zip(frames["codebook"], frames["frame"]))
    unknown = sorted(set(zip(hits["codebook"], hits["frame"])) - known)
    if unknown:
        raise ValueError(f"hits name frames that none of the matchers has: {unknown[:3]}")
    n_sentences = sentences.groupby("doc_id").size().rename("n_sentences")
    docs = articles.loc[articles["doc_id"].isin(n_sentences.index), ["doc_id", "outlet", "outlet_type", "leaning"]]
    grid = docs.sort_values("doc_id").merge(frames, how="cross").merge(n_sentences, on="doc_id")
    counts = hits.groupby(["doc_id", "codebook", "frame"]).size().rename("n_hit_sentences").reset_index()
    out = grid.merge(counts, on=["doc_id", "codebook", "frame"], how="left")
    out["n_hit_sentences"] = out["n_hit_sentences"].fillna(0).astype("int64")
    out["share"] = out["n_hit_sentences"] / out["n_sentences"]
    out["present"] = (out["n_hit_sentences"] > 0).to_numpy(bool)
    return _table(out, "article_frames")


def frame_profiles(article_frames: pd.DataFrame, *, by: str, value: Literal["present", "share"] = "present",
                   n_boot: int = defaults.N_BOOT, confidence: float = defaults.CONFIDENCE,
                   min_articles: int = defaults.MIN_ARTICLES, seed: int = defaults.SEED) -> pd.DataFrame:
    """The ``frame_profiles`` table for one grouping variable ``by`` (outlet, leaning, outlet_type, ...).

    Each frame is summarised by :func:`analysis.stats.contrasts.summarize_groups`, so
    groups draw from the streams ``group_rng(seed, by, group, frame, codebook)``
    and groups under ``min_articles`` get a mean but no interval. Whether an
    article uses a frame is a proportion, for which a Wilson interval would also
    do; the bootstrap over articles is used for both measures so that one method,
    with the same small-sample expansion as every sentiment table, covers a
    proportion and a mean of shares alike. Its known weakness: a group where no
    article (or every article) uses a frame gets a zero-width interval.
    """
    if value not in ("present", "share"):
        raise ValueError(f"value={value!r}; allowed: 'present', 'share'")
    if by not in article_frames.columns:
        raise ValueError(f"by={by!r} is not a column of article_frames; allowed: outlet, outlet_type, leaning")
    parts = []
    for (codebook, frame), sub in article_frames.groupby(["codebook", "frame"], sort=False):
        scores = sub.assign(instrument=frame, instrument_version=codebook, **{value: sub[value].astype(float)})
        summary = contrasts.summarize_groups(scores, by=by, value=value, n_boot=n_boot, confidence=confidence,
                                           min_articles=min_articles, seed=seed, target=codebook)
        parts.append(summary.rename(columns={"instrument": "frame", "instrument_version": "codebook"})
                     .assign(measure=value))
    return _table(pd.concat(parts, ignore_index=True) if parts else [], "frame_profiles")


def frame_evidence(hits: pd.DataFrame, sentences: pd.DataFrame, *, window: int = 60) -> pd.DataFrame:
    """The ``frame_evidence`` table: each hit's first match with up to ``window`` characters either side."""
    text = sentences.set_index(["doc_id", "sent_id"])["text"]
    keys = pd.MultiIndex.from_frame(hits[["doc_id", "sent_id"]])
    missing = ~keys.isin(text.index)
    if missing.any():
        raise ValueError(f"{int(missing.sum())} hits point to sentences not in `sentences`, e.g. {keys[missing][0]}")
    out = hits.assign(sentence=text.reindex(keys).to_numpy())
    out["left"] = [t[max(0, s - window):s] for t, s in zip(out["sentence"], out["start"])]
    out["right"] = [t[e:e + window] for t, e in zip(out["sentence"], out["end"])]
    return _table(out, "frame_evidence")

"""How quotes travel between outlets: one id for the same quote, its spread, and each group's source mix.

``match_quotes`` gives the same quote in different articles one ``quote_id``, however trimmed or
punctuated; ``quote_spread`` says how far each quote travelled; ``source_shares`` gives each
group's share of quotes by source type with an article-level bootstrap interval. The quotes come
from :func:`analysis.provenance.quotes.extract_quotes`.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from analysis.core import defaults, tables
from analysis.stats.contrasts import expanded_confidence, group_rng
from analysis.stats.graphs import components
from analysis.text.source_types import SOURCE_TYPES


def _tokens(text: str) -> list[str]:
    return re.sub(r"[\W_]+", " ", re.sub(r"['’]", "", text.casefold())).split()


def _grams(tokens: list[str], n: int) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def match_quotes(quotes: pd.DataFrame, *, min_overlap: float = 0.8, min_words: int = 4) -> pd.DataFrame:
    """A copy of ``quotes`` with ``quote_id``: one id for the same quote, however trimmed or punctuated.

    Two quotes match when at least ``min_overlap`` of the shorter one's word 3-grams (its words, if
    it has fewer than 3) occur in the longer one, after casefolding and dropping punctuation; matches
    are joined transitively. Quotes with fewer than ``min_words`` words get an id of their own. Ids
    are "q" + a zero-padded number in order of first appearance in the table.

    Hand-written because the task is containment of a trimmed span in a longer one, across tens of
    thousands of quotes: rapidfuzz's partial_ratio scores one pair at a time, and MinHash (datasketch)
    estimates Jaccard similarity, which a short excerpt of a long quote fails. Candidates come from an
    inverted index probed with each quote's rarest 3-grams (prefix filtering: a quote that shares
    ``min_overlap`` of its n-grams must share one of its ``n - ceil(min_overlap * n) + 1`` rarest), so
    no matching pair is missed and common phrases do not make every pair a candidate.
    """
    if not 0 < min_overlap <= 1:
        raise ValueError(f"min_overlap must be in (0, 1], got {min_overlap}")
    tokens = [_tokens(t) for t in quotes["text"].fillna("")]
    keys: dict[tuple[str, ...], int] = {}
    node = []  # identical normalised quotes share one node, so each is compared once
    for i, toks in enumerate(tokens):
        long_enough = len(toks) >= max(min_words, 1)
        node.append(keys.setdefault(tuple(toks), len(keys)) if long_enough else -1 - i)
    uniq = [list(k) for k in keys]
    edges: list[tuple[int, int]] = []
    grams = {n: [_grams(t, n) for t in uniq] for n in sorted({3 if len(t) >= 3 else 1 for t in uniq})}
    index: dict[int, dict[tuple[str, ...], list[int]]] = {n: {} for n in grams}
    for n, sets in grams.items():
        for j, feats in enumerate(sets):
            for g in feats:
                index[n].setdefault(g, []).append(j)
    for i, toks in enumerate(uniq):
        n = 3 if len(toks) >= 3 else 1
        feats = grams[n][i]
        need = math.ceil(min_overlap * len(feats) - 1e-9)
        prefix = sorted(feats, key=lambda g: (len(index[n][g]), g))[:len(feats) - need + 1]
        for j in {j for g in prefix for j in index[n][g]}:
            # i plays the shorter side; equal lengths are checked once, from the lower index
            if len(uniq[j]) > len(toks) or (len(uniq[j]) == len(toks) and j > i):
                if len(feats & grams[n][j]) >= need:
                    edges.append((i, j))
    ids: dict[int, str] = {}
    labels = []
    width = max(5, len(str(len(tokens))))
    component = components(len(uniq), edges)
    for nd in node:
        root = int(component[nd]) if nd >= 0 else nd
        labels.append(ids.setdefault(root, f"q{len(ids):0{width}d}"))
    out = quotes.copy()
    out["quote_id"] = pd.Series(labels, index=quotes.index, dtype="str")
    return out


def quote_spread(quotes: pd.DataFrame, *, articles: pd.DataFrame | None = None,
                 min_outlets: int = 1) -> pd.DataFrame:
    """One row per ``quote_id`` (the ``quote_spread`` table): how far each quote travelled.

    ``first_doc_id`` is the earliest article by ``articles.published`` when given (undated articles
    last), else the first in table order. Rows are sorted by n_outlets, n_articles (both descending)
    and quote_id; quotes in fewer than ``min_outlets`` outlets are left out.
    """
    if (quotes["quote_id"] == "").any():
        raise ValueError("quotes has empty quote_id values: run match_quotes first")
    q = quotes.reset_index(drop=True).assign(_order=lambda d: np.arange(len(d)))
    if articles is not None and "published" in articles:
        dates = articles.drop_duplicates("doc_id").set_index("doc_id")["published"]
        q["_date"] = pd.to_datetime(q["doc_id"].map(dates), utc=True)
    else:
        q["_date"] = pd.NaT
    # Per quote, all at once (a loop over groups took 41 s for 3,000 articles): the first row by date then table
    # order; the longest text, first in table order on ties; the most common speaker and source type, ties to
    # the one met first (as Counter.most_common breaks them).
    first = q.sort_values(["quote_id", "_date", "_order"], na_position="last").drop_duplicates("quote_id")
    longest = (q.assign(_len=q["text"].str.len()).sort_values(["quote_id", "_len", "_order"],
                                                             ascending=[True, False, True])
               .drop_duplicates("quote_id").set_index("quote_id")["text"])
    g = q.groupby("quote_id", sort=True)
    out = pd.DataFrame({"quote_id": first["quote_id"].to_numpy()})
    out["text"] = out["quote_id"].map(longest)
    out["speaker"] = out["quote_id"].map(_most_common(q, "speaker", q["speaker"] != "")).fillna("")
    out["source_type"] = out["quote_id"].map(_most_common(q, "source_type", q["source_type"] != "unknown")
                                             ).fillna("unknown")
    out["n_occurrences"] = out["quote_id"].map(g.size())
    out["n_articles"] = out["quote_id"].map(g["doc_id"].nunique())
    out["n_outlets"] = out["quote_id"].map(g["outlet"].nunique())
    outlets = q.drop_duplicates(["quote_id", "outlet"]).sort_values(["quote_id", "outlet"])
    out["outlets"] = out["quote_id"].map(outlets.groupby("quote_id", sort=True)["outlet"].agg("; ".join))
    out["first_doc_id"] = first["doc_id"].to_numpy()
    out["first_outlet"] = first["outlet"].to_numpy()
    rows = list(out.itertuples(index=False, name=None))
    out = tables.from_rows(rows, "quote_spread")
    out = out[out["n_outlets"] >= min_outlets]
    return out.sort_values(["n_outlets", "n_articles", "quote_id"], ascending=[False, False, True],
                           ignore_index=True)


def _most_common(q: pd.DataFrame, column: str, counted: pd.Series) -> pd.Series:
    """Per quote_id, the most frequent value of ``column`` among rows where ``counted``; ties to the first met."""
    c = q.loc[counted, ["quote_id", column, "_order"]]
    tally = c.groupby(["quote_id", column], sort=False).agg(n=("_order", "size"), first=("_order", "min"))
    tally = tally.reset_index().sort_values(["quote_id", "n", "first"], ascending=[True, False, True])
    return tally.drop_duplicates("quote_id").set_index("quote_id")[column]


def source_shares(quotes: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet", n_boot: int = defaults.N_BOOT,
                  confidence: float = defaults.CONFIDENCE, seed: int = defaults.SEED,
                  min_articles: int = defaults.MIN_ARTICLES,
                  exclude_duplicates: bool = True) -> pd.DataFrame:
    """Share of each source type among a group's quotes, with an article-level bootstrap CI.

    The ``quote_sources`` table. Groups are the values of ``articles[by]``; quotes count for
    the group of their article. Articles are the resampling unit (quotes within an article are not
    independent), so each resample redraws a group's articles, quoting or not, and recomputes
    sum(quotes of the type) / sum(all quotes); resamples without quotes are skipped. The level is
    widened by ``compare.expanded_confidence`` for small groups. Every source type that occurs in
    ``quotes`` (including 'unknown': no speaker) appears for every group.
    """
    if by not in articles.columns:
        raise ValueError(f"by must be a column of articles ({', '.join(articles.columns)}), got {by!r}")
    if not 0 < confidence < 1 or n_boot < 1:
        raise ValueError(f"confidence must be in (0, 1) and n_boot at least 1, got {confidence}, {n_boot}")
    arts = articles
    if exclude_duplicates and "is_duplicate" in arts:
        arts = arts[~arts["is_duplicate"].fillna(False).astype(bool)]
    arts = arts.drop_duplicates("doc_id")
    q = quotes[quotes["doc_id"].isin(arts["doc_id"])]
    types = [t for t in SOURCE_TYPES if t in set(q["source_type"])]
    types += sorted(set(q["source_type"]) - set(types))
    counts = (pd.crosstab(q["doc_id"], q["source_type"]).reindex(index=arts["doc_id"], columns=types, fill_value=0)
              .fillna(0).to_numpy(dtype=np.int64))
    groups = arts[by].astype("str").fillna("").to_numpy()
    level_label = f"{confidence * 100:g}%"
    rows = []
    for group in sorted(set(groups)):
        c = counts[groups == group]
        n, per_type = len(c), c.sum(axis=0)
        total = int(per_type.sum())
        share = per_type / total if total else np.full(len(types), np.nan)
        low = high = np.full(len(types), np.nan)
        if n < max(min_articles, 2) or total == 0:
            method = f"no interval (fewer than {max(min_articles, 2)} articles)" if total else "no interval (no quotes)"
        else:
            rng = group_rng(seed, by, group)
            weights = rng.multinomial(n, np.full(n, 1 / n), size=n_boot)  # resample counts per article
            sums = weights @ c
            sums = sums[sums.sum(axis=1) > 0]
            ratios = sums / sums.sum(axis=1, keepdims=True)
            alpha = 1 - expanded_confidence(confidence, n)
            low, high = np.percentile(ratios, [100 * alpha / 2, 100 * (1 - alpha / 2)], axis=0)
            method = (f"{level_label} expanded percentile bootstrap over articles (ratio of quote counts), "
                      f"{n_boot} resamples")
        for k, source_type in enumerate(types):
            rows.append((by, group, source_type, n, int((c[:, k] > 0).sum()), int(per_type[k]), total,
                         float(share[k]), float(low[k]), float(high[k]), method))
    return tables.from_rows(rows, "quote_sources")

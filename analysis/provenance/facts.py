"""Facts: which outlets reported which facts of an event, and which left them out.

Sentences of one event's articles are grouped into *facts* (statements of
the same fact or claim) by average-linkage clustering of TF-IDF vectors on
cosine distance, cut at ``threshold``; the outlet x fact matrix then shows
who reported what and who did not. Decisions a reader should know:

* Singletons are kept as facts carried by one article (the "only one outlet
  said this" case); ``fact_coverage`` keeps facts with ``min_articles``
  covering articles (default 2), so matrices and omission rates are about
  facts more than one article thought worth reporting.
* Sentences of the SAME article never count as evidence of one fact (their
  distance is set to 1): a fact forms only through agreement across
  articles, and an article's lead and later detail cannot chain two facts
  together. A restatement may stay a one-article fact, which
  ``min_articles`` drops. Pairs sharing fewer than ``min_shared`` content
  words are kept apart too: one shared word ("want", "problem") merged
  unrelated short quotes.
* Memory: under average linkage a merge at distance < t needs a pair closer
  than t, so clusters never cross the components of the "closer than t"
  graph. Components come from a sparse graph built in row blocks and are
  clustered one at a time: exact, and bounded by the largest component. One
  over ``max_block`` sentences falls back to connectivity-constrained
  average linkage on a 200-d SVD (approximate, with a warning).
* Shares count articles; omission intervals resample events (facts of one
  event share the articles that decide them).
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform
from sklearn.cluster import AgglomerativeClustering
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from analysis.core import defaults, tables
from analysis.provenance import fact_products
from analysis.stats.contrasts import expanded_confidence, group_rng
from analysis.text.prepare import split_sentences

# Chosen with validate_on_events on NeuS's human same-event clusters (AllSides left/center/right leads,
# all events pooled) as the best F1 of pair precision and event recall over 0.30-0.90: test split (307
# events, 1,988 candidate sentences) P 0.730, R 0.661, F1 0.694 at 0.72; confirmed on val (P 0.799,
# R 0.638, F1 0.710; 0.74 ties). Precision >= 0.95 only comes with recall <= 0.11 (val 0.40; never on
# test): related AllSides stories repeat statements ("charged with abuse of power and obstruction of
# Congress") that count as errors. Unigrams beat word 1-2 grams at matched recall (test, R ~0.6: P 0.79
# at 0.70 vs 0.72 at 0.80; best F1 0.694 vs 0.641): bigrams split paraphrases that reorder words.
# min_shared=3 added ~0.03 precision at equal recall.
DEFAULT_THRESHOLD = 0.72
DEFAULT_NGRAMS = (1, 1)
SIDE_OF: dict[str, str] = {"left": "left", "lean left": "left", "center": "center",
                           "lean right": "right", "right": "right"}
SIDES: tuple[str, ...] = ("left", "center", "right")
MAX_BLOCK = 5000
_DTYPES = {"str": "str", "int": "int64", "float": "float64", "bool": "bool"}
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# Bylines, photo credits and datelines pass a word count easily but state no fact.
_BOILERPLATE = re.compile(r"^\W*(?:by|photo|image|file photo|credit|copyright|©|updated|published|posted|"
                          r"sign up|subscribe|click|read more|related|listen to (?:this )?article|"
                          r"share (?:this|all))\b", re.IGNORECASE)
# "X did not respond to a request for comment" is one formula about many subjects: it merged the White
# House's, Huawei's and TikTok's silences into one "fact" on the entity-list corpus.
_NO_COMMENT = re.compile(r"\b(?:not|n[’']t|declined|unavailable)\b.{0,60}\bcomment", re.IGNORECASE)
# The default tokenizer splits "don’t" into "don" + "t"; "don", "ll", "ve" would then pass as content
# words and merge unrelated quotes ("I don’t think so" with "I don’t think it was unexpected").
_STOP = sorted(ENGLISH_STOP_WORDS | {"don", "didn", "doesn", "isn", "wasn", "aren", "weren", "won", "ll", "ve",
                                     "re", "couldn", "wouldn", "shouldn", "haven", "hasn", "hadn"})
_BLOCK_ROWS = 512


def _kinds(name: str, *, drop: Sequence[str] = ()) -> dict[str, str]:
    """Column -> dtype kind of table ``name`` in schema order, less the columns in ``drop``."""
    return {c.name: c.kind for c in tables.schema(name).columns if c.name not in drop}


def _typed(frame: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    out = frame.reindex(columns=list(kinds)) if len(frame) else pd.DataFrame(columns=list(kinds))
    for col, kind in kinds.items():
        if kind == "str":
            out[col] = out[col].astype(object).where(out[col].notna(), "").astype(str)
    return out.astype({c: _DTYPES[k] for c, k in kinds.items()}).reset_index(drop=True)


def _study_articles(articles: pd.DataFrame, *, event: str | None, exclude_duplicates: bool) -> pd.DataFrame:
    """Articles in the study with an ``event_id`` column ('' for all when there is no event column)."""
    arts = articles
    if exclude_duplicates and "is_duplicate" in arts:
        arts = arts[~arts["is_duplicate"].fillna(False).astype(bool)]
    arts = arts.copy()
    arts["event_id"] = arts[event].fillna("").astype(str) if event and event in arts else ""
    return arts


def _tfidf(ngram_range: tuple[int, int]) -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=ngram_range, sublinear_tf=True, stop_words=_STOP)


def _candidates(sentences: pd.DataFrame, arts: pd.DataFrame, *, min_words: int, min_terms: int) -> pd.DataFrame:
    sents = sentences[["doc_id", "sent_id", "text"]].merge(arts[["doc_id", "outlet", "event_id"]], on="doc_id")
    analyzer = _tfidf((1, 1)).build_analyzer()
    # One pass over plain strings, each test only on sentences that passed the ones before (pandas' map and
    # str methods convert every Arrow string to a Python one first, once per test). A candidate keeps its
    # terms, space-joined (a term is \w\w+, so never holds a space), for _vectorize to fit on without
    # tokenizing every sentence a second time.
    keep, terms = np.zeros(len(sents), dtype=bool), []
    # The word count stops at min_words, and the no-comment formula is looked for only where "comment" is (its
    # case-insensitive match lowercases to it): the same tests, a fifth of the time on long sentences.
    enough = max(min_words, 0)
    for i, t in enumerate(sents["text"].tolist()):
        found = analyzer(t)
        if (len(set(found)) >= min_terms and sum(1 for _ in itertools.islice(_WORD.finditer(t), enough)) >= min_words
                and not _BOILERPLATE.match(t) and not ("comment" in t.lower() and _NO_COMMENT.search(t))):
            keep[i] = True
            terms.append(" ".join(found))
    cand = sents[keep].assign(terms=pd.Series(terms, index=sents.index[keep], dtype="str"))
    return cand.sort_values(["event_id", "doc_id", "sent_id"]).reset_index(drop=True)


def _vectorize(cand: pd.DataFrame, ngram_range: tuple[int, int]) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows of the candidates; unigrams are counted from their stored ``terms``."""
    if ngram_range == (1, 1):  # the same analyzer's terms in the same order: the same matrix
        vectorizer = TfidfVectorizer(analyzer=str.split, sublinear_tf=True)
        return normalize(sparse.csr_matrix(vectorizer.fit_transform(cand["terms"]), dtype=np.float64))
    return normalize(sparse.csr_matrix(_tfidf(ngram_range).fit_transform(cand["text"]), dtype=np.float64))


def _edges(X: sparse.csr_matrix, B: sparse.csr_matrix, doc_codes: np.ndarray, *, min_sim: float,
           min_shared: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, columns and cosines of the pairs of rows ``r < c`` of ``X`` from different articles with cosine
    >= ``min_sim`` and at least ``min_shared`` shared terms (``B``: term presence)."""
    found = []
    for lo in range(0, X.shape[0], _BLOCK_ROWS):  # row blocks keep the similarity product at block x n
        # Only the rows from lo on: the pairs below the diagonal are the same pairs (half the product)
        block = (X[lo:lo + _BLOCK_ROWS] @ X[lo:].T).tocoo()
        rows, cols = block.row + lo, block.col + lo
        keep = (block.data >= min_sim) & (rows < cols) & (doc_codes[rows] != doc_codes[cols])
        r, c, s = rows[keep], cols[keep], block.data[keep]
        # Shared terms (B_i . B_j) only for the pairs close enough: a second block x n product cost as
        # much as the similarities themselves.
        enough = np.asarray(B[r].multiply(B[c]).sum(axis=1)).ravel() >= min_shared
        found.append((r[enough], c[enough], s[enough]))
    if not found:
        return np.array([], int), np.array([], int), np.array([], float)
    return tuple(np.concatenate(parts) for parts in zip(*found))


def _cluster(X: sparse.csr_matrix, docs: np.ndarray, thresholds: Sequence[float], *,
             min_shared: int = 3, max_block: int = MAX_BLOCK) -> list[np.ndarray]:
    """Average-linkage labels of the rows of ``X`` (L2-normalised) at each cosine-distance threshold."""
    n, t_max = X.shape[0], max(thresholds)
    if any(not 0 < t < 1 for t in thresholds):
        raise ValueError(f"threshold: must lie strictly between 0 and 1, got {list(thresholds)}")
    _, doc_codes = np.unique(docs, return_inverse=True)
    B = (X != 0).astype(np.float64)
    r, c, sim = _edges(X, B, doc_codes, min_sim=1 - t_max - 1e-12, min_shared=min_shared)
    graph = sparse.coo_matrix((np.ones(2 * len(r)), (np.r_[r, c], np.r_[c, r])), shape=(n, n)).tocsr()
    n_comp, comp = connected_components(graph, directed=False)
    sizes = np.bincount(comp, minlength=n_comp)
    # A two-sentence component is its one edge: average linkage merges the pair iff its distance is within
    # the cut, so no matrix is built (most components are pairs, and the scipy calls cost more than the
    # clustering). The block product summed the same terms in the same order as X[idx] @ X[idx].T would,
    # so the distance and the labels are those of the general path.
    pair_dist = np.full(n_comp, np.nan)
    pair_dist[comp[r]] = np.clip(1 - sim, 0, 1)
    # Singletons need no clustering: number them after the larger components, in row order.
    single = sizes[comp] == 1
    labels = [np.full(n, -1, dtype=np.int64) for _ in thresholds]
    next_label = 0
    members = np.split(np.argsort(comp, kind="stable"), np.cumsum(sizes)[:-1])
    products = fact_products.within_products(X, B, [m for m in members if 2 < len(m) <= max_block])
    for idx in (m for m in members if len(m) > 1):
        if len(idx) == 2:
            d = pair_dist[comp[idx[0]]]
            cuts = [np.array([1, 1 if d <= t else 2]) for t in thresholds]
        elif len(idx) <= max_block:
            similar, shared = next(products)  # X[idx] @ X[idx].T and B[idx] @ B[idx].T, batched
            dist = 1 - similar
            dist[doc_codes[idx][:, None] == doc_codes[idx][None, :]] = 1.0
            dist[shared < min_shared] = 1.0
            np.fill_diagonal(dist, 0.0)
            tree = linkage(squareform(np.clip(dist, 0, 1), checks=False), method="average")
            cuts = [fcluster(tree, t, criterion="distance") for t in thresholds]
        else:
            warnings.warn(f"a component of {len(idx)} sentences exceeds max_block={max_block}: clustered with "
                          "connectivity-constrained average linkage on a 200-d SVD (approximate)", stacklevel=3)
            dense = normalize(TruncatedSVD(max(1, min(200, X.shape[1] - 1, len(idx) - 1)),
                                           random_state=0).fit_transform(X[idx]))
            cuts = [AgglomerativeClustering(n_clusters=None, distance_threshold=t, metric="cosine", linkage="average",
                                            connectivity=graph[idx][:, idx]).fit(dense).labels_ + 1 for t in thresholds]
        for lab, cut in zip(labels, cuts):
            lab[idx] = next_label + cut - 1
        next_label += int(max(cut.max() for cut in cuts))
    for lab in labels:
        lab[single] = next_label + np.arange(int(single.sum()))
    return labels


def group_facts(sentences: pd.DataFrame, articles: pd.DataFrame, *, threshold: float = DEFAULT_THRESHOLD,
                min_words: int = 6, min_terms: int = 3, min_shared: int = 3, event: str | None = "event_id",
                exclude_duplicates: bool = True, ngram_range: tuple[int, int] = DEFAULT_NGRAMS,
                max_block: int = MAX_BLOCK) -> pd.DataFrame:
    """Group each event's sentences into facts (the ``fact_sentences`` table); one-article facts are kept.

    Candidates: sentences with ``min_words`` words and ``min_terms`` distinct
    non-stop words, not bylines, credits or "did not respond to a request for
    comment" formulas, of non-duplicate articles (``exclude_duplicates``).
    TF-IDF (``ngram_range``, sublinear tf, English stop words) is fitted on
    all candidates; average linkage on cosine distance, cut at ``threshold``,
    runs within each value of ``event`` (one event when the column is absent
    or all empty, or ``event=None``; an empty value among filled ones is an
    event of its own). Pairs from one article, or sharing fewer than
    ``min_shared`` terms, are kept apart (distance 1). The defaults are the
    best F1 on NeuS test (P 0.73, R 0.66) and val (P 0.80, R 0.64); see
    ``DEFAULT_THRESHOLD``. Fact ids follow event, then articles carrying the
    fact (desc), then the medoid's doc_id and sent_id.
    """
    arts = _study_articles(articles, event=event, exclude_duplicates=exclude_duplicates)
    cand = _candidates(sentences, arts, min_words=min_words, min_terms=min_terms)
    if cand.empty:
        return _typed(cand, _kinds("fact_sentences"))
    X = _vectorize(cand, ngram_range)
    labels, offset = np.empty(len(cand), dtype=np.int64), 0
    docs = cand["doc_id"].to_numpy()
    for _, idx in cand.groupby("event_id", sort=True).indices.items():
        if (docs[idx] == docs[idx[0]]).all():  # one article (an undated one, say): every sentence is a fact
            lab = np.arange(len(idx))
        else:
            lab = _cluster(X[idx], docs[idx], [threshold], min_shared=min_shared, max_block=max_block)[0]
        labels[idx], offset = lab + offset, offset + int(lab.max()) + 1
    cand["label"] = labels
    # Medoid = the row with the largest sum of cosines to its fact, x_i . sum_j x_j, for all facts at once;
    # ties go to the first row in (event, doc, sent) order, so ids do not depend on input order.
    codes = np.unique(cand["label"].to_numpy(), return_inverse=True)[1]
    sums = sparse.csr_matrix((np.ones(len(cand)), (codes, np.arange(len(cand))))) @ X
    total = np.asarray(X.multiply(sums[codes]).sum(axis=1)).ravel()
    order = np.lexsort((np.arange(len(cand)), -total, codes))
    first = order[np.r_[True, codes[order][1:] != codes[order][:-1]]]
    medoid = np.zeros(len(cand), dtype=bool)
    medoid[first] = True
    cand["similarity"] = np.clip(np.asarray(X.multiply(X[first[codes]]).sum(axis=1)).ravel(), 0, 1)
    cand["is_medoid"] = medoid
    meds = cand[medoid].set_index("label")[["event_id", "doc_id", "sent_id"]]
    meds["n_articles"] = cand.groupby("label")["doc_id"].nunique()
    order = meds.sort_values(["event_id", "n_articles", "doc_id", "sent_id"],
                             ascending=[True, False, True, True]).index
    width = max(4, len(str(len(order))))
    cand["fact_id"] = cand["label"].map({lab: f"f{i + 1:0{width}d}" for i, lab in enumerate(order)})
    return _typed(cand.sort_values(["fact_id", "doc_id", "sent_id"]), _kinds("fact_sentences"))


def facts_table(fact_sentences: pd.DataFrame, sentences: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """One row per fact (the ``facts`` table): its medoid text and who carried it."""
    fs = fact_sentences.merge(articles[["doc_id", "leaning", "published"]], on="doc_id", how="left")
    med = (fs.loc[fs["is_medoid"], ["fact_id", "doc_id", "sent_id"]]
           .merge(sentences[["doc_id", "sent_id", "text"]].drop_duplicates(["doc_id", "sent_id"]),
                  on=["doc_id", "sent_id"], how="left").set_index("fact_id"))
    first = (fs.drop_duplicates(["fact_id", "doc_id"])
             .sort_values(["published", "doc_id"], na_position="last").groupby("fact_id")["doc_id"].first())
    g = fs.groupby("fact_id")

    # '; '-joined sorted distinct values per fact, from one sort and one pass over plain arrays (a pandas
    # groupby-agg with a Python function pays its per-group overhead on every one-article fact)
    def joined(column: pd.Series) -> pd.Series:
        v = pd.DataFrame({"fact_id": fs["fact_id"], "v": column}).dropna().drop_duplicates()
        v = v.sort_values(["fact_id", "v"])
        ids, values = v["fact_id"].to_numpy(dtype=object), v["v"].to_numpy(dtype=object)
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], int)
        ends = np.r_[starts[1:], len(ids)]
        return pd.Series(["; ".join(values[a:b]) for a, b in zip(starts, ends)], index=ids[starts], dtype=object)

    out = pd.DataFrame({
        "event_id": g["event_id"].first(),
        "fact_text": med["text"].fillna("").astype(object),
        "n_sentences": g.size(), "n_articles": g["doc_id"].nunique(), "n_outlets": g["outlet"].nunique(),
        "outlets": joined(fs["outlet"]),
        "leanings": joined(fs["leaning"].dropna().astype(str)),
        "first_doc_id": first,
    }).rename_axis("fact_id").reset_index() if len(fs) else pd.DataFrame()
    return _typed(out, _kinds("facts"))


def fact_coverage(fact_sentences: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet",
                  min_articles: int = 2, event: str | None = "event_id",
                  exclude_duplicates: bool = True) -> pd.DataFrame:
    """Who carried each fact (the ``fact_coverage`` table, long): one row per fact and group of ``by`` in its event.

    Only facts carried by at least ``min_articles`` articles are kept. A
    group with no article in a fact's event gets no row (absent, not an
    omission). ``event`` and ``exclude_duplicates`` must match the
    ``group_facts`` call: they decide which articles each group had.
    """
    if by not in articles:
        raise ValueError(f"by: {by!r} is not a column of articles; choose one of {sorted(articles.columns)}")
    arts = _study_articles(articles, event=event, exclude_duplicates=exclude_duplicates)
    arts = arts.assign(group=arts[by].fillna("").astype(str))
    covering = fact_sentences[["fact_id", "event_id", "doc_id"]].drop_duplicates().merge(
        arts[["doc_id", "group"]], on="doc_id", how="left")
    n_cov = covering.groupby("fact_id")["doc_id"].nunique()
    kept = covering[covering["fact_id"].isin(n_cov[n_cov >= min_articles].index)]
    facts = kept[["fact_id", "event_id"]].drop_duplicates()
    unknown = set(facts["event_id"]) - set(arts["event_id"])
    if unknown:
        raise ValueError(f"event: facts of events {sorted(unknown)[:3]} have no articles; pass the same "
                         "event and exclude_duplicates as to group_facts")
    sizes = arts.groupby(["event_id", "group"]).size().rename("n_articles").reset_index()
    hits = kept.groupby(["fact_id", "group"])["doc_id"].nunique().rename("n_covering").reset_index()
    out = facts.merge(sizes, on="event_id").merge(hits, on=["fact_id", "group"], how="left")
    out["n_covering"] = out["n_covering"].fillna(0).astype("int64")
    out["share"] = out["n_covering"] / out["n_articles"]
    out["covered"] = out["n_covering"] > 0
    out["group_var"] = by
    return _typed(out.sort_values(["fact_id", "group"]), _kinds("fact_coverage"))


def coverage_matrix(coverage: pd.DataFrame) -> pd.DataFrame:
    """Wide fact x group table of ``share`` (NaN: the group had no article in that event).

    Facts are sorted by how many groups carried them (desc) and groups by how
    many facts they carried (desc), so omissions collect at the lower right.
    """
    if coverage["group_var"].nunique() > 1:
        raise ValueError(f"coverage: one group_var expected, got {sorted(coverage['group_var'].unique())}")
    if coverage.duplicated(["fact_id", "group"]).any():
        raise ValueError("coverage: a fact has more than one row for a group")
    # Filled from integer codes in its final order, as DataFrame.pivot and two boolean copies of the matrix did at
    # three times the size (a 101,437 x 124 matrix of a 12,000-article study took 350 MB to build, 100 MB to hold).
    fact_codes, fact_ids = pd.factorize(coverage["fact_id"], sort=True)
    group_codes, groups = pd.factorize(coverage["group"], sort=True)
    share = coverage["share"].to_numpy(dtype="float64")
    carried = share > 0
    n_fact = np.bincount(fact_codes[carried], minlength=len(fact_ids))
    n_group = np.bincount(group_codes[carried], minlength=len(groups))
    fact_order = np.lexsort((np.arange(len(fact_ids)), -n_fact))  # most groups first, then by fact_id
    group_order = np.lexsort((np.arange(len(groups)), -n_group))
    fact_rank, group_rank = np.empty_like(fact_order), np.empty_like(group_order)
    fact_rank[fact_order], group_rank[group_order] = np.arange(len(fact_order)), np.arange(len(group_order))
    wide = np.full((len(fact_ids), len(groups)), np.nan)
    wide[fact_rank[fact_codes], group_rank[group_codes]] = share
    return pd.DataFrame(wide, index=pd.Index(fact_ids.take(fact_order), name="fact_id"),
                        columns=pd.Index(groups.take(group_order)))


def coverage_by_side(coverage: pd.DataFrame, *, side_of: Mapping[str, str] = SIDE_OF) -> pd.DataFrame:
    """A ``by="leaning"`` coverage table summed to sides (group_var "side"); unmapped leanings dropped."""
    if set(coverage["group_var"]) - {"leaning"}:
        raise ValueError("coverage: expected fact_coverage(..., by='leaning'), "
                         f"got group_var {sorted(coverage['group_var'].unique())}")
    cov = coverage.assign(group=coverage["group"].map(side_of)).dropna(subset=["group"])
    out = cov.groupby(["fact_id", "event_id", "group"], as_index=False)[["n_articles", "n_covering"]].sum()
    out["share"] = out["n_covering"] / out["n_articles"]
    out["covered"] = out["n_covering"] > 0
    out["group_var"] = "side"
    return _typed(out.sort_values(["fact_id", "group"]), _kinds("fact_coverage"))


def one_sided_facts(coverage: pd.DataFrame, *, sides: tuple[str, str] = ("left", "right"),
                    facts: pd.DataFrame | None = None,
                    side_of: Mapping[str, str] = SIDE_OF) -> pd.DataFrame:
    """Facts carried by one of ``sides`` and not the other (the ``one_sided_facts`` table).

    ``coverage`` is ``fact_coverage(..., by="leaning")`` (or its
    ``coverage_by_side``). A fact counts as one-sided only when the other side
    had articles in the event: no article at all is no omission. A fact that
    neither compared side carried, though both were there, is "<other> only"
    (e.g. "center only"). ``facts`` (``facts_table``) fills ``fact_text``.
    """
    if len(sides) != 2 or set(sides) - set(SIDES) or sides[0] == sides[1]:
        raise ValueError(f"sides: two different values of {SIDES} expected, got {sides!r}")
    cov = coverage if set(coverage["group_var"]) <= {"side"} else coverage_by_side(coverage, side_of=side_of)
    wide = cov.pivot_table(index=["fact_id", "event_id"], columns="group", values=["n_covering", "n_articles"],
                           aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=pd.MultiIndex.from_product([["n_covering", "n_articles"], SIDES]), fill_value=0)
    hit, there = wide["n_covering"], wide["n_articles"]
    a, b = sides
    others = [s for s in SIDES if s not in sides]
    carried = pd.Series("", index=wide.index)
    carried[(hit[a] > 0) & (hit[b] == 0) & (there[b] > 0)] = a
    carried[(hit[b] > 0) & (hit[a] == 0) & (there[a] > 0)] = b
    neither = (hit[a] == 0) & (hit[b] == 0) & (there[a] > 0) & (there[b] > 0)
    carried[neither] = hit.loc[neither, others].apply(
        lambda r: " + ".join(s for s in others if r[s] > 0) + " only", axis=1) if neither.any() else ""
    kept = carried[carried != ""]
    out = pd.concat({"n_covering": hit.loc[kept.index].stack(), "n_articles": there.loc[kept.index].stack()}, axis=1)
    out = out.rename_axis(["fact_id", "event_id", "side"]).reset_index()
    out["carried_by"] = out.set_index(["fact_id", "event_id"]).index.map(kept).to_numpy()
    text = facts.set_index("fact_id")["fact_text"] if facts is not None else pd.Series(dtype=str)
    out["fact_text"] = out["fact_id"].map(text)
    out["side_order"] = out["side"].map({s: i for i, s in enumerate(SIDES)})
    return _typed(out.sort_values(["event_id", "fact_id", "side_order"]), _kinds("one_sided_facts"))


def omission_summary(coverage: pd.DataFrame, *, n_boot: int = defaults.N_BOOT, seed: int = defaults.SEED,
                     confidence: float = defaults.CONFIDENCE) -> pd.DataFrame:
    """Per group, the share of the (multi-article) facts of its events that it did not carry (``fact_omission``).

    The interval is an expanded percentile bootstrap of the ratio
    sum(omitted)/sum(facts) over EVENTS: facts of one event share the
    articles that decide them. With one event there is nothing else to
    resample, so facts are resampled and ``ci_method`` says so; that interval
    ignores the dependence between facts and is too narrow.
    """
    rows = []
    for (group_var, group), g in coverage.groupby(["group_var", "group"], sort=True):
        per = g.groupby("event_id")["covered"].agg(n="size", carried="sum")
        n_facts, n_omitted = int(per["n"].sum()), int((per["n"] - per["carried"]).sum())
        if len(per) >= 2:
            units_n, units_o, method = per["n"].to_numpy(), (per["n"] - per["carried"]).to_numpy(), "events"
        else:
            units_n, units_o = np.ones(len(g)), (~g["covered"].astype(bool)).to_numpy(dtype=float)
            method = "facts (one event: facts are not independent, the interval is too narrow)"
        est = n_omitted / n_facts
        low = high = np.nan
        if len(units_n) >= 2:
            rng = group_rng(seed, group_var, group)
            idx = rng.integers(0, len(units_n), size=(n_boot, len(units_n)))
            ratios = units_o[idx].sum(axis=1) / units_n[idx].sum(axis=1)
            alpha = 1 - expanded_confidence(confidence, len(units_n))
            low, high = np.quantile(ratios, [alpha / 2, 1 - alpha / 2])
        rows.append((group_var, group, len(per), n_facts, n_omitted, est, low, high,
                     f"expanded percentile bootstrap over {method}, {n_boot} resamples"))
    kinds = _kinds("fact_omission")
    return _typed(pd.DataFrame(rows, columns=list(kinds)), kinds)


def validate_on_events(clusters: pd.DataFrame, *, threshold: float | Sequence[float] = DEFAULT_THRESHOLD,
                       min_words: int = 6, min_terms: int = 3, ngram_range: tuple[int, int] = DEFAULT_NGRAMS,
                       min_shared: int = 3) -> pd.DataFrame:
    """Score the grouper against human same-event clusters: ``fact_matching_validation`` rows less ``split``.

    ``clusters`` has one row per article: ``event_id`` (the human event),
    ``doc_id``, ``side`` and ``text``. All events are pooled into one study,
    so facts can cross events; a cross-article pair put in one fact counts as
    correct when both articles are from the same human event. This checks
    over-merging across events only: two different facts of one event merged
    still count as correct, so ``pair_precision`` is an upper bound on
    within-event precision. Sentences come from the package's Punkt splitter.
    """

    thresholds = [float(threshold)] if np.isscalar(threshold) else [float(t) for t in threshold]
    arts = clusters.assign(outlet=clusters["side"].astype(str))[["doc_id", "outlet", "text"]]
    arts = _study_articles(arts, event=None, exclude_duplicates=False)
    cand = _candidates(split_sentences(arts), arts, min_words=min_words, min_terms=min_terms)
    cand["event"] = cand["doc_id"].map(clusters.set_index("doc_id")["event_id"].astype(str))
    n_events = int(clusters["event_id"].nunique())
    labels = _cluster(_vectorize(cand, ngram_range), cand["doc_id"].to_numpy(), thresholds,
                      min_shared=min_shared)
    rows = []
    for t, lab in zip(thresholds, labels):
        g = cand.assign(label=lab)

        def pairs(keys: list[str]) -> int:
            n = g.groupby(keys).size().to_numpy()
            return int((n * (n - 1) // 2).sum())

        # Cross-article pairs = all pairs in a fact minus those within one article.
        n_pairs = pairs(["label"]) - pairs(["label", "doc_id"])
        n_same = pairs(["label", "event"]) - pairs(["label", "doc_id"])
        shared = g.groupby(["label", "event"])["doc_id"].nunique()
        recall = shared[shared >= 2].index.get_level_values("event").nunique() / n_events if n_events else np.nan
        precision = n_same / n_pairs if n_pairs else np.nan
        f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else np.nan
        rows.append((t, n_events, len(g), n_pairs, n_same, precision, recall, f1))
    kinds = _kinds("fact_matching_validation", drop=("split",))  # the caller adds the split
    return _typed(pd.DataFrame(rows, columns=list(kinds)), kinds)

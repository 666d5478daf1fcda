"""Loaded language and epistemic markers per sentence, article and outlet, validated on BABE.

Classes (the word lists of Recasens, Danescu-Niculescu-Mizil & Jurafsky 2013): ``hedges``
(Hyland 2005), ``factives``, ``assertives`` (Hooper 1975), ``implicatives`` (Karttunen
1971), ``report_verbs`` split into ``report_neutral``/``report_marked``/``report_other``
("said" vs "claimed", hand lists below), ``bias_words`` (Recasens' NPOV lemmas) and
``babe_lexicon`` (BABE's word list). ``loaded`` counts tokens in either bias list (once
per token, leaving out Recasens lemmas that are epistemic-list words such as "say",
counted in their own class); ``loaded_score = loaded / n_tokens``. Classes overlap on
purpose ("claim" is a hedge, an assertive and a report verb). ``prune=True`` leaves the names,
function words and frequent words without valence of ``loaded_pruned.csv`` out of ``loaded``
(:mod:`analysis.framing.loaded_pruning` says how they were chosen): Recasens' lemmas include
"house", "government" and "party", so 98% of BABE's non-biased sentences had a loaded word.

Matching: entries are base forms, so each token is tested with the base forms it may
inflect (:func:`inflections`: "claimed" -> claim, "alleges"/"allegedly" -> allege,
"reportedly" -> report, "said" -> say). A stemmer on both sides (``match="snowball"``)
also joins derivations ("protesters" -> protest, "political" -> "polite", "rightly" ->
right) and is kept only for comparison. Hyland's hedges already list the forms they
count and stemming would make "likely" "like", so they match surface forms. Multi-word
entries ("point out", "in my view") match as sequences, the longest first.

False positives (no part-of-speech tagger works offline): nouns that look like list verbs
("the state", "a report", "his claims", "an order"; "United States" and "Islamic State"
are skipped); the hedges "about", "around", "would", "could", "may" in plain senses; the
implicative "can". Rates compare outlets measured alike; they are not absolute frequencies.
"""

from __future__ import annotations

import hashlib
import time
from itertools import chain
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from nltk.stem import SnowballStemmer
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.metrics import roc_auc_score
from sklearn.utils.validation import check_is_fitted

from analysis.collect import datasets
from analysis.collect.framing_datasets import load_babe, load_word_list
from analysis.core import defaults, storage, tables
from analysis.stats import contrasts
from analysis.text.texts import as_texts, tokenize

INSTRUMENT = "loaded_language"
# class -> (dataset, file) of analysis.collect.framing_datasets
LISTS = {**{c: ("recasens", c) for c in ("hedges", "factives", "assertives", "implicatives", "report_verbs",
                                         "bias_words")}, "babe_lexicon": ("babe", "bias_words")}
REPORT_CLASSES = ("report_neutral", "report_marked", "report_other")
MARKERS = ("hedges", "factives", "assertives", "implicatives", "report_verbs", *REPORT_CLASSES,
           "bias_words", "babe_lexicon", "loaded")
# Hand lists, all taken from Recasens' report-verb list (a test checks that). Neutral: verbs
# that attribute speech without judging it (news style guides' "said"). Marked: verbs that
# cast doubt on the content (claim, allege), presuppose it (admit, concede, reveal) or colour
# the speaker (insist, boast, slam). Everything else (think, hope, see, learn, ...) is "other".
NEUTRAL_REPORT = frozenset("say tell told spoke report state add announce write comment ask reply respond "
                           "mention describe remark".split())
MARKED_REPORT = frozenset("claim allege insist admit concede accuse contend assert maintain acknowledge boast "
                          "deny reveal charge blame slam complain refute rebut dismiss speculate".split())
# Past forms no suffix rule reaches, for lemmas in the lists ("told" and "spoke" are entries).
IRREGULAR = dict(p.split(":") for p in """said:say thought:think wrote:write written:write knew:know known:know
    saw:see seen:see found:find forgot:forget forgotten:forget heard:hear meant:mean taught:teach swore:swear
    sworn:swear felt:feel got:get gotten:get chose:choose chosen:choose kept:keep foretold:foretell
    forbade:forbid forbidden:forbid sang:sing sung:sing""".split())
# The writer's own distancing adverbs are marked whatever the verb ("report" is neutral,
# "reportedly" is not); a rule on every -edly adverb would also take "repeatedly".
DISTANCING = frozenset("reportedly allegedly supposedly admittedly".split())
NAMES = (("united", "states"), ("islamic", "state"))  # names, not a report verb: "the United States said"
NOT_PLURAL = frozenset("news us its this his has was is as does thus yes always".split())  # "news" is not "new"s
# Recasens' bias list has "s", "mr", "st": pieces of "U.S.", "Mr.", "St." once tokenized, news
# style rather than bias ("s" alone hits a third of BABE's sentences). They are left out.
MIN_BIAS_ENTRY = 3
# Entries of the merged list that are names, function words or frequent words without valence, dropped
# from ``loaded`` with ``prune=True``; the rule that chose them is analysis.framing.loaded_pruning.
PRUNED = Path(__file__).with_name("loaded_pruned.csv")
CACHE_LIMIT = 500_000  # distinct tokens memoised; a news vocabulary stays well below
N_STRATA = 5  # length fifths: a bias measure must work among sentences of like length


def inflections(token: str) -> tuple[str, ...]:
    """The token and the base forms it may inflect (claimed -> claim, denies -> deny, allegedly -> allege).

    Generate-and-test: an entry matches when it is among these forms, so a wrong guess
    ("claime") costs nothing unless it is itself an entry. Derivation is not undone.
    """
    out, t = [token, IRREGULAR.get(token, token)], token
    if t.endswith("'s"):
        t = t[:-2]
        out.append(t)
    for suffix in ("edly", "ed", "ing"):
        if t.endswith(suffix) and len(t) > len(suffix) + 1:
            base = t[:-len(suffix)]
            out += [base, base + "e"] + ([base[:-1]] if len(base) > 2 and base[-1] == base[-2] else [])
            break
    if t.endswith(("ied", "ies")):
        out.append(t[:-3] + "y")
    elif t.endswith("es"):
        out.append(t[:-2])
    if t.endswith("s") and not t.endswith("ss") and t not in NOT_PLURAL:
        out.append(t[:-1])
    return tuple(dict.fromkeys(f for f in out if len(f) >= 2))


class MarkerScorer(TransformerMixin, BaseEstimator):
    """Per sentence: ``n_tokens``, a count per class in ``MARKERS`` and ``loaded_score``.

    ``match``: ``"inflection"`` (:func:`inflections` of each token) or ``"snowball"`` (entries
    and tokens stemmed alike, for comparison); ``exact``: classes matched on surface forms;
    ``prune``: ``loaded`` leaves out the entries of ``loaded_pruned.csv`` (:func:`pruned_words`).
    """

    kind = "markers"

    def __init__(self, *, match: Literal["inflection", "snowball"] = "inflection",
                 exact: tuple[str, ...] = ("hedges",), prune: bool = False):
        self.match, self.exact, self.prune = match, exact, prune

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array, tags.input_tags.string = False, True
        return tags

    def fit(self, X=None, y=None) -> MarkerScorer:

        if self.match not in ("inflection", "snowball"):
            raise ValueError(f"match={self.match!r}; allowed: 'inflection', 'snowball'")
        if bad := [c for c in self.exact if c not in LISTS]:
            raise ValueError(f"exact={tuple(self.exact)!r} has {bad}; allowed: {', '.join(LISTS)}")
        stem = SnowballStemmer("english").stem
        self._stem = (lambda w: stem(IRREGULAR.get(w, w))) if self.match == "snowball" else None
        self._cache: dict[str, tuple[str, ...]] = {}
        self._memos: dict[str, dict] = {}  # see _memo: what a refit must not carry over
        digest = hashlib.sha256()
        self.indexes_, self.n_entries_ = {}, {}
        for name, (dataset, file) in LISTS.items():
            digest.update(storage.read_bytes(datasets.locate(dataset, file, download=False)))
            entries = [e for e in load_word_list(dataset, file) if name != "bias_words" or len(e) >= MIN_BIAS_ENTRY]
            index: dict[str, list] = {}
            for entry in entries:
                keys = [w if name in self.exact or self._stem is None else self._stem(w) for w in tokenize(entry)]
                items = index.setdefault(keys[0], []) if keys else []
                if keys and all(rest != tuple(keys[1:]) for rest, _ in items):
                    items.append((tuple(keys[1:]), entry))  # of entries with equal keys the first listed wins
            self.indexes_[name], self.n_entries_[name] = index, len(entries)
        # Recasens' bias lemmas include 76 words of the epistemic lists ("say", "claim", "seem"):
        # those are counted in their own classes, so "loaded" leaves them out.
        self.epistemic_ = frozenset(e for name in ("hedges", "factives", "assertives", "implicatives", "report_verbs")
                                    for e in load_word_list(*LISTS[name]))
        self.pruned_ = pruned_words() if self.prune else frozenset()
        self.version_ = f"{INSTRUMENT} {digest.hexdigest()[:12]} {self.match} exact={','.join(self.exact) or '-'}"
        if self.prune:
            self.version_ += f" pruned={hashlib.sha256(storage.read_bytes(PRUNED)).hexdigest()[:12]}"
        return self

    def _forms(self, token: str) -> tuple[str, ...]:
        forms = self._cache.get(token)
        if forms is None:
            if len(self._cache) > CACHE_LIMIT:
                self._cache.clear()
            forms = self._cache[token] = inflections(token) if self._stem is None else (self._stem(token),)
        return forms

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "indexes_")
        token_lists = [tokenize(t) for t in as_texts(X).tolist()]  # None/NaN: empty
        lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(token_lists))
        codes, uniques = pd.factorize(pd.Series(list(chain.from_iterable(token_lists)), dtype=object), sort=False)
        sentence = np.repeat(np.arange(len(token_lists)), lengths)
        # A token's classes do not depend on its neighbours unless a multi-word entry or a name spans it, so
        # each distinct token is scored once, alone, and a sentence is the sum of its tokens; the sentences
        # where a multi-word entry or a name does match are scored whole, as before.
        alone = np.array(self._alone(uniques)).reshape(len(uniques), len(MARKERS) + 2)
        per_sentence = sparse.csr_matrix((np.ones(len(codes)), (sentence, codes)), shape=(len(token_lists), len(alone)))
        out = np.asarray(per_sentence @ alone)  # sums of whole counts: exact in float64
        for r in np.flatnonzero(self._spanning(codes.astype(np.int64), list(uniques), sentence, len(token_lists))):
            out[r] = self._row(token_lists[r])
        loaded = 1 + MARKERS.index("loaded")
        out[:, -1] = np.divide(out[:, loaded], out[:, 0], out=np.zeros(len(out)), where=out[:, 0] > 0)
        return out

    def _memo(self, kind: str) -> dict:
        """A dict of ``kind`` kept across calls (cleared past ``CACHE_LIMIT`` words): each chunk of a study scored
        on one worker meets mostly the words of the chunks before it."""
        memos = self.__dict__.setdefault("_memos", {})
        memo = memos.setdefault(kind, {})
        if len(memo) > CACHE_LIMIT:
            memo.clear()
        return memo

    def _alone(self, uniques: list[str]) -> list[np.ndarray]:
        """:meth:`_row` of each token alone, remembered."""
        rows, out = self._memo("rows"), []
        for u in uniques:
            row = rows.get(u)
            if row is None:
                row = rows[u] = self._row([u])
            out.append(row)
        return out

    def _row(self, tokens: list[str]) -> np.ndarray:
        """n_tokens and each class's count of one token sequence (the last column, the score, left 0)."""
        col = {m: i for i, m in enumerate(MARKERS, start=1)}
        out = np.zeros(len(MARKERS) + 2)
        out[0] = len(tokens)
        surface, forms = [(t,) for t in tokens], [self._forms(t) for t in tokens]
        for i in _name_tokens(tokens):
            surface[i] = forms[i] = ()
        loaded: set[int] = set()
        for name, index in self.indexes_.items():
            spans = _match(surface if name in self.exact else forms, index)
            out[col[name]] = len(spans)
            if name == "report_verbs":
                for start, _end, entry in spans:
                    out[col[_report_class(entry, tokens[start])]] += 1
            elif name in ("bias_words", "babe_lexicon"):
                loaded.update(i for start, end, entry in spans if entry not in self.pruned_ and (
                              name == "babe_lexicon" or entry not in self.epistemic_) for i in range(start, end))
        out[col["loaded"]] = len(loaded)
        return out

    def _spanning(self, codes: np.ndarray, uniques: list[str], sentence: np.ndarray, n: int) -> np.ndarray:
        """Per sentence: whether a multi-word entry of some class, or a name, matches in it somewhere."""
        sequences = [(name in self.exact, (key, *rest)) for name, index in self.indexes_.items()
                     for key, items in index.items() for rest, _ in items if rest]
        sequences += [(True, name) for name in NAMES]
        needed = {(exact, w) for exact, seq in sequences for w in seq}
        has = {k: np.zeros(len(uniques), dtype=bool) for k in needed}
        stands_for = self._memo("stands_for")  # the same entries' words each call: remembered per token
        for u, token in enumerate(uniques):  # which distinct tokens can stand for each word of an entry
            keys = stands_for.get(token)
            if keys is None:
                keys = stands_for[token] = [(exact, w) for exact, forms in ((True, (token,)), (False, self._forms(token)))
                                            for w in forms if (exact, w) in needed]
            for key in keys:
                has[key][u] = True
        out = np.zeros(n, dtype=bool)
        for exact, seq in sequences:
            at = np.flatnonzero(has[exact, seq[0]][codes])
            at = at[at + len(seq) - 1 < len(codes)]
            for j, w in enumerate(seq[1:], start=1):
                at = at[has[exact, w][codes[at + j]] & (sentence[at + j] == sentence[at])]
            out[sentence[at]] = True
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "indexes_")
        return np.array(["n_tokens", *MARKERS, "loaded_score"], dtype=object)


def pruned_words() -> frozenset[str]:
    """The entries ``MarkerScorer(prune=True)`` leaves out of ``loaded`` (the word column of ``loaded_pruned.csv``)."""
    return frozenset(pd.read_csv(PRUNED, dtype=str, keep_default_na=False)["word"])


def _match(forms: list[tuple[str, ...]], index: dict) -> list[tuple[int, int, str]]:
    # Greedy left to right, the longest entry at each position first ("pointed out" is
    # "point out", not "point"); of equally long ones, the token's own form, then list order.
    spans, i = [], 0
    while i < len(forms):
        best = None
        for key in forms[i]:
            for rest, entry in index.get(key, ()):
                end = i + 1 + len(rest)
                if (best is None or end > best[1]) and end <= len(forms) and all(
                        w in forms[i + 1 + j] for j, w in enumerate(rest)):
                    best = (i, end, entry)
        spans += [best] if best else []
        i = best[1] if best else i + 1
    return spans


def _name_tokens(tokens: list[str]) -> list[int]:
    return [i + j for i in range(len(tokens)) for name in NAMES
            if tuple(tokens[i:i + len(name)]) == name for j in range(len(name))]


def _report_class(lemma: str, surface: str) -> str:
    if surface in DISTANCING or lemma in MARKED_REPORT:
        return "report_marked"
    return "report_neutral" if lemma in NEUTRAL_REPORT else "report_other"


def marker_rates(sentences: pd.DataFrame, *, scorer: MarkerScorer | None = None) -> pd.DataFrame:
    """One row per (doc_id, sent_id): doc_id, sent_id, outlet, instrument_version, n_tokens (int), one int
    count column per class in ``MARKERS`` and ``loaded_score`` (float, loaded tokens / n_tokens)."""
    scorer = scorer if scorer is not None else MarkerScorer().fit()
    check_is_fitted(scorer, "indexes_")
    values = scorer.transform(sentences["text"])
    out = sentences[["doc_id", "sent_id", "outlet"]].reset_index(drop=True).astype({"sent_id": "int64"})
    out["instrument_version"] = scorer.version_
    for i, name in enumerate(scorer.get_feature_names_out()):
        out[name] = values[:, i].astype("float64" if name == "loaded_score" else "int64")
    if out.duplicated(["doc_id", "sent_id"]).any():
        raise ValueError("sentences has duplicate (doc_id, sent_id) keys")
    return out


def article_marker_rates(rates: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """One row per (doc_id, marker): doc_id, outlet, outlet_type, leaning, instrument_version, marker, count,
    n_tokens, n_sentences (int) and rate_per_1000 = 1000 * count / n_tokens (float).

    Pooled over the article's tokens, not a mean of sentence rates, so a
    two-word sentence does not weigh as much as a forty-word one. Articles
    without tokens (rate undefined) and rates without an article row are left out.
    """
    markers = [m for m in MARKERS if m in rates.columns]
    g = rates.groupby(["doc_id", "instrument_version"], sort=True)
    per_doc = g[[*markers, "n_tokens"]].sum().join(g.size().rename("n_sentences")).reset_index()
    per_doc = per_doc.loc[per_doc["n_tokens"] > 0]
    long = per_doc.melt(id_vars=["doc_id", "instrument_version", "n_tokens", "n_sentences"], value_vars=markers,
                        var_name="marker", value_name="count")
    long["rate_per_1000"] = 1000.0 * long["count"] / long["n_tokens"]
    attrs = articles[["doc_id", "outlet", "outlet_type", "leaning"]]
    out = long.merge(attrs, on="doc_id", how="inner", validate="many_to_one")
    out = out.sort_values("doc_id", kind="stable")  # melt left the markers in MARKERS order
    out = out[tables.schema("article_marker_rates").names]
    return out.astype({"count": "int64", "n_tokens": "int64", "n_sentences": "int64"}).reset_index(drop=True)


def markers_by_group(article_rates: pd.DataFrame, *, by: str = "outlet", n_boot: int = defaults.N_BOOT,
                     confidence: float = defaults.CONFIDENCE, min_articles: int = defaults.MIN_ARTICLES,
                     seed: int = defaults.SEED) -> pd.DataFrame:
    """One row per (group, marker): group_var, group, marker, instrument, instrument_version, n_articles,
    n_sentences, mean (of article rate_per_1000), sd, ci_low, ci_high, ci_method.

    A thin adapter over :func:`analysis.stats.contrasts.summarize_groups`: the article
    is the resampling unit, and each marker draws from its own seeded stream
    (``target=marker``), so adding a marker does not move the others' intervals.
    """
    frames = []
    for marker, g in article_rates.groupby("marker", sort=False):
        summary = contrasts.summarize_groups(g.assign(instrument=INSTRUMENT), by=by, value="rate_per_1000",
                                           n_boot=n_boot, confidence=confidence, min_articles=min_articles,
                                           seed=seed, target=str(marker))
        frames.append(summary.assign(marker=str(marker)))
    out = pd.concat(frames, ignore_index=True) if frames else tables.empty("markers_by_group")
    return out[tables.schema("markers_by_group").names]


def markers_by_voice(rates: pd.DataFrame, sentence_voice: pd.DataFrame, articles: pd.DataFrame, *,
                     by: str = "outlet", **opts) -> pd.DataFrame:
    """The ``markers_by_voice`` table: :func:`markers_by_group` on each article's own sentences and, apart, on
    those mostly in others' words (``sentence_voice``), so a loaded word a quoted official says is not the
    outlet's. ``opts`` go to :func:`markers_by_group`; each voice draws its own seeded streams.
    """
    voiced = rates.merge(sentence_voice[["doc_id", "sent_id", "voice"]], on=["doc_id", "sent_id"], how="inner")
    voiced["voice"] = np.where(voiced["voice"] == "outlet", "outlet", "others")
    seed = opts.pop("seed", defaults.SEED)
    parts = [markers_by_group(article_marker_rates(sub.drop(columns="voice"), articles), by=by,
                              seed=seed + k, **opts).assign(voice=voice)  # one stream per voice
             for k, (voice, sub) in enumerate(voiced.groupby("voice", sort=True))]
    out = pd.concat(parts, ignore_index=True) if parts else tables.empty("markers_by_voice")
    return tables.validate(out[tables.schema("markers_by_voice").names], "markers_by_voice")


def roc_auc_ci(scores, labels, *, clusters=None, n_boot: int = defaults.N_BOOT,
               confidence: float = defaults.CONFIDENCE, rng: np.random.Generator) -> tuple[float, float, float]:
    """ROC AUC = P(score_pos > score_neg) + 0.5 P(tie) and a percentile bootstrap interval.

    ``clusters`` (e.g. source articles) are resampled whole, else each row alone. A
    resample is a weight vector, so one sort of the scores serves all of them.
    """

    scores, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=float)
    _, level = np.unique(scores, return_inverse=True)
    onehot = sparse.csr_matrix((np.ones(len(scores)), (np.arange(len(scores)), level)))
    codes = np.arange(len(scores)) if clusters is None else pd.factorize(np.asarray(clusters))[0]
    n_clusters = codes.max() + 1
    weights = np.vstack([np.ones(len(scores)),
                         rng.multinomial(n_clusters, np.full(n_clusters, 1 / n_clusters), size=n_boot)[:, codes]])
    pos, neg = (onehot.T @ (weights * y).T).T, (onehot.T @ (weights * (1 - y)).T).T
    below = np.cumsum(neg, axis=1) - neg  # negatives strictly below each score level
    with np.errstate(invalid="ignore", divide="ignore"):  # a resample without one class has no AUC
        auc = (pos * (below + 0.5 * neg)).sum(axis=1) / (pos.sum(axis=1) * neg.sum(axis=1))
    boot = auc[1:][np.isfinite(auc[1:])]
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(boot, [tail, 100 - tail]) if len(boot) else (np.nan, np.nan)
    return float(auc[0]), float(low), float(high)


def length_strata(n_tokens, *, n_strata: int = N_STRATA) -> np.ndarray:
    """Stratum 0..n_strata-1 of each sentence by token count, equal-sized (ties broken by order)."""
    ranks = pd.Series(np.asarray(n_tokens)).rank(method="first")
    return pd.qcut(ranks, n_strata, labels=False).to_numpy()


def within_strata_auc(scores, labels, strata) -> list[float]:
    """ROC AUC of ``scores`` inside each stratum (NaN where a stratum has one class)."""
    frame = pd.DataFrame({"s": np.asarray(scores, float), "y": np.asarray(labels), "k": np.asarray(strata)})
    return [float(roc_auc_score(g["y"], g["s"])) if g["y"].nunique() == 2 else np.nan
            for _, g in frame.groupby("k", sort=True)]


def validate_on_babe(*, splits: tuple[str, ...] = ("sg2", "sg1", "mbic"), scorer: MarkerScorer | None = None,
                     n_boot: int = defaults.N_BOOT, confidence: float = defaults.CONFIDENCE,
                     seed: int = defaults.SEED) -> pd.DataFrame:
    """Sentence-level ROC AUC of each marker rate against BABE's biased/non-biased label.

    Long table, key (split, instrument, metric): dataset ("babe"), split, instrument, metric,
    value (float), n (int, sentences). Instruments: ``loaded_score``, ``recasens_bias_words``,
    ``babe_lexicon`` and the other classes as rates per token, ``loaded_score_pruned`` (``prune=True``:
    names, function words and frequent words without valence left out) and ``n_tokens``, the trivial
    baseline. A higher score is read as "biased": AUC < 0.5 means the marker goes with
    non-biased sentences. Metrics: ``roc_auc``; ``roc_auc_ci_low``/``_ci_high``, a percentile
    bootstrap (the same resamples for every instrument of a split), over source articles if
    the table has ``news_link`` (``load_babe`` gives it), else over sentences, too narrow
    since sentences of one article are not independent; ``share_nonzero``
    (lexicon scores tie a lot); and for the two bias lists ``share_entries_annotated``, the
    share of list entries this split's annotators marked as biased words; for the two loaded scores
    ``roc_auc_within_length``, the mean AUC inside the five length fifths.

    Circularity: the BABE lexicon ships with BABE as the "dictionary of biased words used to
    craft features" for the authors' classifier trained on these splits; the repository does
    not say how it was built, so words picked from these very sentences may be in it. Its AUC
    here is an upper bound for new text; Recasens' list (Wikipedia NPOV edits) is out of domain.
    """
    scorer = scorer if scorer is not None else MarkerScorer().fit()
    pruned = MarkerScorer(**{**scorer.get_params(), "prune": True}).fit()
    names = list(scorer.get_feature_names_out())
    recasens = load_word_list("recasens", "bias_words")
    lexicons = {"recasens_bias_words": {w for w in recasens if len(w) >= MIN_BIAS_ENTRY},
                "babe_lexicon": set(load_word_list("babe", "bias_words"))}
    rows = []
    for split in splits:
        babe = load_babe(split)
        values = pd.DataFrame(scorer.transform(babe["text"]), columns=names)
        n_tokens = values["n_tokens"].to_numpy()
        rates = values.drop(columns=["n_tokens", "loaded_score"]).div(np.maximum(n_tokens, 1), axis=0)
        rates = rates.rename(columns={"bias_words": "recasens_bias_words"})
        rates = rates.drop(columns="loaded")  # the same numbers as loaded_score
        instruments = {"loaded_score": values["loaded_score"], **dict(rates.items()),
                       "loaded_score_pruned": pd.Series(pruned.transform(babe["text"])[:, -1]),
                       "n_tokens": values["n_tokens"]}
        strata = length_strata(n_tokens)
        clusters = babe["news_link"] if "news_link" in babe.columns else None
        annotated = {w.lower() for ws in babe["biased_words"] for w in ws}
        for instrument, score in instruments.items():
            rng = contrasts.group_rng(seed, "babe", split)
            auc, low, high = roc_auc_ci(score, babe["label"], clusters=clusters, n_boot=n_boot,
                                        confidence=confidence, rng=rng)
            metrics = {"roc_auc": auc, "roc_auc_ci_low": low, "roc_auc_ci_high": high,
                       "share_nonzero": float((score.to_numpy() > 0).mean())}
            if instrument.startswith("loaded_score"):
                metrics["roc_auc_within_length"] = float(np.nanmean(within_strata_auc(score, babe["label"], strata)))
            if instrument in lexicons:
                metrics["share_entries_annotated"] = len(lexicons[instrument] & annotated) / len(lexicons[instrument])
            rows += [dict(dataset="babe", split=split, instrument=instrument, metric=m, value=float(v), n=len(babe))
                     for m, v in metrics.items()]
    return pd.DataFrame(rows).astype({"n": "int64", "value": "float64"})


def main() -> None:
    start = time.perf_counter()
    scorer = MarkerScorer().fit()
    fitted = time.perf_counter()
    table = validate_on_babe(scorer=scorer)
    wide = table.pivot_table(index=["split", "instrument"], columns="metric", values="value", sort=False)
    with pd.option_context("display.width", 200, "display.max_rows", 200, "display.float_format", "{:.3f}".format):
        print(f"{scorer.version_} ({sum(scorer.n_entries_.values())} list entries)")
        print(wide.reset_index().rename_axis(columns=None).to_string(index=False))
    print(f"fit {fitted - start:.1f} s, validation {time.perf_counter() - fitted:.1f} s "
          f"({table.groupby('split')['n'].first().sum()} sentences)")


if __name__ == "__main__":
    main()

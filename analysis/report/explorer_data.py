"""The explorer's data: the study's tables turned into compact columns for one embedded JSON block.

Each function takes DataFrames and returns plain records (dicts of equal-length lists), so the page's
script reads columns, not a DataFrame. Text is stored once: every sentence an evidence row, a term hit or
an article view needs is in one pool (``sentences``) and rows refer to it by index. Repeated strings
(outlets, frames, instruments) are sent as codes into a list of levels.

Evidence that would not fit the size budget is sampled per cell (a cell: an outlet and the frame, term,
actor or quote it is evidence for), with a seeded random draw, and the page states how many rows each
cell has and how many it shows.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.framing import term_codes
from analysis.framing.term_tokens import token_matches

GROUP_VARS = ("outlet", "leaning", "outlet_type", "country")
DEFAULT_BUDGET = 8_000_000  # bytes of JSON: leaves room for Bokeh's 1.3 MB under the 10 MB page budget
SAMPLE_CAPS = (None, 400, 200, 100, 50, 25, 10, 5)  # rows per cell, tried in order until the data fits


def _value(v):
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return None if math.isnan(v) else round(float(v), 4)
    if isinstance(v, float):
        return round(v, 4)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return v


def columns(df: pd.DataFrame, *, coded: Iterable[str] = ()) -> dict:
    """``df`` as ``{column: [values]}``; columns in ``coded`` become ``{"levels": [...], "codes": [...]}``."""
    out: dict = {}
    coded = set(coded)
    for name in df.columns:
        series = df[name]
        if name in coded:
            values = series.fillna("").astype(str)
            levels = sorted(set(values))
            lookup = {v: i for i, v in enumerate(levels)}
            out[name] = {"levels": levels, "codes": [lookup[v] for v in values]}
        else:
            out[name] = _values(series)
    return out


def _values(series: pd.Series) -> list:
    """``[_value(v) for v in series]``, with numpy's number columns converted without a type test per cell."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return series.to_numpy().tolist()  # Python ints and bools, as _value gives them
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return [None if v != v else round(v, 4) for v in series.to_numpy(dtype=float).tolist()]  # v != v: NaN
    return [_value(v) for v in series.tolist()]


def sample_per_cell(df: pd.DataFrame, cell: list[str], *, cap: int | None, seed: int) -> pd.DataFrame:
    """At most ``cap`` rows of each ``cell`` (a seeded random draw), in the table's order; all rows when None."""
    if cap is None or df.empty:
        return df
    rng = np.random.default_rng(seed)
    order = pd.Series(rng.permutation(len(df)), index=df.index)
    rank = order.groupby([df[c] for c in cell], sort=False).rank(method="first")
    return df[rank <= cap]


def cell_counts(df: pd.DataFrame, shown: pd.DataFrame, cell: list[str]) -> dict:
    """``{"cell": [...], "n": [...], "shown": [...]}`` for cells where rows were left out."""
    if df.empty:
        return {c: [] for c in [*cell, "n", "shown"]}
    total = df.groupby(cell, sort=True).size().rename("n")
    kept = shown.groupby(cell, sort=True).size().rename("shown") if len(shown) else pd.Series(dtype=int, name="shown")
    both = pd.concat([total, kept], axis=1).fillna(0).astype(int)
    both = both[both["n"] > both["shown"]].reset_index()
    return columns(both)


def article_records(articles: pd.DataFrame, *, groups: list[str]) -> dict:
    """One entry per article: id, title, date, URL (http(s) only) and each grouping's value."""
    df = articles.sort_values(["published", "doc_id"], na_position="last", kind="stable")
    url = df["url"].where(df["url"].fillna("").str.match(r"(?i)^https?://"), "")
    out = pd.DataFrame({"doc_id": df["doc_id"], "title": df["title"].fillna(""),
                        "date": df["published"].dt.strftime("%Y-%m-%d").fillna(""), "url": url.fillna("")})
    for g in groups:
        out[g] = df[g].fillna("unknown").astype(str) if g in df.columns else "unknown"
    return columns(out.reset_index(drop=True), coded=groups)


class SentenceIndex:
    """The study's sentences sorted by (doc_id, sent_id), with each key's row: built once for every payload
    :func:`fit_budget` tries (a MultiIndex look-up per key cost seconds per try on 1.7 million sentences)."""

    def __init__(self, sentences: pd.DataFrame):
        self.table = sentences.set_index(["doc_id", "sent_id"]).sort_index()
        self.row = {k: i for i, k in enumerate(self.table.index)}


class SentencePool:
    """The embedded sentences: each (doc_id, sent_id) once, in article order, referred to by its position."""

    def __init__(self, sentences: pd.DataFrame | SentenceIndex):
        index = sentences if isinstance(sentences, SentenceIndex) else SentenceIndex(sentences)
        self._all, self._row = index.table, index.row
        self._keys: set[tuple[str, int]] = set()

    def add(self, df: pd.DataFrame, *, doc: str = "doc_id", sent: str = "sent_id") -> None:
        self._keys.update(zip(df[doc].astype(str), df[sent].astype(int)))

    def add_articles(self, doc_ids: Iterable[str]) -> None:
        wanted = set(doc_ids)
        self._keys.update(k for k in self._row if k[0] in wanted)

    def freeze(self, doc_index: dict[str, int]) -> tuple[dict, dict[tuple[str, int], int]]:
        keys = sorted(k for k in self._keys if k in self._row and k[0] in doc_index)
        rows = self._all.iloc[[self._row[k] for k in keys]]
        position = {k: i for i, k in enumerate(keys)}
        data = {"doc": [doc_index[k[0]] for k in keys], "sid": [int(k[1]) for k in keys],
                "start": [int(v) for v in rows["start"]], "text": [str(v) for v in rows["text"]]}
        return data, position


def sentence_refs(df: pd.DataFrame, position: dict, *, doc: str = "doc_id", sent: str = "sent_id") -> list[int]:
    return [position[(str(d), int(s))] for d, s in zip(df[doc], df[sent])]


def term_regex(term: str) -> re.Pattern:
    """Where ``term`` (a distinctive-terms n-gram) is written in a sentence: "u.s." is also "US", a possessive
    may follow a word, and words are separated by any run of spaces (the tokenizer's reading, in reverse)."""
    words = []
    for word in term.split(" "):
        alt = re.escape(word)
        if re.fullmatch(r"(?:[a-z]\.){2,}", word):
            alt = f"(?:{alt}|{re.escape(word.replace('.', '').upper())})"
        words.append(alt + r"(?:['’]s)?")
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?![\w])", re.IGNORECASE)


HIT_BATCH = 20_000  # sentences tokenized at a time: their tokens, as Python strings, are held until encoded


def term_hits(sentences: pd.DataFrame, terms: Iterable[str]) -> pd.DataFrame:
    """Each sentence whose n-grams (the distinctive-terms tokenizer, no stop words) include a term, with the first
    place it is written: columns term, doc_id, sent_id, outlet, start, end (-1 where no spelling was found).

    The n-grams are integers (:mod:`analysis.framing.term_codes`), formed with numpy over batches of sentences,
    and only the wanted terms' tokens have ids: on the 37,554 AllSides articles (1.7 million sentences, half of
    them holding a term) building every n-gram as a string took about a minute of the report stage."""
    # a term with an empty word ("trade  war") is no n-gram the tokenizer forms: it has no sentence
    wanted = sorted(t for t in set(terms) if isinstance(t, str) and t and "" not in t.split(" "))
    if not wanted or sentences.empty:
        return pd.DataFrame({"term": [], "doc_id": [], "sent_id": [], "outlet": [], "start": [], "end": []})
    words = [t.split(" ") for t in wanted]
    high = max(len(w) for w in words)
    tok = term_codes.Tokens(ngram_range=(1, high), stop_words=frozenset())
    tok.encode([w for ws in words for w in ws])
    term_code = np.array([functools.reduce(lambda code, k: code * tok.base + (tok.ids[ws[k]] + 1 if k < len(ws) else 0),
                                           range(high), 0) for ws in words], dtype=np.int64)  # as Tokens.codes forms them
    order = np.argsort(term_code)
    sorted_codes, term_of = term_code[order], order  # term_of[j]: the term (index in wanted) of sorted_codes[j]
    texts = sentences["text"].tolist()
    found_sentence, found_term = [], []
    for first in range(0, len(texts), HIT_BATCH):
        stream: list[str] = []
        lengths = []
        for text in texts[first:first + HIT_BATCH]:
            t = token_matches(text)
            stream += t
            stream.append(".")  # a break between sentences
            lengths.append(len(t) + 1)
        docs = np.repeat(np.arange(first, first + len(lengths)), lengths)
        d, c = tok.codes(tok.lookup(stream), docs)
        at = np.minimum(np.searchsorted(sorted_codes, c), len(sorted_codes) - 1)
        hit = sorted_codes[at] == c
        # a sentence lists each of its terms once, in the terms' sorted order
        pair = np.unique(d[hit].astype(np.int64) * len(wanted) + term_of[at[hit]])
        found_sentence.append(pair // len(wanted))
        found_term.append(pair % len(wanted))
    row = np.concatenate(found_sentence)
    term_index = np.concatenate(found_term)
    patterns = [term_regex(t) for t in wanted]
    spans = [(m.start(), m.end()) if (m := patterns[j].search(texts[i])) else (-1, -1)
             for i, j in zip(row.tolist(), term_index.tolist())]
    start, end = (np.array(col, dtype=np.int64) for col in zip(*spans)) if spans else (np.empty(0, np.int64),) * 2
    return pd.DataFrame({"term": np.asarray(wanted, dtype=object)[term_index],
                         "doc_id": sentences["doc_id"].to_numpy()[row],
                         "sent_id": sentences["sent_id"].to_numpy()[row].astype(np.int64),
                         "outlet": sentences["outlet"].to_numpy()[row], "start": start, "end": end})


def frame_evidence_rows(evidence: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    """``frame_evidence`` with the voice of its match from ``frame_hits`` (own voice or someone else's)."""
    key = ["doc_id", "sent_id", "codebook", "frame"]
    if hits.empty or "voice" not in hits.columns:
        return evidence.assign(voice="")
    voice = hits[key + ["voice"]].drop_duplicates(key)
    out = evidence.merge(voice, on=key, how="left", validate="one_to_one")
    out["voice"] = out["voice"].fillna("")
    return out


def interval_table(df: pd.DataFrame, keep: list[str]) -> dict:
    cols = [c for c in [*keep, "n_articles", "mean", "ci_low", "ci_high", "ci_method"] if c in df.columns]
    return columns(df[cols].reset_index(drop=True), coded=[c for c in keep + ["ci_method"] if c in cols])


def encoded_size(payload: dict) -> int:
    """``len(dumps(payload).encode())``, a section at a time: the whole document at once held several copies of a
    string of up to a hundred megabytes (the JSON, its escaped copies, its bytes) on a 12,000-article study."""
    if not isinstance(payload, dict) or not payload or not all(isinstance(key, str) for key in payload):
        return len(dumps(payload).encode("utf-8"))  # json writes other keys as strings of its own
    # '{' + '"key":value' joined by ',' + '}', as json.dumps writes a dict with these separators; the escapes of
    # dumps replace single characters, so they give the same text section by section
    return 2 + len(payload) - 1 + sum(len(dumps(key).encode("utf-8")) + 1 + len(dumps(value).encode("utf-8"))
                                      for key, value in payload.items())


def dumps(payload: dict) -> str:
    """JSON that can sit inside a ``<script>`` element: '<' is written as \\u003c, so no text closes it."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# ----- the whole payload -----------------------------------------------------------------------------------------

TERM_COLUMNS = ["group_var", "group_a", "group_b", "term", "n", "n_other", "docs_a", "docs_b", "z", "stable",
                "single_article", "rank"]
QUOTE_COLUMNS = ["quote_seq", "sent_id", "start", "end", "text", "kind", "speaker", "speaker_cue", "source_type",
                 "quote_id"]
PAIR_COLUMNS = ["containment_a_in_b", "containment_b_in_a", "jaccard", "shared_passages", "longest_passage_words",
                "direction", "relation", "syndicated", "same_outlet"]


def prepared(t: dict[str, pd.DataFrame]) -> dict:
    """The costly, budget-independent steps (term search over every sentence, the frame-voice join), done once."""
    out = dict(t)
    out["term_hits"] = term_hits(t["sentences"], t["distinctive_terms"]["term"].unique())
    out["sentence_index"] = SentenceIndex(t["sentences"])
    out["article_records"] = article_records(t["articles"], groups=_groups(t["articles"]))
    out["frame_rows"] = frame_evidence_rows(t["frame_evidence"], t.get("frame_hits", pd.DataFrame()))
    quotes = t["quotes"]
    # A quote's occurrences travel together (a quote shows every outlet that ran it); its cell is its first outlet.
    first = quotes.groupby("quote_id", sort=False)["outlet"].transform("first")
    spread = quotes.groupby("quote_id", sort=False)["outlet"].transform("nunique")
    out["quotes"] = quotes.assign(_cell=first, _spread=spread)
    return out


def _in_position(df: pd.DataFrame, position: dict) -> np.ndarray:
    """Which rows' sentences are in ``position``, as a boolean array (``df[[]]``, from a list, would select no
    columns of an empty table instead of no rows: a study without actors lost its actor columns that way)."""
    return np.array([(str(d), int(s)) in position for d, s in zip(df["doc_id"], df["sent_id"])], dtype=bool)


def _coded_refs(df: pd.DataFrame, position: dict, keep: list[str], coded: list[str]) -> dict:
    # a row whose sentence is not in the sentences table (tables from different runs) has nothing to show
    df = df.loc[_in_position(df, position)]
    out = df[keep].reset_index(drop=True).copy()
    out.insert(0, "s", sentence_refs(df, position))
    return columns(out, coded=coded)


def _passage_text(texts: pd.Series, doc_ids: pd.Series, starts: pd.Series, ends: pd.Series) -> list[str]:
    return [str(texts.get(d, ""))[int(a):int(b)] for d, a, b in zip(doc_ids, starts, ends)]


def _groups(articles: pd.DataFrame) -> list[str]:
    return [g for g in GROUP_VARS if g in articles.columns]


def assemble(t: dict[str, pd.DataFrame], *, study: str, title: str, seed: int, cap: int | None,
             full_text: bool) -> dict:
    """The explorer's payload from :func:`prepared` tables: every cell at most ``cap`` rows (None: all), and the
    full text of every article with ``full_text`` (otherwise only the sentences evidence rows point at)."""
    articles = t["articles"]
    groups = _groups(articles)
    arts = t["article_records"] if "article_records" in t else article_records(articles, groups=groups)
    doc_index = {d: i for i, d in enumerate(arts["doc_id"])}
    pool = SentencePool(t.get("sentence_index", t["sentences"]))

    hits = sample_per_cell(t["term_hits"], ["term", "outlet"], cap=cap, seed=seed)
    frames = sample_per_cell(t["frame_rows"], ["codebook", "frame", "outlet"], cap=cap, seed=seed)
    sent_ev = t["sentiment_evidence"]
    actor = t["actor_sentiment"]
    units = actor.drop_duplicates(["doc_id", "sent_id", "actor"])
    units_kept = sample_per_cell(units, ["actor", "outlet"], cap=cap, seed=seed)
    actor_kept = actor.merge(units_kept[["doc_id", "sent_id", "actor"]], on=["doc_id", "sent_id", "actor"])
    quotes = t["quotes"]
    ids = quotes.drop_duplicates("quote_id")
    ids_kept = pd.concat([ids[ids["_spread"] > 1],
                          sample_per_cell(ids[ids["_spread"] <= 1], ["_cell"], cap=cap, seed=seed)])
    quotes_kept = quotes[quotes["quote_id"].isin(ids_kept["quote_id"])]
    pairs = t["reuse_pairs"]
    pairs_kept = sample_per_cell(pairs, ["outlet_a", "outlet_b"], cap=cap, seed=seed)

    for df in (hits, frames, sent_ev, actor_kept):
        pool.add(df)
    if full_text:
        pool.add_articles(doc_index)
    sentences, position = pool.freeze(doc_index)
    in_pool = lambda df: df.loc[_in_position(df, position)]  # noqa: E731

    terms = sorted(t["distinctive_terms"]["term"].unique())
    term_code = {x: i for i, x in enumerate(terms)}
    dt = t["distinctive_terms"][TERM_COLUMNS].copy()
    dt["term"] = dt["term"].map(term_code)
    hit_rows = pd.DataFrame({"term": hits["term"].map(term_code), "s": sentence_refs(hits, position),
                             "start": hits["start"], "end": hits["end"]})

    scores = t["sentence_sentiment"]
    instruments = sorted(scores["instrument"].unique())
    keys = list(position)
    score_cols = []
    for name in instruments:
        by_key = scores[scores["instrument"] == name].set_index(["doc_id", "sent_id"])["score"]
        by_key = by_key[~by_key.index.duplicated()]
        score_cols.append([_value(v) for v in by_key.reindex(keys).tolist()] if keys else [])

    labels = in_pool(t["label_mentions"]) if len(t["label_mentions"]) else t["label_mentions"]
    texts = articles.set_index("doc_id")["text"]
    passages = t["reuse_passages"].merge(pairs_kept[["doc_a", "doc_b"]], on=["doc_a", "doc_b"])
    pair_index = {(a, b): i for i, (a, b) in enumerate(zip(pairs_kept["doc_a"], pairs_kept["doc_b"]))}
    pair_records = columns(pairs_kept[PAIR_COLUMNS].reset_index(drop=True), coded=["direction", "relation"])
    pair_records["a"] = [doc_index[d] for d in pairs_kept["doc_a"]]
    pair_records["b"] = [doc_index[d] for d in pairs_kept["doc_b"]]
    passage_records = columns(passages[["passage", "a_start", "a_end", "b_start", "b_end", "n_words", "quoted"]]
                              .reset_index(drop=True))
    passage_records["pair"] = [pair_index[(a, b)] for a, b in zip(passages["doc_a"], passages["doc_b"])]
    passage_records["a_text"] = _passage_text(texts, passages["doc_a"], passages["a_start"], passages["a_end"])
    passage_records["b_text"] = _passage_text(texts, passages["doc_b"], passages["b_start"], passages["b_end"])

    quote_records = columns(quotes_kept[QUOTE_COLUMNS].reset_index(drop=True),
                            coded=["kind", "speaker", "speaker_cue", "source_type", "quote_id"])
    quote_records["doc"] = [doc_index[d] for d in quotes_kept["doc_id"]]

    sampled = {
        "terms": cell_counts(t["term_hits"], hits, ["term", "outlet"]),
        "frames": cell_counts(t["frame_rows"], frames, ["codebook", "frame", "outlet"]),
        "actors": cell_counts(units, units_kept, ["actor", "outlet"]),
        "quotes": cell_counts(ids[ids["_spread"] <= 1], ids_kept[ids_kept["_spread"] <= 1], ["_cell"]),
        "reuse": cell_counts(pairs, pairs_kept, ["outlet_a", "outlet_b"]),
    }
    return {
        "meta": {"study": study, "title": title, "seed": seed, "cap": cap, "full_text": full_text,
                 "groups": groups, "n_articles": len(articles), "n_sentences": len(t["sentences"])},
        "sampled": sampled,
        "articles": arts,
        "sentences": sentences,
        "scores": {"instruments": instruments, "values": score_cols},
        "terms": {"levels": terms, "rows": columns(dt.reset_index(drop=True), coded=["group_var", "group_a",
                                                                                     "group_b"])},
        "term_hits": columns(hit_rows.reset_index(drop=True)),
        "frame_profiles": interval_table(t["frame_profiles"], ["codebook", "frame", "measure", "group_var", "group"]),
        "frame_evidence": _coded_refs(frames, position, ["codebook", "frame", "start", "end", "voice"],
                                      ["codebook", "frame", "voice"]),
        "sentiment": interval_table(t["sentiment_by_group"], ["group_var", "group", "instrument"]),
        "actor_sentiment": interval_table(t["actor_sentiment_by_group"], ["actor", "group_var", "group",
                                                                          "instrument"]),
        "sentiment_evidence": _coded_refs(sent_ev, position, ["outlet", "instrument", "rank", "score", "pull"],
                                          ["outlet", "instrument"]),
        "actor_evidence": _coded_refs(actor_kept, position, ["actor", "instrument", "label", "score"],
                                      ["actor", "instrument", "label"]),
        "quotes": quote_records,
        "reuse_pairs": pair_records,
        "reuse_passages": passage_records,
        "labels": _coded_refs(labels, position, ["referent", "label", "start", "end"], ["referent", "label"])
        if len(labels) else {},
    }


def fit_budget(t: dict[str, pd.DataFrame], *, study: str, title: str, seed: int,
               budget: int = DEFAULT_BUDGET) -> dict:
    """The fullest payload under ``budget`` bytes: every row and every article's text if it fits, else evidence
    only, sampled per cell at the largest cap of :data:`SAMPLE_CAPS` that fits (the smallest when none does)."""
    ready = prepared(t)
    options = [(None, True), *((c, False) for c in SAMPLE_CAPS)]  # each smaller than the one before

    def build(k: int) -> dict:
        return assemble(ready, study=study, title=title, seed=seed, cap=options[k][0], full_text=options[k][1])

    # Searched from the smallest option up, doubling the step, then bisected: a large study's fuller options
    # are many times the budget (on 12,000 articles the cap of 100 gave 104 MB of JSON for an 8 MB budget, and
    # building and measuring it was the report stage's memory peak), so they are not built when a smaller one
    # already fails. Only the best payload so far is kept.
    fit_at = len(options) - 1
    best = build(fit_at)
    if encoded_size(best) > budget:
        return best  # none fits: the smallest
    fail_at, step = -1, 1
    while fit_at - fail_at > 1:
        k = max(fit_at - step, fail_at + 1) if step else (fail_at + fit_at) // 2
        payload = build(k)
        if encoded_size(payload) <= budget:
            fit_at, best = k, payload
            step = step * 2 if step else 0
        else:
            fail_at, step = k, 0  # the first failure ends the doubling; bisect between it and the best fit
        del payload
    return best

"""Frame tables from article to group, built from the sentences' ``frame_hits`` (:mod:`analysis.framing.dictionary`).

Every number can be traced back to the sentence and words behind it:

``article_frames`` (key ``doc_id, codebook, frame``)
    every article with at least one sentence crossed with every frame, zeros
    included: ``n_sentences``, ``n_hit_sentences``, ``share``, ``present``, and by
    voice ``own_share``, ``others_share``, ``n_rebuttal_sentences``, ``dominant``.
``frame_voices`` (key ``group_var, group, codebook, frame, voice, speaker_type``)
    per group, who voices each frame's cues and who rebuts them (counts).
``frame_profiles`` (key ``codebook, frame, measure, group_var, group``)
    per group: share of articles using the frame (``measure="present"``) or
    mean share of their sentences (``"share"``), with a bootstrap CI over articles.
``frame_evidence`` (key ``doc_id, sent_id, codebook, frame``)
    keyword in context for each hit: ``left``, ``matched``, ``right`` and the
    whole ``sentence`` (publisher text: for the local report, never committed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from analysis.core import defaults
from analysis.framing.dictionary import FrameMatcher, as_table
from analysis.stats import contrasts


def _dominant(out: pd.DataFrame) -> pd.Series:
    """Each article's dominant frame per codebook: most own-voice sentences, then most sentences, then codebook order."""
    order = out.groupby(["doc_id", "codebook"], sort=False).cumcount()
    ranked = out.assign(_order=order).sort_values(["doc_id", "codebook", "n_own_hit_sentences", "n_hit_sentences",
                                                   "_order"], ascending=[True, True, False, False, True])
    top = ranked.drop_duplicates(["doc_id", "codebook"])
    top = top.loc[top["n_own_hit_sentences"] > 0]
    return pd.Series(out.index.isin(top.index), index=out.index)


def article_frames(hits: pd.DataFrame, *, sentences: pd.DataFrame, articles: pd.DataFrame,
                   matchers: FrameMatcher | Sequence[FrameMatcher],
                   sentence_voices: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``article_frames`` table: every article crossed with every frame of ``matchers``.

    ``matchers`` are the fitted matchers behind ``hits``: their frame lists
    give the zero rows of frames no sentence uses. An article without
    sentences (empty after cleaning) has nothing to measure and gets no rows,
    as in ``article_sentiment``. ``sentence_voices`` (the ``sentence_voice``
    table) splits each article's sentences into the outlet's own and those
    mostly in others' words; without it every sentence is the outlet's.
    ``own_share`` is the share of the outlet's own sentences with a cue of the
    frame in its own voice; ``others_share`` the share of the other sentences
    with a cue in a quoted, reported or attributed voice.
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
    if sentence_voices is None:
        sentence_voices = sentences[["doc_id", "sent_id"]].assign(voice="outlet")
    own_sentence = sentences[["doc_id", "sent_id"]].merge(sentence_voices[["doc_id", "sent_id", "voice"]],
                                                          on=["doc_id", "sent_id"], how="left")
    own_sentence["own"] = own_sentence["voice"].fillna("outlet").eq("outlet")
    per_doc = own_sentence.groupby("doc_id").agg(n_sentences=("sent_id", "size"), n_own_sentences=("own", "sum"))
    docs = articles.loc[articles["doc_id"].isin(per_doc.index), ["doc_id", "outlet", "outlet_type", "leaning"]]
    grid = docs.sort_values("doc_id").merge(frames, how="cross").merge(per_doc.reset_index(), on="doc_id")
    used = hits.loc[~hits["rebuttal"]].merge(own_sentence[["doc_id", "sent_id", "own"]], on=["doc_id", "sent_id"],
                                              how="left")
    used["own"] = used["own"].fillna(True).astype(bool)
    keys = ["doc_id", "codebook", "frame"]
    used["own_hit"] = used["own_voice"].astype(bool) & used["own"]
    used["others_hit"] = used["other_voice"].astype(bool) & ~used["own"]
    counts = used.groupby(keys).agg(n_hit_sentences=("sent_id", "size"), n_own_hit_sentences=("own_hit", "sum"),
                                    n_others_hit_sentences=("others_hit", "sum"))
    rebuttals = hits.loc[hits["n_rebuttals"] > 0].groupby(keys).size().rename("n_rebuttal_sentences")
    out = grid.merge(counts.reset_index(), on=keys, how="left").merge(rebuttals.reset_index(), on=keys, how="left")
    for column in ("n_hit_sentences", "n_own_hit_sentences", "n_others_hit_sentences", "n_rebuttal_sentences"):
        out[column] = out[column].fillna(0).astype("int64")
    out["n_own_sentences"] = out["n_own_sentences"].astype("int64")
    out["share"] = out["n_hit_sentences"] / out["n_sentences"]
    out["present"] = (out["n_hit_sentences"] > 0).to_numpy(bool)
    out["own_share"] = (out["n_own_hit_sentences"] / out["n_own_sentences"].where(out["n_own_sentences"] > 0))
    n_others = out["n_sentences"] - out["n_own_sentences"]
    out["others_share"] = out["n_others_hit_sentences"] / n_others.where(n_others > 0)
    out["dominant"] = _dominant(out).to_numpy(bool)
    return as_table(out, "article_frames")


#: What ``frame_profiles`` can summarise per article: see the ``article_frames`` table.
PROFILE_MEASURES = ("present", "share", "own_share", "others_share", "dominant")


def frame_voices(hits: pd.DataFrame, articles: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """The ``frame_voices`` table: in each group, who voices each frame's cues and who rebuts them.

    One row per group, frame, voice and speaker type (``outlet`` for the outlet's own voice):
    ``n_sentences`` sentences with a cue in that voice, ``n_articles`` articles they come from,
    ``share`` of the frame's cue sentences in the group, and ``n_rebuttal_sentences`` in which that
    voice rejects the frame. Counts, not estimates: the profiles carry the intervals.
    """
    if by not in articles.columns:
        raise ValueError(f"by={by!r} is not a column of articles; allowed: outlet, outlet_type, leaning")
    h = hits.merge(articles[["doc_id", by]].rename(columns={by: "group"}), on="doc_id")
    parts = [h.loc[h["own_voice"] & ~h["rebuttal"]].assign(v="outlet", t="outlet", kind="use"),
             h.loc[h["other_voice"]].assign(v=h["other_voice_kind"], t=h["other_speaker_type"], kind="use"),
             h.loc[h["n_rebuttals"] > 0].assign(v=h["rebuttal_voice"], t=h["rebuttal_speaker_type"], kind="rebut")]
    long = pd.concat(parts, ignore_index=True)
    long["t"] = long["t"].where(long["v"] != "outlet", "outlet").replace("", "unknown")
    if long.empty:
        return as_table([], "frame_voices")
    keys = ["group", "codebook", "frame", "v", "t"]
    uses = long.loc[long["kind"] == "use"]
    out = uses.groupby(keys).agg(n_sentences=("sent_id", "size"), n_articles=("doc_id", "nunique")).reset_index()
    rebut = long.loc[long["kind"] == "rebut"].groupby(keys).size().rename("n_rebuttal_sentences").reset_index()
    out = out.merge(rebut, on=keys, how="outer")
    out[["n_sentences", "n_articles", "n_rebuttal_sentences"]] = out[
        ["n_sentences", "n_articles", "n_rebuttal_sentences"]].fillna(0).astype("int64")
    totals = out.groupby(["group", "codebook", "frame"])["n_sentences"].transform("sum")
    out["share"] = out["n_sentences"] / totals.where(totals > 0)
    out = out.rename(columns={"v": "voice", "t": "speaker_type"}).assign(group_var=by)
    return as_table(out.sort_values(["codebook", "frame", "group", "voice", "speaker_type"], ignore_index=True),
                  "frame_voices")


def frame_profiles(article_frames: pd.DataFrame, *, by: str,
                   value: Literal["present", "share", "own_share", "others_share", "dominant"] = "present",
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
    if value not in PROFILE_MEASURES:
        raise ValueError(f"value={value!r}; allowed: {', '.join(map(repr, PROFILE_MEASURES))}")
    if by not in article_frames.columns:
        raise ValueError(f"by={by!r} is not a column of article_frames; allowed: outlet, outlet_type, leaning")
    parts = []
    for (codebook, frame), sub in article_frames.groupby(["codebook", "frame"], sort=False):
        sub = sub.loc[sub[value].notna()]  # own_share of an article with no own sentence: nothing to average
        if sub.empty:
            continue
        scores = sub.assign(instrument=frame, instrument_version=codebook, **{value: sub[value].astype(float)})
        summary = contrasts.summarize_groups(scores, by=by, value=value, n_boot=n_boot, confidence=confidence,
                                           min_articles=min_articles, seed=seed, target=codebook)
        parts.append(summary.rename(columns={"instrument": "frame", "instrument_version": "codebook"})
                     .assign(measure=value))
    return as_table(pd.concat(parts, ignore_index=True) if parts else [], "frame_profiles")


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
    return as_table(out, "frame_evidence")

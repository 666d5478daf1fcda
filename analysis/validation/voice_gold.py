"""Voice attribution against hand-labelled frame cues (``data/gold/voice``).

The gold (see its README) gives, for 1,443 frame cues of the ``entity_list`` codebook in 118 AllSides
articles, whose voice the cue is in (the outlet's own, quoted, reported or attributed speech), the
speaker's source type, and whether the speaker uses the cue to reject the frame (scored against the
codebook matcher's rebuttal flag). It stores offsets and
hashes only; a sentence whose hash differs from the AllSides text stops the run.

:func:`voice_validity` runs :func:`analysis.text.voice.voice_spans` over the whole articles, looks up the
voice at each gold cue, and reports accuracy in the long format of ``framing_validation``. The
``all_outlet`` baseline is what the toolkit did before voices existed: every cue counted as the outlet's.
Rules were developed on ``dev``; ``test`` is what the README reports: since the sixth round, a fresh random draw
(the first five rounds' test was retired into ``dev``; the gold's ``round`` column says which round a row is from).
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.collect import datasets
from analysis.core import config, storage
from analysis.core.errors import AnalysisError
from analysis.core.study import Actor
from analysis.framing.dictionary import FrameMatcher
from analysis.text import prepare, voice
from analysis.validation import coverage_gold

DATASET = "hand_gold_voice"


def load_voice_gold(*, split: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(gold rows, the articles they come from with ``doc_id``, ``outlet``, ``text``)."""
    path = config.HAND_GOLD / "voice" / "voice.csv"
    gold = storage.read_csv(path, dtype=str, keep_default_na=False)
    gold[["sent_start", "sent_end"]] = gold[["sent_start", "sent_end"]].astype(int)
    if split is not None:
        gold = gold.loc[gold["split"] == split].reset_index(drop=True)
    corpus = datasets.load_allsides_ids(gold["allsides_id"], download=False).set_index("source_id")
    missing = sorted(set(gold["allsides_id"]) - set(corpus.index))
    if missing:
        raise AnalysisError(f"{path}: {len(missing)} articles are not in the AllSides dataset, e.g. {missing[0]}")
    text = corpus["text"]
    coverage_gold.verify_hashes(gold, text, path=path, start="sent_start", end="sent_end", what="sentence")
    ids = sorted(set(gold["allsides_id"]))
    articles = pd.DataFrame({"doc_id": ids, "outlet": corpus.loc[ids, "source_outlet"].to_numpy(),
                             "text": text.loc[ids].to_numpy()})
    return gold, articles


def cue_positions(gold: pd.DataFrame, articles: pd.DataFrame) -> list[int]:
    """Article offset of each gold row's cue: its first occurrence, as a whole word, in the labelled sentence."""
    text = articles.set_index("doc_id")["text"]
    positions = []
    for r in gold.itertuples(index=False):
        sentence = text[r.allsides_id][r.sent_start:r.sent_end]
        m = re.search(rf"(?<!\w){re.escape(r.cue)}", sentence, re.IGNORECASE)
        positions.append(r.sent_start + (m.start() if m else 0))
    return positions


def predict(gold: pd.DataFrame, articles: pd.DataFrame, *, actors: tuple[Actor, ...] = ()) -> pd.DataFrame:
    """The gold rows with the toolkit's ``voice_found``, ``speaker_found``, ``type_found``, ``scare_quoted``."""
    sentences = prepare.split_sentences(articles)
    spans = voice.voice_spans(articles, sentences, actors=actors)
    positions = cue_positions(gold, articles)
    found = voice.voice_at(spans, list(gold["allsides_id"]), positions)
    return gold.assign(voice_found=found["voice"].to_numpy(), speaker_found=found["speaker"].to_numpy(),
                       type_found=found["speaker_type"].to_numpy(), scare_quoted=found["scare_quoted"].to_numpy(),
                       rebuttal_found=_rebuttals(gold, articles, positions))


def _rebuttals(gold: pd.DataFrame, articles: pd.DataFrame, positions: list[int]) -> list[bool]:
    """Whether the codebook's matcher marks the gold cue (its frame's match at the cue) as a rebuttal."""
    matchers = {name: FrameMatcher(codebook=name).fit() for name in set(gold["codebook"])}
    text = articles.set_index("doc_id")["text"]
    out = []
    for r, pos in zip(gold.itertuples(index=False), positions):
        sentence = text[r.allsides_id][r.sent_start:r.sent_end]
        hits = [h for h in matchers[r.codebook].find_all(sentence) if h[0] == r.frame]
        at = pos - r.sent_start
        hit = min(hits, key=lambda h: abs(h[2] - at), default=None)
        out.append(bool(hit and hit[4]))
    return out


def _rows(split: str, instrument: str, metrics: dict[str, tuple[float, int]]) -> list[tuple]:
    return [(DATASET, split, instrument, metric, float(value), int(n)) for metric, (value, n) in metrics.items()]


def score(predicted: pd.DataFrame, *, split: str) -> list[tuple]:
    """Accuracy of the four voices, of own-versus-other, per gold voice, and of the speaker's source type."""
    gold, found = predicted["voice"], predicted["voice_found"]
    n = len(predicted)
    rows = _rows(split, "voice", {
        "accuracy": ((gold == found).mean() if n else float("nan"), n),
        "own_vs_other_accuracy": (((gold == "outlet") == (found == "outlet")).mean() if n else float("nan"), n)})
    rows += _rows(split, "voice_all_outlet_baseline", {
        "accuracy": ((gold == "outlet").mean() if n else float("nan"), n),
        "own_vs_other_accuracy": ((gold == "outlet").mean() if n else float("nan"), n)})
    for v in voice.VOICES:
        sub = predicted.loc[gold == v]
        rows += _rows(split, "voice", {f"recall_{v}": ((sub["voice_found"] == v).mean() if len(sub) else float("nan"),
                                                       len(sub))})
    if "rebuttal_found" in predicted:
        said, flagged = predicted["rebuttal"].eq("yes"), predicted["rebuttal_found"].astype(bool)
        hit = int((said & flagged).sum())
        rows += _rows(split, "rebuttals", {"precision": (hit / flagged.sum() if flagged.any() else float("nan"),
                                                         int(flagged.sum())),
                                           "recall": (hit / said.sum() if said.any() else float("nan"), int(said.sum()))})
    typed = predicted.loc[(gold != "outlet") & (found != "outlet")
                          & ~predicted["speaker_type"].isin(["", "unknown"])]
    rows += _rows(split, "voice_speaker_types", {
        "accuracy": ((typed["speaker_type"] == typed["type_found"]).mean() if len(typed) else float("nan"),
                     len(typed))})
    return rows


def voice_validity(*, actors: tuple[Actor, ...] = ()) -> pd.DataFrame:
    """The voice rows of ``framing_validation``: dev and test scored apart."""
    rows = []
    every, articles = load_voice_gold()  # the corpus is read once for both splits
    for split in ("dev", "test"):
        gold = every.loc[every["split"] == split].reset_index(drop=True)
        used = articles.loc[articles["doc_id"].isin(gold["allsides_id"])].reset_index(drop=True)
        rows += score(predict(gold, used, actors=actors), split=split)
    return pd.DataFrame(rows, columns=["dataset", "split", "instrument", "metric", "value", "n"])

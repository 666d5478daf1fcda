"""Whose voice each stretch of an article is in: the outlet's own, or someone it quotes or reports.

A frame cue, a loaded word or a sentiment score means something else when the
outlet says it than when it reports a foreign ministry saying it. This module
labels every stretch of text with one of four voices:

``quoted``
    between quote marks of any typography (an unclosed quote runs to its paragraph's
    end, see :mod:`analysis.text.quote_marks`) when a reader takes the marks as
    someone's words: spans of ``min_quote_words`` words or more, and shorter ones
    introduced by a speech or naming verb ("called the move 'gross interference'").
``reported``
    the content of a speech act: "X said (that) ...", "..., X said.", "..., said X, a ...",
    a headline "China says ...".
``attributed``
    a position with a source but no speech report: "according to X, ...",
    "..., according to X", "X argues / contends / maintains / criticized ...", and a stance
    taken by an act ("Trump has threatened more tariffs", "China pushed back at ...").
``outlet``
    everything else, including the attribution tags themselves ("X said").

Quoted stretches shorter than ``min_quote_words`` without such a verb are mentions or
scare quotes (``its "entity list"``, the "re-education" camps): they keep the voice around
them and are listed with voice ``scare_quote``, which the framing room reads as a cue used
to keep a frame at a distance. Speakers come from :mod:`analysis.text.attribution`, typed
by :mod:`analysis.text.source_types` or a study actor's ``source_type``; the reported and attributed
stretches from :mod:`analysis.text.reported`, built on the speech tags of :mod:`analysis.text.speech_tags`.

Tables: ``voice_spans`` (every non-outlet stretch, cut at sentence bounds) and
``sentence_voice`` (the outlet's when at least half of a sentence is its own words, else the largest
other voice). Hand-written rules because no shippable library labels reported speech; their accuracy
on hand-labelled AllSides sentences (``data/gold/voice``) is in ``reports/validation``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.core import tables
from analysis.core.study import Actor
from analysis.text import attribution as att
from analysis.text import positions, reported
from analysis.text.quote_marks import all_quote_spans
from analysis.text.speakers import ArticleSpeakers, read_articles

VOICES = ("outlet", "quoted", "reported", "attributed")
SPAN_VOICES = ("quoted", "reported", "attributed", "scare_quote")

# Verbs that make a short quoted span someone's words rather than a mention of a term.
_NAMING = re.compile(r"(?:\b(?:called|calls|calling|dubbed|dubs|labell?ed|branded|brands|termed|terms|decried|denounced"
                     r"|condemned|slammed|blasted|described|describes|describing|characteri[sz]ed|criticized|said|says"
                     r"|saying|urged|warned|vowed|accused|accusing|claim|claims|claimed|as)\b[^.;:!?\"“”]{0,50}"
                     r"|[:,]\s*)$")

# A quoted name rather than words: every word capitalised but short function words ("Hong Kong Human Rights
# and Democracy Act", "Total Cost of Goods Sold").
_TITLE_WORD = r"(?:[A-Z][\w'’&.-]*|of|and|the|for|on|in|to|a|an|at|by|with|[\d$][\w.,$%-]*)"
_TITLE = re.compile(rf"^[A-Z][\w'’&.-]*(?:\s+{_TITLE_WORD})+[.,]?$")


def _quoted(text: str, reader: ArticleSpeakers, min_quote_words: int) -> tuple[list[tuple], list[tuple]]:
    """(quoted stretches, scare-quoted stretches) as (start, end, speaker, source_type, cue) tuples."""
    spans = [(o, c, o + 1, c, " ".join(text[o + 1:c].split()), conts) for o, c, conts in all_quote_spans(text)]
    quoted, scare = [], []
    for (o, c, s, e, body, _), row in zip(spans, reader.quotes(spans)):
        speaker, cue, source_type = row[6], row[7], row[9]
        n_words = len(att.WORD.findall(body))
        line_start = text.rfind("\n", 0, o) + 1
        lead = reader.masked[max(line_start, o - 80):o]
        if _TITLE.match(body):  # a name in quote marks: a bill, a book, a category of a filing
            scare.append((s, e, "", "", ""))
        elif n_words >= min_quote_words or _NAMING.search(lead):
            quoted.append((s, e, speaker, source_type, cue))
        elif n_words:
            scare.append((s, e, "", "", ""))
    return quoted, scare


def article_voices(reader: ArticleSpeakers, *,
                   min_quote_words: int = 3) -> list[tuple[int, int, str, str, str, str]]:
    """(start, end, voice, speaker, source_type, cue) of every non-outlet stretch of one article, by start."""
    quoted, scare = _quoted(reader.text, reader, min_quote_words)
    for s, e, poster in positions.embedded_posts(reader.text):
        speaker, cue, source_type, _ = reader.resolve((poster, "", "posted"), e)
        quoted.append((s, e, speaker, source_type, cue))
    rows = [(s, e, "quoted", sp, st, cue) for s, e, sp, st, cue in quoted]
    rows += [(s, e, voice, sp, st, cue) for s, e, sp, st, cue, voice in reported.voiced_stretches(reader, quoted)]
    rows += [(s, e, "scare_quote", "", "", "") for s, e, *_ in scare]
    return sorted(rows)


def voice_spans(articles: pd.DataFrame, sentences: pd.DataFrame, *, actors: Sequence[Actor] = (),
                min_quote_words: int = 3) -> pd.DataFrame:
    """The ``voice_spans`` table: each non-outlet stretch of every article, cut at sentence bounds."""
    if min_quote_words < 1:
        raise ValueError(f"min_quote_words must be at least 1, got {min_quote_words}")
    rows = []
    for doc, outlet, text, reader in read_articles(articles, sentences, actors=actors):
        doc_sents = reader.sents
        if not len(doc_sents):
            continue
        for s, e, voice, speaker, source_type, cue in article_voices(reader, min_quote_words=min_quote_words):
            first = max(int(np.searchsorted(doc_sents[:, 1], s, "right")) - 1, 0)
            for sent_id, a, b in doc_sents[first:]:
                if a >= e:
                    break
                lo, hi = max(s, int(a)), min(e, int(b))
                if hi > lo and text[lo:hi].strip():
                    rows.append((doc, int(sent_id), outlet, lo, hi, voice, speaker, source_type or "unknown", cue))
    return tables.from_rows(rows, "voice_spans").drop_duplicates(["doc_id", "sent_id", "start"], ignore_index=True)


def voice_at(spans: pd.DataFrame, doc_ids: Sequence[str], positions: Sequence[int]) -> pd.DataFrame:
    """Voice, speaker and source type at each (doc_id, article offset); ``outlet`` where no span covers it.

    Scare quotes are not a voice: a position inside one gets the voice around it, and
    ``scare_quoted`` says it sits between scare quotes. Where a quote lies inside reported
    speech, the quote wins.
    """
    n = len(doc_ids)
    voice, speaker, source_type = ["outlet"] * n, [""] * n, [""] * n
    scare = np.zeros(n, dtype=bool)
    by_doc = _by_doc(spans)
    for i, (doc, pos) in enumerate(zip(doc_ids, positions)):
        if doc not in by_doc:
            continue
        starts, ends, voices, speakers, types = by_doc[doc]
        for j in np.flatnonzero((starts <= pos) & (pos < ends)):
            if voices[j] == "scare_quote":
                scare[i] = True
            elif voice[i] == "outlet" or voices[j] == "quoted":
                voice[i], speaker[i], source_type[i] = voices[j], speakers[j], types[j]
    return pd.DataFrame({"voice": voice, "speaker": speaker, "speaker_type": source_type, "scare_quoted": scare})


def _by_doc(spans: pd.DataFrame) -> dict[str, tuple[np.ndarray, ...]]:
    """Each article's span columns (start, end, voice, speaker, speaker_type) in table order: slices of the columns
    in one stable order by article, as ``groupby("doc_id", sort=False)`` gives them (one frame per article there,
    a tenth of the frame cues' time)."""
    codes, docs = pd.factorize(spans["doc_id"])  # in order of first appearance; a missing doc_id is -1, left out
    order = np.argsort(codes, kind="stable")
    order = order[codes[order] >= 0]
    columns = [spans[c].to_numpy()[order] for c in ("start", "end", "voice", "speaker", "speaker_type")]
    cuts = np.searchsorted(codes[order], np.arange(len(docs) + 1))
    return {doc: tuple(c[a:b] for c in columns) for doc, a, b in zip(docs, cuts[:-1], cuts[1:])}


def sentence_voice(spans: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """The ``sentence_voice`` table: the outlet's voice when at least half the characters are, else the
    largest other voice; and the outlet share."""
    sent = sentences[["doc_id", "sent_id", "outlet", "start", "end"]]
    length = (sent["end"] - sent["start"]).clip(lower=1)
    voiced = spans.loc[spans["voice"] != "scare_quote"].assign(chars=lambda d: d["end"] - d["start"])
    by_voice = voiced.groupby(["doc_id", "sent_id", "voice"], as_index=False)["chars"].sum()
    top = (by_voice.sort_values(["doc_id", "sent_id", "chars"], ascending=[True, True, False])
           .drop_duplicates(["doc_id", "sent_id"]))
    speakers = (voiced.sort_values("chars", ascending=False).drop_duplicates(["doc_id", "sent_id", "voice"])
                [["doc_id", "sent_id", "voice", "speaker", "speaker_type"]])
    top = top.merge(speakers, on=["doc_id", "sent_id", "voice"], how="left")
    out = sent.assign(length=length.to_numpy()).merge(top, on=["doc_id", "sent_id"], how="left")
    other = voiced.groupby(["doc_id", "sent_id"])["chars"].sum().rename("other_chars").reset_index()
    out = out.merge(other, on=["doc_id", "sent_id"], how="left")
    other_chars = out["other_chars"].fillna(0).clip(upper=out["length"])
    out["outlet_share"] = 1 - other_chars / out["length"]
    own = out["voice"].isna() | (out["outlet_share"] >= 0.5)  # "mostly" others' words: over half of it
    out.loc[own, ["voice", "speaker", "speaker_type"]] = ["outlet", "", ""]
    out = out[["doc_id", "sent_id", "outlet", "voice", "speaker", "speaker_type", "outlet_share"]]
    return tables.from_rows(list(out.itertuples(index=False, name=None)), "sentence_voice")

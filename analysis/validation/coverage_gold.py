"""Provenance measures against the hand-made gold standard on real multi-outlet coverage (``data/gold/``).

The gold (``data/gold/provenance``, annotated for this toolkit; see its README) marks, in 61 AllSides articles
of ten same-event clusters split into ``dev`` and ``test``: every quote with its speaker and source type, the
wire agencies each text credits, and every pair of articles sharing a passage of ten or more words, judged
as copying or as a shared quotation. It stores offsets and hashes only; the text is read from the AllSides
dataset, and a span whose hash differs stops the run (the dataset changed under the gold).

:func:`provenance_validity` scores the toolkit's quote extraction, speaker attribution, source typing,
wire credits and reuse pairs on it, in the long format of the other validation tables
(``dataset, split, instrument, metric, value, n``). Rules may be developed on ``dev``; ``test`` is what the
README reports.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd

from analysis.collect import datasets
from analysis.core import config, storage
from analysis.core.errors import AnalysisError
from analysis.core.study import Actor
from analysis.provenance import quotes, reuse, wire
from analysis.text import characters, clean, prepare

DATASET = "hand_gold_provenance"
MARKED_KINDS = ("direct", "partial")  # quotes between quote marks; "reported" speech has none
# A detected quote and a gold quote are one when their character spans overlap by at least this share of
# their union: a quote the page cut off, or one detected with its attribution tail, still counts.
MIN_OVERLAP = 0.5
_TITLE = re.compile(r"^(?:the|mr\.?|mrs\.?|ms\.?|dr\.?|sen\.?|rep\.?|president|secretary|minister|spokes\w+|"
                    r"prime minister|premier|commerce|foreign)\s+", re.IGNORECASE)


def verify_hashes(rows: pd.DataFrame, texts: pd.Series, *, path, start: str = "start", end: str = "end",
                  what: str = "span") -> None:
    """Stop if any labelled span of ``rows`` (``allsides_id``, offsets, ``text_sha1``) no longer hashes as recorded."""
    for doc, a, b, sha in zip(rows["allsides_id"], rows[start], rows[end], rows["text_sha1"]):
        if hashlib.sha1(texts[doc][a:b].encode("utf-8")).hexdigest()[:12] != sha:
            raise AnalysisError(f"{path}: the {what} {a}-{b} of {doc} no longer has its recorded hash; the AllSides "
                                "file differs from the annotated one")


def _folder():
    return config.HAND_GOLD / "provenance"


def load_gold(*, split: str | None = None) -> dict[str, pd.DataFrame]:
    """The gold tables (``articles`` with their ``text``, ``quotes``, ``scare_quotes``, ``reuse_pairs``), and
    ``wire_articles``: the articles labelled for their wire credits only, with their text."""
    folder = _folder()
    gold = {name: storage.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
            for name in ("articles", "quotes", "scare_quotes", "reuse_pairs")}
    wire_file = folder / "wire_credits.csv"
    wire_ids = storage.read_csv(wire_file, dtype=str, keep_default_na=False)["allsides_id"] if wire_file.exists() \
        else pd.Series([], dtype=str)
    corpus = datasets.load_allsides_ids([*gold["articles"]["allsides_id"], *wire_ids],
                                        download=False).set_index("source_id")
    missing = sorted(set(gold["articles"]["allsides_id"]) - set(corpus.index))
    if missing:
        raise AnalysisError(f"{folder / 'articles.csv'}: {len(missing)} articles are not in the AllSides dataset, "
                            f"e.g. {missing[0]}")
    articles = gold["articles"].join(corpus[["text", "author", "url"]], on="allsides_id")
    text = articles.set_index("allsides_id")["text"]
    for name in ("quotes", "scare_quotes"):
        df = gold[name]
        df[["start", "end"]] = df[["start", "end"]].astype(int)
        verify_hashes(df, text, path=folder / f"{name}.csv")
    gold["articles"] = articles
    gold["wire_articles"] = _wire_articles(folder, corpus, set(articles["allsides_id"]))
    if split is not None:
        keep = set(articles.loc[articles["split"] == split, "allsides_id"])
        keep |= set(gold["wire_articles"].loc[gold["wire_articles"]["split"] == split, "allsides_id"])
        gold = {name: df.loc[df[df.columns[0]].isin(keep)].reset_index(drop=True) for name, df in gold.items()}
    return gold


def _wire_articles(folder, corpus: pd.DataFrame, annotated: set[str]) -> pd.DataFrame:
    """``wire_credits.csv``: articles labelled for their wire credits only, one row each with the agencies joined.

    They widen the wire-credit check beyond the fully annotated articles (see the gold's README); an article
    is in one file or the other, never both, so the union counts each once."""
    path = folder / "wire_credits.csv"
    columns = ["allsides_id", "split", "outlet", "date_iso", "wire_credits", "text", "author", "url"]
    if not path.exists():
        return pd.DataFrame(columns=columns)
    rows = storage.read_csv(path, dtype=str, keep_default_na=False)
    rows[["start", "end"]] = rows[["start", "end"]].astype(int)
    missing = sorted(set(rows["allsides_id"]) - set(corpus.index))
    if missing:
        raise AnalysisError(f"{path}: {len(missing)} articles are not in the AllSides dataset, e.g. {missing[0]}")
    twice = sorted(set(rows["allsides_id"]) & annotated)
    if twice:
        raise AnalysisError(f"{path}: {twice[0]} is already in articles.csv; label its credits there")
    verify_hashes(rows, corpus["text"], path=path, what="evidence span")
    per_article = rows.groupby("allsides_id", sort=True).agg(
        split=("split", "first"), outlet=("outlet", "first"), date_iso=("date_iso", "first"),
        wire_credits=("agency", lambda a: ";".join(sorted({x for x in a if x}))))
    return per_article.join(corpus[["text", "author", "url"]]).reset_index()[columns]


def _study_articles(articles: pd.DataFrame) -> pd.DataFrame:
    """The gold articles as the provenance measures take them (one article, one doc_id)."""
    dated = articles["date_iso"].str.len() > 0
    return pd.DataFrame({
        "doc_id": articles["allsides_id"], "outlet": articles["outlet"], "text": articles["text"],
        "title": "", "author": articles["author"].where(articles["author"].str.len() > 0, None),
        "published": pd.to_datetime(articles["date_iso"].where(dated, None), utc=True),
        "date_precision": dated.map({True: "day", False: ""}),
    }).reset_index(drop=True)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return max(0, inter) / (max(a[1], b[1]) - min(a[0], b[0]))


def match_spans(gold: pd.DataFrame, found: pd.DataFrame, *, min_overlap: float = MIN_OVERLAP) -> list[tuple[int, int]]:
    """(gold row, found row) pairs, one-to-one, best overlap first, within each article."""
    pairs = []
    for doc, g in gold.groupby("allsides_id"):
        f = found.loc[found["doc_id"] == doc]
        scored = sorted(((_overlap((gs, ge), (fs, fe)), gi, fi)
                         for gi, gs, ge in zip(g.index, g["start"], g["end"])
                         for fi, fs, fe in zip(f.index, f["start"], f["end"])), reverse=True)
        used_g, used_f = set(), set()
        for score, gi, fi in scored:
            if score < min_overlap:
                break
            if gi not in used_g and fi not in used_f:
                used_g.add(gi)
                used_f.add(fi)
                pairs.append((gi, fi))
    return pairs


def same_speaker(gold: str, found: str) -> bool:
    """Whether a detected speaker names the gold one: equal after titles, or sharing the surname or head noun."""
    g, f = (_TITLE.sub("", " ".join(x.casefold().replace("’", "'").split())).strip(" .,") for x in (gold, found))
    if not g or not f:
        return False
    if g == f or g in f or f in g:
        return True
    g_last, f_last = g.split()[-1].removesuffix("'s"), f.split()[-1].removesuffix("'s")
    return len(g_last) > 2 and g_last == f_last


def _prf(tp: int, n_found: int, n_gold: int) -> dict[str, tuple[float, int]]:
    p = tp / n_found if n_found else float("nan")
    r = tp / n_gold if n_gold else float("nan")
    f1 = 2 * p * r / (p + r) if n_found and n_gold and (p + r) else float("nan")
    return {"precision": (p, n_found), "recall": (r, n_gold), "f1": (f1, n_gold)}


def _rows(split: str, instrument: str, metrics: dict[str, tuple[float, int]]) -> list[tuple]:
    return [(DATASET, split, instrument, metric, float(value), int(n)) for metric, (value, n) in metrics.items()]


def score_quotes(gold: dict[str, pd.DataFrame], *, split: str, actors: tuple[Actor, ...] = ()) -> list[tuple]:
    articles = _study_articles(gold["articles"])
    sentences = prepare.split_sentences(articles)
    every_found = quotes.extract_quotes(articles, sentences, actors=actors).reset_index(drop=True)
    found = every_found.loc[every_found["kind"] != "reported"]
    marked = gold["quotes"].loc[gold["quotes"]["kind"].isin(MARKED_KINDS)]
    pairs = match_spans(marked, found)
    rows = _rows(split, "quotes", _prf(len(pairs), len(found), len(marked)))
    everything = match_spans(gold["quotes"], every_found)
    rows += _rows(split, "quotes", {"recall_with_reported_speech": (len(everything) / max(1, len(gold["quotes"])),
                                                                    len(gold["quotes"]))})
    # Reported speech is the gold's least complete layer (its README): precision here is a lower bound.
    told = gold["quotes"].loc[~gold["quotes"]["kind"].isin(MARKED_KINDS)]
    reports = every_found.loc[every_found["kind"] == "reported"]
    reported_pairs = match_spans(told, reports)
    rows += _rows(split, "reported_speech", _prf(len(reported_pairs), len(reports), len(told)))
    right = sum(same_speaker(told.loc[g, "speaker"], reports.loc[f, "speaker"]) for g, f in reported_pairs
                if told.loc[g, "speaker"])
    n = sum(bool(told.loc[g, "speaker"]) for g, _ in reported_pairs)
    rows += _rows(split, "reported_speech_speakers", {"accuracy": (right / max(1, n), n)})
    with_speaker = [(g, f) for g, f in pairs if marked.loc[g, "speaker"]]
    right = sum(same_speaker(marked.loc[g, "speaker"], found.loc[f, "speaker"]) for g, f in with_speaker)
    rows += _rows(split, "quote_speakers", {"accuracy": (right / max(1, len(with_speaker)), len(with_speaker))})
    typed = [(g, f) for g, f in pairs if marked.loc[g, "speaker_type"] not in ("", "unknown")]
    right = sum(marked.loc[g, "speaker_type"] == found.loc[f, "source_type"] for g, f in typed)
    rows += _rows(split, "quote_source_types", {"accuracy": (right / max(1, len(typed)), len(typed))})
    scare = match_spans(gold["scare_quotes"], found)
    rows += _rows(split, "quotes", {"scare_quotes_taken_for_quotes": (len(scare) / max(1, len(gold["scare_quotes"])),
                                                                      len(gold["scare_quotes"]))})
    return rows


def score_wire(gold: dict[str, pd.DataFrame], *, split: str) -> list[tuple]:
    """Per article: is the credited agency one the gold lists (precision), and is one found where the gold has any.

    Scored over every article labelled for credits: the fully annotated ones (``articles.csv``) and those
    labelled for credits only (``wire_credits.csv``). The gold counts citations of an agency ("according to
    AFP", "Bloomberg reported") as credits, and so does the toolkit, after datelines, credit lines, bylines and
    contribution lines.
    """
    labelled = pd.concat([gold["articles"], gold.get("wire_articles", gold["articles"].iloc[:0])], ignore_index=True)
    articles = _study_articles(labelled)
    detected = wire.article_wire(articles).set_index("doc_id")["wire_agency"]
    expected = labelled.set_index("allsides_id")["wire_credits"].map(
        lambda s: {_canonical_agency(a) for a in s.split(";") if a.strip()})
    found = {d: a for d, a in detected.items() if a}
    right = sum(a in expected[d] for d, a in found.items())
    credited = [d for d, agencies in expected.items() if agencies]
    hit = sum(found.get(d, "") in expected[d] for d in credited)
    return _rows(split, "wire_credits", {"precision": (right / max(1, len(found)), len(found)),
                                         "recall": (hit / max(1, len(credited)), len(credited))})


_AGENCY_NAMES = {form.casefold(): name for name, forms in wire.WIRE_AGENCIES.items() for form in forms}


def _canonical_agency(name: str) -> str:
    """The toolkit's name for an agency the gold spells its own way ("Associated Press" -> "AP", "Tass" -> "TASS")."""
    name = name.strip()
    return _AGENCY_NAMES.get(name.casefold(), name)


def score_reuse(gold: dict[str, pd.DataFrame], *, split: str) -> list[tuple]:
    """Copy pairs found against the gold's copy pairs; shared quotations taken for copying are errors."""
    articles = _study_articles(gold["articles"])
    pairs, _ = reuse.find_reuse(articles)
    relation = pairs["relation"] if "relation" in pairs else pd.Series("copy", index=pairs.index)
    copies = {tuple(sorted(p)) for p, rel in zip(zip(pairs["doc_a"], pairs["doc_b"]), relation) if rel == "copy"}
    labelled = gold["reuse_pairs"]
    gold_pairs = {tuple(sorted(p)): rel for p, rel in zip(zip(labelled["allsides_id_a"], labelled["allsides_id_b"]),
                                                          labelled["relation"])}
    truth = {p for p, rel in gold_pairs.items() if rel == "copy"}
    quoted = {p for p, rel in gold_pairs.items() if rel == "shared_quote"}
    rows = _rows(split, "reuse_pairs", _prf(len(copies & truth), len(copies), len(truth)))
    rows += _rows(split, "reuse_pairs", {"shared_quotes_taken_for_copying": (len(copies & quoted) / max(1, len(quoted)),
                                                                             len(quoted))})
    return rows


def load_furniture_gold(*, split: str | None = None) -> pd.DataFrame:
    """``data/gold/furniture/lines.csv`` (every line of 62 AllSides articles labelled prose or furniture) with text."""
    path = config.HAND_GOLD / "furniture" / "lines.csv"
    lines = storage.read_csv(path, dtype=str, keep_default_na=False)
    lines[["start", "end"]] = lines[["start", "end"]].astype(int)
    if split is not None:
        lines = lines.loc[lines["split"] == split].reset_index(drop=True)
    corpus = datasets.load_allsides_ids(lines["allsides_id"], download=False).set_index("source_id")
    texts = corpus.loc[lines["allsides_id"].unique(), ["text", "source_outlet"]]
    verify_hashes(lines, texts["text"], path=path, what="line")
    return lines.join(texts, on="allsides_id")


def score_furniture(lines: pd.DataFrame, *, split: str) -> list[tuple]:
    """The clean stage on the gold's articles: is each furniture line removed, and each prose line kept?"""
    articles = lines.drop_duplicates("allsides_id")
    frame = pd.DataFrame({"doc_id": articles["allsides_id"], "outlet": articles["source_outlet"],
                          "text": articles["text"], "title": ""})
    cleaned, _ = clean.clean_articles(frame)
    kept = {d: {" ".join(line.split()) for line in t.split("\n")} for d, t in zip(cleaned["doc_id"], cleaned["text"])}
    removed = [" ".join(characters.normalise_characters(t[s:e]).split()) not in kept[d]
               for d, t, s, e in zip(lines["allsides_id"], lines["text"], lines["start"], lines["end"])]
    is_furniture = (lines["label"] == "furniture").to_numpy()
    tp = int(sum(r and f for r, f in zip(removed, is_furniture)))
    return _rows(split, "clean_furniture", _prf(tp, int(sum(removed)), int(is_furniture.sum())))


def provenance_validity(*, splits: tuple[str, ...] = ("dev", "test"), actors: tuple[Actor, ...] = ()) -> pd.DataFrame:
    """Every provenance measure on the hand-made gold, one row per split, instrument and metric (with the
    clean stage's removal of page furniture, scored on ``data/gold/furniture``)."""
    rows = []
    for split in splits:
        gold = load_gold(split=split)
        rows += score_quotes(gold, split=split, actors=actors)
        rows += score_wire(gold, split=split)
        rows += score_reuse(gold, split=split)
        rows += score_furniture(load_furniture_gold(split=split), split=split)
    return pd.DataFrame(rows, columns=["dataset", "split", "instrument", "metric", "value", "n"])


def summary_markdown(table: pd.DataFrame) -> str:
    lines = ["| split | instrument | metric | value | n |", "|---|---|---|---|---|"]
    lines += [f"| {r.split} | {r.instrument} | {r.metric} | {r.value:.3f} | {r.n:,} |" for r in table.itertuples()]
    return "\n".join(lines) + "\n"

"""Human-labelled data for the framing measures: loaders (the catalog entries are in analysis.core.catalog).

Kept apart from :mod:`analysis.collect.datasets` (whose registry these join) so each
module stays readable. None of these has a public download the toolkit can
rebuild from, so they resolve from the data home or a mirror only.
"""

from __future__ import annotations

import ast
import json

import pandas as pd

from analysis.collect.datasets import locate
from analysis.core import storage

NARRATIVE_FRAMES = {"RE": "resolution", "HI": "human_interest", "CO": "conflict", "MO": "moral", "EC": "economic"}


def load_narrative_frames(*, download: bool = False) -> pd.DataFrame:
    """427 labelled climate articles (of 428; one has no labels): ``doc_id``, ``outlet`` (source string lower-cased, spaces removed, so
    'The Huffington Post' and 'thehuffingtonpost' are one outlet), ``mbfc``, ``published``, ``text`` and
    one bool column per frame (``resolution``, ``human_interest``, ``conflict``, ``moral``, ``economic``).
    """
    path = locate("narrative_frames", "articles", download=download)
    df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    out = pd.DataFrame({
        "doc_id": df["ID"].str.strip(),
        "outlet": df["source"].str.lower().str.replace(r"[^a-z0-9]", "", regex=True),
        "mbfc": df["mbfc"],
        "published": pd.to_datetime(df["date"], errors="coerce"),
        "text": df["text"],
    })
    # Article 405's text swallows its label columns (all blank): it has no labels and is left out.
    unlabelled = (df[list(NARRATIVE_FRAMES)] == "").all(axis=1)
    for code, frame in NARRATIVE_FRAMES.items():
        # One row reads "False)": the value is the word, whatever punctuation trails it.
        values = df[code].str.extract(r"^\s*(True|False)", expand=False)
        bad = values.isna() & ~unlabelled
        if bad.any():
            raise ValueError(f"{path}: column {code} is neither True nor False for IDs {df.loc[bad, 'ID'].tolist()[:5]}")
        out[frame] = values.eq("True").to_numpy(bool)
    return out.loc[~unlabelled.to_numpy()].reset_index(drop=True)


def load_babe(split: str = "sg2", *, download: bool = False) -> pd.DataFrame:
    """BABE / MBIC sentences: ``text``, ``news_link`` (the source article: the resampling cluster), ``outlet``, ``topic``, ``leaning`` (left/center/right or ''),
    ``label`` (1 biased, 0 non-biased; 'No agreement' rows dropped), ``biased_words`` (list of str)."""
    if split not in ("sg1", "sg2", "mbic"):
        raise ValueError(f"split={split!r}; allowed: sg1, sg2, mbic")
    path = locate("babe", split, download=download)
    df = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df = df.loc[df["label_bias"].isin(["Biased", "Non-biased"])]
    words = [ast.literal_eval(w) if w.strip().startswith("[") else [] for w in df["biased_words"]]
    # 32 SG2 rows have no link: each is its own article rather than one pooled cluster.
    links = df["news_link"].where(df["news_link"].str.strip() != "", "no-link:" + df.index.astype(str))
    return pd.DataFrame({"text": df["text"].to_numpy(), "news_link": links.to_numpy(),
                         "outlet": df["outlet"].to_numpy(),
                         "topic": df["topic"].to_numpy(), "leaning": df["type"].to_numpy(),
                         "label": (df["label_bias"] == "Biased").astype("int64").to_numpy(),
                         "biased_words": words})


def load_word_list(dataset: str, file: str, *, download: bool = False) -> list[str]:
    """A plain word list (one entry per line, ``#`` comments and blank lines skipped), lower-cased, in order."""
    path = locate(dataset, file, download=download)
    words = []
    for line in storage.read_text(path, encoding="utf-8-sig").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line.lower())
    return list(dict.fromkeys(words))


def load_policy_frames(*, download: bool = False) -> dict[str, str]:
    """The 15 Media Frames Corpus policy frames (plus 'Other'): code ('1.0') -> name, primary codes only."""
    codes = json.loads(storage.read_text(locate("policy_frames", "codes", download=download)))
    return {c: name for c, name in codes.items() if c.endswith(".0")}


def vader_lexicon() -> dict[str, float]:
    """VADER's word -> mean valence lexicon, as the vaderSentiment package ships it (no download).

    For the framing room, which keeps evaluative words and must not import the sentiment room.
    """
    text = storage.package_text("vaderSentiment", "vader_lexicon.txt")
    return {word: float(measure) for word, measure, *_ in (line.split("\t") for line in text.splitlines() if line)}

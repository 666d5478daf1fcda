"""How well does extraction recover the article body? Measured on the Zyte benchmark.

The check behind issue 3's "What it must show": every extraction instrument
runs on the 181 real pages of the Scrapinghub/Zyte article-extraction
benchmark and its output is compared with the human-annotated article body
(:func:`token_prf`). Results are a long table (``dataset``, ``split``,
``instrument``, ``metric``, ``value``, ``n``) with mean precision, recall
and F1 over pages, for all pages and for the pages with repeated
boilerplate, where cleaning should help most.

Instruments
    A per-page instrument is any ``html bytes -> text`` callable. An
    instrument that needs the whole corpus (cross-article boilerplate removal
    must see the outlet's other articles) is marked with
    :func:`corpus_instrument` and receives the pages table (with a ``site``
    column added) and returns one text per row. Adding an instrument is one
    line: ``INSTRUMENTS["toolkit extract + clean"] = fn``.

Reproduce: ``python -m analysis.validation.extraction_gold`` prints the table;
``--out FILE.csv`` also writes it.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import trafilatura

from analysis.collect import datasets
from analysis.collect.extract import decode_html, extract_article
from analysis.core import storage
from analysis.text.clean import clean_articles

DATASET = "extraction_benchmark"
METRICS = ("precision", "recall", "f1")
COLUMNS = ["dataset", "split", "instrument", "metric", "value", "n"]

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokenize(text: str | None) -> list[str]:
    """Lowercase word tokens: maximal runs of Unicode word characters (``\\w+``)."""
    return _TOKEN.findall((text or "").lower())


def _bag(text: str | None, ngram: int) -> Counter:
    tokens = tokenize(text)
    if ngram == 1:
        return Counter(tokens)
    return Counter(" ".join(tokens[i:i + ngram]) for i in range(max(1, len(tokens) - ngram + 1)) if tokens)


def token_prf(predicted: str, gold: str, *, ngram: int = 1) -> tuple[float, float, float]:
    """Token-level precision, recall and F1 of ``predicted`` against ``gold``.

    Definition (bag-of-tokens overlap): both texts become multisets of
    lowercase ``\\w+`` tokens; matched = sum over tokens of
    ``min(count_pred, count_gold)``; precision = matched / predicted tokens,
    recall = matched / gold tokens, F1 their harmonic mean. Order is ignored,
    so a paragraph moved elsewhere costs nothing and a repeated block costs
    precision once per extra copy. With ``ngram=4`` the tokens are 4-token
    shingles, as in the benchmark's own ``evaluate.py`` (which is
    case-sensitive and pools TP/FP/FN over pages instead of averaging them).

    Both empty counts as perfect (1, 1, 1); exactly one empty as (0, 0, 0),
    so an extraction failure counts against every metric.
    """
    if ngram < 1:
        raise ValueError(f"ngram must be >= 1, got {ngram}")
    pred, ref = _bag(predicted, ngram), _bag(gold, ngram)
    n_pred, n_ref = sum(pred.values()), sum(ref.values())
    if n_pred == 0 and n_ref == 0:
        return 1.0, 1.0, 1.0
    if n_pred == 0 or n_ref == 0:
        return 0.0, 0.0, 0.0
    matched = sum((pred & ref).values())
    precision, recall = matched / n_pred, matched / n_ref
    f1 = 2 * precision * recall / (precision + recall) if matched else 0.0
    return precision, recall, f1


def site_of(url: str | None) -> str:
    """Host without ``www.``: pages of one site share templates and therefore boilerplate."""
    host = (urlsplit(url or "").hostname or "").lower()
    return host.removeprefix("www.") or "unknown"


def _paragraph_key(line: str) -> str:
    return " ".join(tokenize(line))


def boilerplate_pages(texts: Sequence[str], sites: Sequence[str], *, min_tokens: int = 3) -> list[bool]:
    """Which pages show repeated boilerplate in a reference extractor's output.

    A paragraph is one non-empty line of the text, compared as its lowercase
    word tokens; paragraphs under ``min_tokens`` tokens (datelines, "Share")
    are ignored. A page is in the boilerplate split when one of its paragraphs
    appears in at least two pages of the same site, or twice within the page.
    This is the case cross-article cleaning targets (a site's "subscribe"
    block in every article), so the split is where cleaning should beat the
    plain extractor.
    """
    per_page = []
    for text in texts:
        keys = [k for k in (_paragraph_key(line) for line in (text or "").splitlines()) if len(k.split()) >= min_tokens]
        per_page.append(keys)
    pages_with: Counter = Counter()
    for site, keys in zip(sites, per_page):
        for key in set(keys):
            pages_with[(site, key)] += 1
    return [
        len(keys) != len(set(keys)) or any(pages_with[(site, key)] >= 2 for key in keys)
        for site, keys in zip(sites, per_page)
    ]


def corpus_instrument(fn: Callable[[pd.DataFrame], Sequence[str]]) -> Callable[[pd.DataFrame], Sequence[str]]:
    """Mark ``fn(pages) -> texts`` as needing the whole corpus rather than one page."""
    fn.corpus_level = True  # type: ignore[attr-defined]
    return fn


def trafilatura_default(html: bytes) -> str:
    """trafilatura's own output with every default: the baseline the toolkit must not fall below."""
    return trafilatura.extract(html) or ""


def toolkit_extract(html: bytes) -> str:
    """What collection stores: :func:`decode_html` then :func:`extract_article`."""
    text, _ = decode_html(html)
    return extract_article(text)["text"]


@corpus_instrument
def toolkit_extract_clean(pages: pd.DataFrame) -> list[str]:
    """What the study tables hold: extraction, then cleaning with each site as an outlet.

    Boilerplate removal compares an outlet's articles with each other, so it
    sees the whole benchmark, grouped by site, as a study would.
    """

    ids = [f"page{i:04d}" for i in range(len(pages))]
    articles = pd.DataFrame({"doc_id": ids, "outlet": pages["site"].tolist(), "title": "",
                             "text": [toolkit_extract(h) for h in pages["html"]]})
    cleaned, _ = clean_articles(articles)
    return cleaned.set_index("doc_id").loc[ids, "text"].tolist()


Instrument = Callable[[bytes], str] | Callable[[pd.DataFrame], Sequence[str]]

INSTRUMENTS: dict[str, Instrument] = {
    "trafilatura default": trafilatura_default,
    "toolkit extract": toolkit_extract,
    "toolkit extract + clean": toolkit_extract_clean,
}
BASELINE = "trafilatura default"


def _run(instrument: Instrument, pages: pd.DataFrame) -> list[str]:
    if getattr(instrument, "corpus_level", False):
        texts = list(instrument(pages))
        if len(texts) != len(pages):
            raise ValueError(f"corpus instrument returned {len(texts)} texts for {len(pages)} pages")
        return ["" if t is None else str(t) for t in texts]
    return [instrument(html) or "" for html in pages["html"]]


def validate_extraction(pages: pd.DataFrame, *, instruments: Mapping[str, Instrument] | None = None,
                        dataset: str = DATASET, min_tokens: int = 3) -> pd.DataFrame:
    """Mean token precision, recall and F1 of each instrument against the gold bodies.

    ``pages`` needs ``html`` (bytes), ``gold_text`` and ``url`` (as returned by
    :func:`analysis.collect.datasets.load_extraction_benchmark`); ``instruments``
    defaults to :data:`INSTRUMENTS`. Returns a long table with columns
    ``dataset``, ``split`` (``all``, or ``boilerplate`` as defined by
    :func:`boilerplate_pages` on trafilatura's default output, so every
    instrument is scored on the same pages), ``instrument``, ``metric``
    (precision, recall, f1), ``value`` (mean over pages) and ``n`` (pages).
    """
    missing = [c for c in ("html", "gold_text", "url") if c not in pages.columns]
    if missing:
        raise ValueError(f"pages lacks columns {missing}; expected html, gold_text, url")
    instruments = dict(INSTRUMENTS if instruments is None else instruments)
    pages = pages.reset_index(drop=True).assign(site=[site_of(u) for u in pages["url"]])
    outputs = {name: _run(fn, pages) for name, fn in instruments.items()}
    reference = outputs.get(BASELINE) or _run(trafilatura_default, pages)
    splits = {"all": [True] * len(pages),
              "boilerplate": boilerplate_pages(reference, pages["site"].tolist(), min_tokens=min_tokens)}
    rows: list[dict[str, Any]] = []
    for name, texts in outputs.items():
        scores = pd.DataFrame([token_prf(t, g) for t, g in zip(texts, pages["gold_text"])], columns=list(METRICS))
        for split, mask in splits.items():
            subset = scores[mask]
            for metric in METRICS:
                rows.append(dict(dataset=dataset, split=split, instrument=name, metric=metric,
                                 value=float(subset[metric].mean()) if len(subset) else float("nan"),
                                 n=len(subset)))
    return pd.DataFrame(rows, columns=COLUMNS).astype({"n": "int64", "value": "float64"})


def main(argv: list[str] | None = None) -> int:
    """Measure the registered instruments on the benchmark and print the table."""

    parser = argparse.ArgumentParser(prog="python -m analysis.validation.extraction_gold",
                                     description="Token P/R/F1 of extraction instruments on the Zyte benchmark.")
    parser.add_argument("--out", type=Path, help="also write the long table as CSV here")
    args = parser.parse_args(argv)
    table = validate_extraction(datasets.load_extraction_benchmark())
    wide = table.pivot_table(index=["split", "instrument"], columns="metric", values="value", sort=False)
    wide["n"] = table.groupby(["split", "instrument"], sort=False)["n"].first()
    print(wide[[*METRICS, "n"]].round(4).to_string())
    if args.out:
        storage.write_csv(table, args.out)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

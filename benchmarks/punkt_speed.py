"""Benchmark: analysis.text.punkt_fast against nltk's own Punkt classes on the AllSides corpus.

    .venv/bin/python benchmarks/punkt_speed.py [--articles N]

Both train on the first 1M characters of the articles in doc_id order (as
the prepare stage does) and then split every paragraph of every article. The
trained parameters and every span are compared; the times are measured in
the same run, one after the other.
"""

from __future__ import annotations

import argparse
import time

from analysis.collect import datasets
from analysis.text import prepare
from analysis.text.prepare import _PARAGRAPH, NEWS_ABBREVIATIONS
from analysis.text.punkt_fast import FastPunktSentenceTokenizer, reference_tokenizer, train_parameters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=None, help="the first N articles by id (default: all)")
    args = parser.parse_args()
    df = datasets.load_allsides(download=False).sort_values("source_id")
    df = df.loc[df["text"].str.len() > 0].rename(columns={"source_id": "doc_id", "source_outlet": "outlet"})
    if args.articles:
        df = df.head(args.articles)
    lengths = df["text"].str.len().cumsum()
    training = df["text"].loc[lengths.shift(fill_value=0) < prepare.PUNKT_TRAINING_CHARS].tolist()
    paragraphs = [p.group() for text in df["text"] for p in _PARAGRAPH.finditer(text)]
    times, spans, params = {}, {}, {}
    for name in ("nltk", "fast"):
        t0 = time.perf_counter()
        params[name] = train_parameters(training, extra_abbreviations=NEWS_ABBREVIATIONS, reference=name == "nltk")
        times[name] = [time.perf_counter() - t0]
    # Compared before splitting: ortho_context is a defaultdict, and splitting adds zero entries to it.
    a, b = params["nltk"], params["fast"]
    same_params = (a.abbrev_types == b.abbrev_types and a.collocations == b.collocations
                   and a.sent_starters == b.sent_starters and dict(a.ortho_context) == dict(b.ortho_context))
    for name in ("nltk", "fast"):  # both split with the same parameters
        tokenizer = (reference_tokenizer if name == "nltk" else FastPunktSentenceTokenizer)(params["nltk"])
        t0 = time.perf_counter()
        spans[name] = [list(tokenizer.span_tokenize(p)) for p in paragraphs]
        times[name].append(time.perf_counter() - t0)
    differ = sum(x != y for x, y in zip(spans["nltk"], spans["fast"]))
    n_sent = sum(map(len, spans["nltk"]))
    print(f"corpus: {len(df):,} AllSides articles, {len(paragraphs):,} paragraphs, {n_sent:,} sentences; "
          f"training on {sum(map(len, training)):,} characters")
    for name, (t_train, t_split) in times.items():
        print(f"{name}: train {t_train:.2f} s, split {t_split:.2f} s ({1e6 * t_split / n_sent:.1f} µs/sentence)")
    print(f"speed-up: train {times['nltk'][0] / times['fast'][0]:.2f}x, split {times['nltk'][1] / times['fast'][1]:.2f}x")
    print(f"identical trained parameters: {same_params}; paragraphs split differently: {differ}")
    if differ or not same_params:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

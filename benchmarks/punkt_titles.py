"""Benchmark: what the title rule of analysis.text.punkt_fast changes on the AllSides corpus.

    .venv/bin/python benchmarks/punkt_titles.py [--articles N] [--show K] [--seed S]

The splitter is trained as the prepare stage trains it (the first 1M characters
of the articles in doc_id order, NEWS_ABBREVIATIONS seeded) and splits every
article twice: with the rule, and with a tokenizer that has no titles (nltk's
splits). It counts the articles whose spans change and the sentence breaks
the rule removes, by title, and prints K of the removed breaks drawn at random
with the text around them, to be read.
"""

from __future__ import annotations

import argparse
import copy
import random
import time
from collections import Counter

from analysis.collect import datasets
from analysis.text import prepare
from analysis.text.prepare import PunktSentenceSplitter
from analysis.text.punkt_fast import FastPunktSentenceTokenizer


class UntitledTokenizer(FastPunktSentenceTokenizer):
    titles = frozenset()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=None, help="the first N articles by id (default: all)")
    parser.add_argument("--show", type=int, default=30, help="removed breaks to print, drawn at random")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    df = datasets.load_allsides(download=False).sort_values("source_id")
    df = df.loc[df["text"].str.len() > 0]
    if args.articles:
        df = df.head(args.articles)
    lengths = df["text"].str.len().cumsum()
    training = df["text"].loc[lengths.shift(fill_value=0) < prepare.PUNKT_TRAINING_CHARS].tolist()
    titled = PunktSentenceSplitter().fit(training)
    untitled = copy.deepcopy(titled)
    untitled.tokenizer_ = UntitledTokenizer(titled.tokenizer_._params)
    texts = df["text"].tolist()
    spans, times = {}, {}
    for name, splitter in (("nltk rules", untitled), ("with titles", titled)):
        t0 = time.perf_counter()
        spans[name] = [splitter.spans(text) for text in texts]
        times[name] = time.perf_counter() - t0
    removed, added, changed = [], 0, 0
    for i, (old, new) in enumerate(zip(spans["nltk rules"], spans["with titles"])):
        if old == new:
            continue
        changed += 1
        ends, old_starts = {e for _, e in new}, {s for s, _ in old}
        # a removed break: an old sentence end that no new sentence has, so the next old sentence was joined to it
        removed += [(i, e) for _, e in old if e not in ends]
        added += sum(s not in old_starts for s, _ in new)  # the rule only removes breaks: expected 0
    by_title = Counter(texts[i][:e].rsplit(None, 1)[-1] for i, e in removed)
    n_old, n_new = sum(map(len, spans["nltk rules"])), sum(map(len, spans["with titles"]))
    print(f"corpus: {len(texts):,} AllSides articles; sentences {n_old:,} -> {n_new:,}")
    print(f"articles whose spans change: {changed:,}; sentence breaks removed: {len(removed):,}, added: {added}")
    print("removed after: " + ", ".join(f"{t} {k}" for t, k in by_title.most_common()))
    print("split time: " + ", ".join(f"{name} {t:.2f} s" for name, t in times.items()))
    for i, e in random.Random(args.seed).sample(removed, min(args.show, len(removed))):
        text = texts[i]
        context = f"...{text[max(0, e - 90):e]} | {text[e:e + 90]}...".replace("\n", " / ")
        print(f"--- {df['source_id'].iloc[i]} @{e}: {context}")


if __name__ == "__main__":
    main()

"""Word-choice discovery on the AllSides China subset (Baly et al. 2020; 1,657 articles): held-out labels.

    ANALYSIS_DATA_MIRRORS=../shared/data .venv/bin/python benchmarks/label_discovery_allsides.py \
        [context|contrast|substitute] [--top20]

For each of seven labels of the default study's referents, the label is removed from its referent, candidates
are discovered over all the subset's sentences, and the rank of the held-out label (any of its usual surface
forms, or any surface its own study regex matches whole) among the candidates is printed (">50" if not in the
top 50), with the seconds each discovery took. ``substitute`` is :func:`substitutes.discover_substitutes`
(grouped by leaning); ``--top20`` also prints each run's top 20 candidates. A quality check, not a speed
benchmark: it takes several minutes. Candidates only; no article text is printed.
"""

from __future__ import annotations

import sys
import time

import pandas as pd

from analysis.collect import datasets
from analysis.core import config, patterns
from analysis.core.study import load_study
from analysis.framing import labels, substitutes
from analysis.text import prepare

HELD_OUT = [("camps", "concentration camps", {"concentration camps", "concentration camp"}),
            ("camps", "vocational training centers", {"vocational training centers", "vocational training centres",
                                                      "training centers", "vocational training"}),
            ("the Uighurs", "Uyghurs", {"uyghur", "uyghurs"}), ("the Uighurs", "Uighurs", {"uighur", "uighurs"}),
            ("the Chinese state", "CCP", {"ccp", "chinese communist party"}),
            ("the Chinese state", "Chinese government", {"chinese government", "government"}),
            ("the Chinese state", "regime", {"regime", "communist regime", "chinese regime"})]


def main(method: str = "context", *flags: str) -> None:
    study = load_study(config.study_paths("entity-list"))
    refs = {r.name: labels.Referent(r.name, dict(r.labels)) for r in study.referents}
    raw = datasets.load_allsides("china_subset", download=False)
    articles = pd.DataFrame({"doc_id": raw["source_id"], "outlet": raw["source_outlet"], "text": raw["text"],
                             "title": raw["title"], "leaning": raw["dataset_label"]})
    sentences = prepare.split_sentences(articles)
    print(f"{len(articles):,} articles, {len(sentences):,} sentences, method {method}")
    start = time.perf_counter()
    for name, held, forms in HELD_OUT:
        began = time.perf_counter()
        kept = labels.Referent(name, {k: v for k, v in refs[name].labels.items() if k != held})
        own = [patterns.compile_pattern(labels._form_pattern(f), ignore_case=True) for f in refs[name].labels[held]]
        mentions = labels.label_mentions(sentences, matcher=labels.LabelMatcher(referents=[kept]).fit())
        grouping = dict(articles=articles, by="leaning") if method in ("contrast", "substitute") else {}
        if method == "substitute":
            found = substitutes.discover_substitutes(sentences, mentions, referent=kept, top=50, **grouping)
        else:
            found = labels.discover_labels(sentences, mentions, referent=kept, top=50, method=method, **grouping)
        ranks = [i + 1 for i, c in enumerate(found["candidate"])
                 if c in forms or any(p.fullmatch(c) for p in own)]
        print(f"{name:18s} held out {held:28s} rank {ranks[0] if ranks else '>50':>4}   "
              f"{time.perf_counter() - began:.0f} s   top 5: {', '.join(found['candidate'].head(5))}", flush=True)
        if "--top20" in flags:
            for r in found.head(20).itertuples():
                print(f"    {r.candidate:38s} {r.score:6.3f}  {r.top_group:6s} {r.n_by_group}")
    print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main(*sys.argv[1:])

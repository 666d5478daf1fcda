"""Word-choice discovery on the AllSides China subset (Baly et al. 2020; 1,657 articles): held-out labels.

    ANALYSIS_DATA_MIRRORS=../shared/data .venv/bin/python benchmarks/label_discovery_allsides.py [context|contrast]

For each of seven labels of the default study's referents, the label is removed from its referent, candidates
are discovered over all the subset's sentences, and the rank of the held-out label (any of its usual surface
forms) among the candidates is printed (">50" if not in the top 50). A quality check, not a speed benchmark:
it takes several minutes. Candidates only; no article text is printed.
"""

from __future__ import annotations

import sys
import time

import pandas as pd

from analysis.collect import datasets
from analysis.core import config
from analysis.core.study import load_study
from analysis.framing import labels
from analysis.text import prepare

HELD_OUT = [("camps", "concentration camps", {"concentration camps", "concentration camp"}),
            ("camps", "vocational training centers", {"vocational training centers", "vocational training centres",
                                                      "training centers", "vocational training"}),
            ("the Uighurs", "Uyghurs", {"uyghur", "uyghurs"}), ("the Uighurs", "Uighurs", {"uighur", "uighurs"}),
            ("the Chinese state", "CCP", {"ccp", "chinese communist party"}),
            ("the Chinese state", "Chinese government", {"chinese government", "government"}),
            ("the Chinese state", "regime", {"regime", "communist regime", "chinese regime"})]


def main(method: str = "context") -> None:
    study = load_study(config.study_paths("entity-list"))
    refs = {r.name: labels.Referent(r.name, dict(r.labels)) for r in study.referents}
    raw = datasets.load_allsides("china_subset", download=False)
    articles = pd.DataFrame({"doc_id": raw["source_id"], "outlet": raw["source_outlet"], "text": raw["text"],
                             "title": raw["title"], "leaning": raw["dataset_label"]})
    sentences = prepare.split_sentences(articles)
    print(f"{len(articles):,} articles, {len(sentences):,} sentences, method {method}")
    start = time.perf_counter()
    for name, held, forms in HELD_OUT:
        kept = labels.Referent(name, {k: v for k, v in refs[name].labels.items() if k != held})
        mentions = labels.label_mentions(sentences, matcher=labels.LabelMatcher(referents=[kept]).fit())
        grouping = dict(articles=articles, by="leaning") if method == "contrast" else {}
        found = labels.discover_labels(sentences, mentions, referent=kept, top=50, method=method, **grouping)
        ranks = [i + 1 for i, c in enumerate(found["candidate"]) if c in forms]
        print(f"{name:18s} held out {held:28s} rank {ranks[0] if ranks else '>50':>4}   "
              f"top 5: {', '.join(found['candidate'].head(5))}")
    print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main(*sys.argv[1:2])

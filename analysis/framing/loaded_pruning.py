"""Which entries of the merged ``loaded`` list are not evaluative, by a rule that never reads a bias label.

89% of BABE's non-biased sentences hold a "loaded" word, because Recasens' NPOV lemmas include
function words and topic nouns. An entry (single word) is dropped, first reason that applies:

* ``function word``: in scikit-learn's English stop-word list ("new" is not; "former" is);
* ``name``: where it occurs in BABE's sentences not at their start, it is capitalised at least
  half the time, in at least 3 occurrences ("obama", "china", "american");
* ``frequent without valence``: no VADER valence, not an epistemic-list word, not an ``-ly``
  adverb, and in at least ``MIN_DOC_SHARE`` of BABE's sentences ("house", "government", "party").

BABE's texts are read without their labels, so the rule is not fitted to the test; the thresholds
were set before the AUC was measured. The result is a committed table (``loaded_pruned.csv``:
word, reason), written by ``python -m analysis.framing.loaded_pruning``.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis.collect.framing_datasets import load_babe, load_word_list, vader_lexicon
from analysis.framing.loaded_language import LISTS, MIN_BIAS_ENTRY, PRUNED, inflections
from analysis.text.texts import tokenize

MIN_DOC_SHARE = 0.005
MIN_NAME_COUNT = 3
EPISTEMIC = ("hedges", "factives", "assertives", "implicatives", "report_verbs")
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def loaded_entries() -> list[str]:
    """The single-word entries ``loaded`` counts: Recasens' bias lemmas (less epistemic words) and BABE's list."""
    epistemic = {e for name in EPISTEMIC for e in load_word_list(*LISTS[name])}
    recasens = [e for e in load_word_list(*LISTS["bias_words"]) if len(e) >= MIN_BIAS_ENTRY and e not in epistemic]
    return [e for e in dict.fromkeys(recasens + load_word_list(*LISTS["babe_lexicon"])) if " " not in e]


def prune_table(texts) -> pd.DataFrame:
    """word, reason for every entry of :func:`loaded_entries` the rule drops, in list order."""
    texts = list(dict.fromkeys(texts))
    doc_freq, inner, capital = Counter(), Counter(), Counter()
    for text in texts:
        doc_freq.update({f for t in tokenize(text) for f in inflections(t)})
        for i, m in enumerate(WORD.finditer(text)):
            if i > 0:
                low = m.group().lower()
                inner[low] += 1
                capital[low] += m.group()[0].isupper()
    epistemic = {e for name in EPISTEMIC for e in load_word_list(*LISTS[name])}
    valence = vader_lexicon()
    rows = []
    for word in loaded_entries():
        if word in ENGLISH_STOP_WORDS:
            rows.append((word, "function word"))
        elif inner[word] >= MIN_NAME_COUNT and capital[word] >= inner[word] / 2:
            rows.append((word, "name"))
        elif (word not in valence and word not in epistemic and not word.endswith("ly")
              and doc_freq[word] >= MIN_DOC_SHARE * len(texts)):
            rows.append((word, "frequent without valence"))
    return pd.DataFrame(rows, columns=["word", "reason"])


def main() -> None:
    texts = [t for split in ("sg2", "sg1", "mbic") for t in load_babe(split)["text"]]
    table = prune_table(texts)
    table.to_csv(PRUNED, index=False, lineterminator="\n")
    print(f"{len(table)} of {len(loaded_entries())} entries dropped -> {PRUNED.name}")
    print(table["reason"].value_counts().to_string())


if __name__ == "__main__":
    main()

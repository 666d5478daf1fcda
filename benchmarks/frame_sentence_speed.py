"""The frame stage's per-sentence measures' CPU time on a study's articles, per measure, with every table they return
saved or compared to show a faster measure changes nothing.

    ANALYSIS_PROJECT_ROOT=PROJECT .venv/bin/python benchmarks/frame_sentence_speed.py --study bench [--n 0]
        [--settings-from STUDY [--settings-root ROOT]] [--save PREFIX] [--compare PREFIX]

Reads the study's ``articles`` and ``sentences`` tables, keeps the articles the frame stage keeps (not duplicates,
in the study's languages; the first ``--n``, 0 = all) and runs :func:`analysis.framing.frame.per_sentence` without
an engine (:func:`~analysis.framing.frame.sentence_tables` on each chunk of ``CHUNK_ARTICLES`` articles, in this
process), timed in CPU seconds (``time.process_time``: steadier than wall time on a shared machine). The fitted
parts (codebooks, marker lists, the bias classifier, read from the cache after its first fit) are built before the
clock starts, as the stage builds them once for all chunks. The time is also split by measure (voices, frame cues,
labels, markers, bias) by wrapping the functions ``sentence_tables`` calls.

``--settings-from`` takes the actors, referents and codebooks of another study, in ``--settings-root`` (default: the
same project), so the label matcher and the actor matcher run on a study that has none. ``--save PREFIX`` writes every
returned table to ``PREFIX_<table>.pkl`` (pickled: every dtype as it was); ``--compare PREFIX`` checks each equal (every row in order, every
column, dtypes included): run ``--save`` on the old code, ``--compare`` on the new. Prints only counts, times and
equality; no article text.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd
from stage_inputs import cpu_timed, frame_input

from analysis.core import config
from analysis.core.study import load_study
from analysis.framing import bias_classifier, dictionary, frame, labels, loaded_language
from analysis.text import voice

# The functions sentence_tables calls through their modules, by the measure they belong to.
MEASURES = {"voices": (voice, ("voice_spans", "sentence_voice")), "frame cues": (dictionary, ("frame_hits",)),
            "labels": (labels, ("label_mentions",)), "markers": (loaded_language, ("marker_rates",)),
            "bias": (bias_classifier, ("sentence_bias",))}


def _add(spent: dict, measure: str, seconds: float) -> None:
    spent[measure] += seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", required=True)
    parser.add_argument("--n", type=int, default=0)
    parser.add_argument("--settings-from", default=None)
    parser.add_argument("--settings-root", type=Path, default=None)
    parser.add_argument("--save", default=None)
    parser.add_argument("--compare", default=None)
    args = parser.parse_args()
    paths = config.study_paths(args.study)
    study = load_study(paths)
    if args.settings_from:
        other = load_study(config.study_paths(args.settings_from, args.settings_root))
        study = dataclasses.replace(study, actors=other.actors, referents=other.referents,
                                    framing=dataclasses.replace(study.framing, codebooks=other.framing.codebooks))
    kept, kept_sentences = frame_input(study, paths, n=args.n)
    frame.bias_model()  # fitted once and cached, as on any run after the first: not part of the time
    spent: dict[str, float] = defaultdict(float)
    for measure, (module, names) in MEASURES.items():
        for name in names:
            setattr(module, name, cpu_timed(getattr(module, name), functools.partial(_add, spent, measure)))
    start = time.process_time()
    found = frame.per_sentence(study, paths, articles=kept, sentences=kept_sentences)
    seconds = time.process_time() - start
    print(f"{len(kept)} articles, {len(kept_sentences)} sentences, {len(study.actors)} actors, "
          f"{len(study.referents)} referents, codebooks {', '.join(study.framing.codebooks)}: {seconds:.2f} CPU s")
    print("  " + ", ".join(f"{m} {spent[m]:.2f}" for m in MEASURES) + " CPU s; the rest (fitting, chunking, joining) "
          f"{seconds - sum(spent.values()):.2f}")
    print("  " + ", ".join(f"{name} {len(table)} rows" for name, table in found.items()))
    if args.save:
        for name, table in found.items():
            table.to_pickle(f"{args.save}_{name}.pkl")
    if args.compare:
        for name, table in found.items():
            pd.testing.assert_frame_equal(table, pd.read_pickle(f"{args.compare}_{name}.pkl"))
        print("identical to", args.compare, "(" + ", ".join(found) + ")")


if __name__ == "__main__":
    main()

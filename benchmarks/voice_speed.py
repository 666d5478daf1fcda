"""The voice labeller's CPU time on a study's articles, with its output saved or compared to show a faster labeller
changes nothing.

    ANALYSIS_PROJECT_ROOT=PROJECT .venv/bin/python benchmarks/voice_speed.py --study bench [--n 0]
        [--actors-from STUDY [--actors-root ROOT]] [--save PREFIX] [--compare PREFIX]

Reads the study's ``articles`` and ``sentences`` tables, keeps the articles the frame stage keeps (not duplicates,
in the study's languages; the first ``--n``, 0 = all) and times :func:`analysis.framing.frame.voices`'s two
tables, ``voice_spans`` and ``sentence_voice``, in CPU seconds (``time.process_time``: steadier than wall time on a
shared machine). ``--actors-from`` takes the actors of another study, in ``--actors-root`` (default: the same project);
a study without actors leaves the actor matcher idle. ``--save PREFIX`` writes both tables to ``PREFIX_spans.parquet`` and
``PREFIX_sentence_voice.parquet``; ``--compare PREFIX`` checks them equal (every row in order, every column):
run ``--save`` on the old code, ``--compare`` on the new. Prints only counts, times and equality; no article text.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
from stage_inputs import frame_input

from analysis.core import config
from analysis.core.study import load_study
from analysis.text import voice


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", required=True)
    parser.add_argument("--n", type=int, default=0)
    parser.add_argument("--actors-from", default=None)
    parser.add_argument("--actors-root", type=Path, default=None)
    parser.add_argument("--save", default=None)
    parser.add_argument("--compare", default=None)
    args = parser.parse_args()
    paths = config.study_paths(args.study)
    study = load_study(paths)
    actors = load_study(config.study_paths(args.actors_from, args.actors_root)).actors if args.actors_from else study.actors
    kept, kept_sentences = frame_input(study, paths, n=args.n)
    start = time.process_time()
    spans = voice.voice_spans(kept, kept_sentences, actors=tuple(actors))
    by_sentence = voice.sentence_voice(spans, kept_sentences)
    seconds = time.process_time() - start
    print(f"{len(kept)} articles, {len(kept_sentences)} sentences, {len(actors)} actors: {seconds:.2f} CPU s, "
          f"{len(spans)} voice spans")
    if args.save:
        spans.to_parquet(f"{args.save}_spans.parquet")
        by_sentence.to_parquet(f"{args.save}_sentence_voice.parquet")
    if args.compare:
        pd.testing.assert_frame_equal(spans, pd.read_parquet(f"{args.compare}_spans.parquet"))
        pd.testing.assert_frame_equal(by_sentence, pd.read_parquet(f"{args.compare}_sentence_voice.parquet"))
        print("identical to", args.compare)


if __name__ == "__main__":
    main()

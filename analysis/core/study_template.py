"""The ``study.toml`` that ``python -m analysis init STUDY`` writes: every key, commented."""

from __future__ import annotations

SKELETON = '''\
# Study definition for `{study}`. Every key is documented in the README
# ("Starting your own study"); unknown keys are an error, not ignored.

[study]
title = "{study}"
# The research question this study answers, shown at the top of the report.
question = "How do outlets differ in how they cover this event?"
# Date window (YYYY-MM-DD). Articles outside it are dropped at ingest.
# start = 2019-01-01
# end = 2019-12-31
# Keep articles whose source gives no date (they are flagged, not dated).
keep_undated = true
# Languages the sentence measures read (ISO 639-1); articles in others are kept and counted, not scored.
languages = ["en"]
# Seed for every resampling step, so re-runs give identical numbers.
seed = 12345
# Outlet registry: names, domains, type, country, leaning.
outlets = "data/outlets.csv"
# Grouping variables compared in the report: outlet, leaning, outlet_type, country.
groups = ["outlet", "leaning", "outlet_type"]

[compare]
n_boot = 2000        # bootstrap resamples of articles
n_perm = 5000        # permutations for contrast p-values
confidence = 0.95
min_articles = 5     # groups with fewer articles get no interval or contrast

# Sentence sentiment instruments (the first is the one the main figures use):
# "vader" (lexicon and rules), "news_ridge" (supervised, trained on news), or a
# dictionary defined below. Actor-directed sentiment: "target_logreg" (trained
# on NewsMTSC), "target_clause" (also NewsMTSC; reads the target's own clause,
# better at telling apart two targets of one sentence, slower to fit) and
# "sentence_vader" (the sentence's VADER score, the baseline).
[sentiment]
instruments = ["vader"]
actor_instruments = ["target_logreg", "sentence_vader"]

# A dictionary of your own (LIWC .dic, CSV or YAML), read at run time:
# [[sentiment.dictionaries]]
# name = "lsd"
# path = "data/lexicons/lsd.dic"   # relative to the project root
# positive = ["positive", "neg_negative"]
# negative = ["negative", "neg_positive"]

# A transformer model as an instrument (pip install -e '.[transformers]'; fetch a Hub
# model once with `python -m analysis fetch-model OWNER/NAME`), then name it above:
# [[sentiment.models]]
# name = "roberta"
# kind = "sentence"                # or "target" (an actor instrument), or "newsmtsc"
# model = "OWNER/NAME"             # or a save_pretrained folder relative to the project root

# Framing: frame codebooks (shipped: generic_news_frames, policy_frames,
# entity_list; or a path to your own TOML codebook), the coded data the
# supervised frame classifier learns from ("narrative_frames" or "" for none),
# the groups whose distinctive terms are compared, and the number of topics
# ("auto": chosen by the stability criterion in analysis/topics.py).
[framing]
codebooks = ["generic_news_frames"]
classifier = "narrative_frames"
terms_by = ["leaning"]
topics = "auto"

# Word choice: one thing outlets name differently, each label a regex or a list.
# [[referents]]
# name = "camps"
# labels = {{ "re-education camps" = "re-?education camps?", "vocational training centers" = "vocational (?:education and )?training cent(?:er|re)s?" }}

# Agreement with your own coders (`python -m analysis codesheet export/import {study}`):
# a measure below either minimum is flagged in red in the report and its captions.
# [validation]
# min_alpha = 0.667       # Krippendorff's alpha between coders
# min_agreement = 0.6     # the automated measure vs the coders (macro F1 or Spearman's rho)

# Web collection politeness (used by `kind = "urls"` and `kind = "feed"` sources).
# [collect]
# user_agent = "my-project/1.0 (+mailto:me@example.org)"   # say who you are
# per_host_delay = 1.0   # seconds between requests to one host
# timeout = 20.0
# max_bytes = 5242880
# retries = 3
# respect_robots = true

# Articles you import with `python -m analysis ingest {study} FILE.jsonl|FILE.csv`.
[[sources]]
kind = "imports"

# A public dataset filtered by keyword clauses (all clauses must hold):
# [[sources]]
# kind = "dataset"
# dataset = "allsides"
# sample = 2000      # optional: a fixed sample of the matching records (pilots)
# [[sources.match]]
# patterns = ["huawei", "\\\\bzte\\\\b"]
# min_hits = 2

# A list of article URLs (one per line, or a CSV with a `url` column and
# optional `outlet`, `title`, `published`), e.g. a Media Cloud or GDELT export;
# fetched politely by `python -m analysis collect {study}`:
# [[sources]]
# kind = "urls"
# path = "data/studies/{study}/urls.csv"

# An RSS/Atom feed (its entries' links are collected like a URL list):
# [[sources]]
# kind = "feed"
# url = "https://example.org/feed.xml"

# A folder of saved web pages (HTML); text is extracted with trafilatura:
# [[sources]]
# kind = "html"
# path = "data/external/saved-pages"

# A folder of saved text files from one outlet:
# [[sources]]
# kind = "files"
# path = "data/external/my-outlet"
# pattern = "*.txt"
# outlet = "My Outlet"

# Actors whose mentions (and later, sentiment toward them) are tracked.
# Aliases are matched as whole words, case-insensitively; patterns are regexes.
# [[actors]]
# name = "US government"
# type = "government"
# aliases = ["Commerce Department", "White House"]
# patterns = ["\\\\bU\\\\.?S\\\\.? officials\\\\b"]
# not_within = ["White House Correspondents"]  # phrases in which a match is not this actor
'''


def skeleton(study: str) -> str:
    return SKELETON.format(study=study)

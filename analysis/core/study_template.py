"""The ``study.toml`` that ``python -m analysis init STUDY`` writes: every key, commented."""

from __future__ import annotations

SKELETON = '''\
# Study definition for `{study}`. Every key is documented in the README ("Your own study" and
# "study.toml reference"); unknown keys are an error, not ignored.

[study]
title = "{study}"
# The research question this study answers, shown at the top of the report.
question = "How do outlets differ in how they cover this event?"
# Date window (YYYY-MM-DD). Articles outside it are dropped at ingest.
# start = 2019-01-01
# end = 2019-12-31
# Keep articles whose source gives no date (flagged, and left out of the time figure). Without this key
# they are dropped (the default is false); a new study keeps them, so an export without dates still runs.
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
# on NewsMTSC), "target_clause" (also NewsMTSC, with word vectors learnt from the
# AllSides articles, which it needs; reads the target's own clause, better at
# telling apart two targets of one sentence, slower to fit) and
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
# model = "OWNER/NAME"             # or a save_pretrained folder relative to the project root, or
#                                  # "python:PACKAGE", a pip package that carries a model
# revision = "main"                # branch, tag or commit of a Hub model
# labels = ["negative", "neutral", "positive"]   # per class id, when the model's class names do not say
# target_input = "pair"            # target models: "pair" (sentence, mention) or "marked" (<t>mention</t>)
# batch_size = 32
# max_length = 256                 # tokens; capped at the model's own limit
# fine_tune = "newsmtsc"           # target models: "model" is an encoder, fine-tuned on NewsMTSC train
# epochs = 3                       #   the first time it is needed (minutes on a CPU), then cached

# Framing: frame codebooks (shipped: generic_news_frames, policy_frames,
# entity_list; or a path to your own TOML codebook), the coded data the
# supervised frame classifier learns from ("narrative_frames" or "" for none),
# the groups whose distinctive terms are compared, and the number of topics
# ("auto": chosen by the stability criterion in analysis/framing/topics.py,
# never more than the corpus can support).
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

# Provenance: who copied whom, and which facts each outlet carried.
# [provenance]
# min_containment = 0.15   # share of an article's word 5-grams found in another for the pair to count as reuse
# syndication = 0.5        # containment from which a pair is one story's text (a repost)
# fact_threshold = 0.72    # cosine distance for two sentences to state one fact
# fact_min_articles = 2    # articles that must state a fact for the coverage matrix
# event_gap_days = 3       # without event_id: a longer gap starts a new event (0: one event)
# event_max_days = 7       # ... and so does an article more days than this after the event's first (0: no bound)
# wire_agencies = ["Kyodo News"]   # wire names to recognise besides the built-in ones

# Web collection politeness (used by `kind = "urls"` and `kind = "feed"` sources).
# [collect]
# user_agent = "my-project/1.0 (+mailto:me@example.org)"   # say who you are
# per_host_delay = 1.0   # seconds between requests to one host
# timeout = 20.0
# max_bytes = 5242880
# retries = 3
# respect_robots = true

# Your exports' own column names, when they differ from outlet, title, text, ... (the same keys as
# `python -m analysis ingest {study} FILE --text-col body ...`, which win for the files named with them):
# [columns]
# text = "body"
# outlet = "source"
# title = "headline"
# date = "pubdate"     # fills `published`
# url = "link"
# id = "stories_id"
# author = "byline"

# Articles you import with `python -m analysis ingest {study} FILE` (JSONL, CSV, TSV or .xlsx).
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

# Actors whose mentions, and the sentiment toward them, are compared across outlets: one [[actors]] table
# each. Replace this example with the actors of your event; without any actor the actor figures are left out.
# Aliases are matched as whole words, any case; patterns are regexes (add (?i) for any case).
[[actors]]
name = "Government"
type = "government"     # company, government, person, group, organization, place or other
aliases = ["government", "ministry", "officials"]
# patterns = ["\\\\bU\\\\.?S\\\\.? officials\\\\b"]
# not_within = ["government bonds"]   # phrases in which a match is not this actor
# source_type = "government_other"    # what a quote from this actor counts as (see the README)
'''


_EXAMPLE_ACTOR = '''[[actors]]
name = "Government"
type = "government"     # company, government, person, group, organization, place or other
aliases = ["government", "ministry", "officials"]
'''


def skeleton(study: str, *, example_actor: bool = True) -> str:
    """The template for ``study``; without ``example_actor`` the example ``[[actors]]`` table is commented out
    (for callers that add the study's own actors, such as ``analysis.Study.create``)."""
    text = SKELETON.format(study=study)
    if not example_actor:
        assert _EXAMPLE_ACTOR in text, "the template's example actor changed: update _EXAMPLE_ACTOR"
        text = text.replace(_EXAMPLE_ACTOR, "".join(f"# {line}\n" for line in _EXAMPLE_ACTOR.splitlines()))
    return text

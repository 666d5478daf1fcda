# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Actors: who is mentioned, and how each outlet speaks about them
# Mentions are matched by the aliases and patterns in `study.toml`; sentiment
# toward an actor is read from the sentences that mention it, by the
# target-aware model and by the sentence-VADER baseline side by side.

# %% tags=["parameters"]
study = "entity-list"

# %%
from analysis.report import figures, notebook

t = notebook.load_tables(study)
min_articles = t.study.compare.min_articles

# %% [markdown]
# ## Share of articles mentioning each actor

# %%
notebook.publish(figures.actor_coverage, t.actor_coverage, min_articles=min_articles, study=study)

# %% [markdown]
# ## Sentiment toward each actor: target-aware model

# %%
notebook.publish(figures.actor_sentiment_heatmap, t.actor_sentiment_by_group, instrument="target_logreg",
                 seed=t.study.seed, min_articles=min_articles, study=study, name="actor_sentiment_target_logreg")

# %% [markdown]
# ## The same with the sentence-VADER baseline

# %%
notebook.publish(figures.actor_sentiment_heatmap, t.actor_sentiment_by_group, instrument="sentence_vader",
                 seed=t.study.seed, min_articles=min_articles, study=study, name="actor_sentiment_sentence_vader")

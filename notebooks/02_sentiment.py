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
# # Sentiment by outlet and by group
# Sentence scores from each instrument in `study.toml`, averaged per article;
# intervals resample articles, never sentences.

# %% tags=["parameters"]
study = "entity-list"

# %%
from analysis.report import figures, notebook

t = notebook.load_tables(study)
primary = t.study.sentiment.instruments[0]
min_articles = t.study.compare.min_articles

# %% [markdown]
# ## By outlet, every instrument (forest plot)

# %%
notebook.publish(figures.sentiment_by_outlet, t.sentiment_by_group, seed=t.study.seed,
                 instruments=t.study.sentiment.instruments, study=study)

# %% [markdown]
# ## By leaning and outlet type, with FDR-controlled contrasts

# %%
notebook.publish(figures.sentiment_by_group, t.sentiment_by_group, t.sentiment_contrasts, seed=t.study.seed,
                 instrument=primary, study=study)

# %% [markdown]
# ## Whose tone: the outlet's own sentences and those in its sources' words

# %%
notebook.publish(figures.sentiment_by_voice, t.sentiment_by_voice, seed=t.study.seed, instrument=primary, study=study)

# %% [markdown]
# ## Distribution of sentence scores

# %%
notebook.publish(figures.sentence_score_distribution, t.sentence_sentiment, instrument=primary,
                 min_articles=min_articles, study=study)

# %% [markdown]
# ## The sentences behind each outlet's score

# %%
notebook.publish_table("sentiment_evidence", figures.sentiment_evidence_table, t.sentiment_evidence,
                       t.sentiment_by_group, instrument=primary, min_articles=min_articles, study=study)

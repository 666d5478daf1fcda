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
# Sentence-level VADER compound scores, averaged per article; intervals
# resample articles, never sentences.

# %% tags=["parameters"]
study = "entity-list"

# %%
from analysis import figures, report

t = report.load_tables(study)

# %% [markdown]
# ## By outlet

# %%
report.publish(figures.sentiment_by_outlet(t.sentiment_by_group, seed=t.study.seed), study=study)

# %% [markdown]
# ## By leaning and outlet type, with FDR-controlled contrasts

# %%
report.publish(figures.sentiment_by_group(t.sentiment_by_group, t.sentiment_contrasts, seed=t.study.seed),
               study=study)

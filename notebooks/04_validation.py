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
# # Validation against human coders
# How well the automatic sentiment measure agrees with human ratings of news
# sentences, next to how well one human agrees with the others.

# %% tags=["parameters"]
study = "entity-list"

# %%
from analysis import figures, report

t = report.load_tables(study)

# %% [markdown]
# ## Sentence sentiment against the VADER NYT ground truth

# %%
report.publish(figures.sentiment_validity(t.validation_scores, t.sentiment_validation), study=study)

# %%
t.sentiment_validation

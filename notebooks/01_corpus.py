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
# # Corpus overview
# Which outlets covered the study's event, with which leaning, and when.
# Tables come from `python -m analysis run`; this notebook only draws them.

# %% tags=["parameters"]
study = "entity-list"

# %%
from analysis.report import figures, notebook

t = notebook.load_tables(study)

# %% [markdown]
# ## Articles per outlet

# %%
notebook.publish(figures.articles_by_outlet, t.articles_by_period, study=study)

# %% [markdown]
# ## Articles over time, by leaning

# %%
notebook.publish(figures.articles_over_time, t.articles_by_period, study=study)

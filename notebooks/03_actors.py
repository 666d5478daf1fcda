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
# # Actor mentions by outlet
# Which actors each outlet's coverage names, as a share of its articles.

# %% tags=["parameters"]
study = "entity-list"

# %%
from analysis import figures, report

t = report.load_tables(study)

# %% [markdown]
# ## Share of articles mentioning each actor

# %%
report.publish(figures.actor_coverage(t.actor_coverage), study=study)

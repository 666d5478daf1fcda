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
# # Your study: its tables, and a figure of your own
# Copy this notebook, set `STUDY` to your study's name and run it top to bottom. It reads the tables
# `python -m analysis run STUDY` (or `Study.load(STUDY).run()`) built; it computes nothing itself.
# The report runs only the numbered notebooks (`01_corpus`, ...): leave your copy's name unnumbered.

# %% tags=["parameters"]
STUDY = "entity-list"

# %%
import matplotlib.pyplot as plt
import seaborn as sns

from analysis import Study, score_texts
from analysis.collect.outlets import LEANING_ORDER

study = Study.load(STUDY)
study.tables().query("built")[["table", "stage", "rows", "description"]]

# %% [markdown]
# Every column is documented, e.g. the article-level sentiment table's:

# %%
study.columns("article_sentiment")

# %% [markdown]
# ## One more figure: every article's tone, by the leaning of its outlet
# One point per article (its mean sentence score), the mean per leaning with a bootstrap interval over
# articles (the unit the report resamples, never sentences). The title states n and the method.

# %%
instrument = study.config.sentiment.instruments[0]
articles = study.table("article_sentiment").query("instrument == @instrument")
order = [leaning for leaning in LEANING_ORDER if leaning in set(articles["leaning"])]
n_articles, n_outlets = len(articles), articles["outlet"].nunique()

fig, ax = plt.subplots(figsize=(7, 4))
sns.stripplot(data=articles, x="leaning", y="sentiment", order=order, color="0.6", size=3, jitter=0.25, ax=ax)
sns.pointplot(data=articles, x="leaning", y="sentiment", order=order, color="black", linestyle="none",
              errorbar=("ci", 95), n_boot=2000, seed=study.config.seed, ax=ax)
ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
ax.set(xlabel="Outlet leaning", ylabel=f"Mean sentence sentiment ({instrument})")
ax.set_title(f"Article tone by outlet leaning: {instrument}, mean of sentence scores per article\n"
             f"n = {n_articles} articles from {n_outlets} outlets; mean and 95% bootstrap CI over articles "
             f"(2000 resamples, seed {study.config.seed})", fontsize=9, loc="left")
fig.tight_layout()
# fig.savefig(f"{STUDY}_tone_by_leaning.png", dpi=300)  # for a paper: PNG at 300 dpi, or .pdf / .svg

# %% [markdown]
# ## The instruments on sentences of your own
# The same instruments score any list of sentences, outside a study (`analysis.frame_texts` does the same
# for a codebook's frames):

# %%
score_texts(["Officials praised the excellent decision.", "Critics called the move a disaster."], instrument="vader")

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
# How well each automatic sentiment instrument agrees with human judgements
# of news sentences, next to how well one human agrees with the others.

# %% tags=["parameters"]
study = "entity-list"

# %%
from analysis.report import figures, framing_figures, notebook, validation_figures

t = notebook.load_tables(study)

# %% [markdown]
# ## Sentence sentiment against the VADER NYT ground truth, one panel per instrument

# %%
notebook.publish(figures.sentiment_validity, t.validation_scores, t.sentiment_validation,
                 instruments=t.study.sentiment.instruments, study=study)

# %% [markdown]
# ## Sentiment toward a target: NewsMTSC devtest_rw

# %%
notebook.publish(figures.target_sentiment_validity, t.target_sentiment_validation, study=study)

# %% [markdown]
# ## Frames (Narrative Frames) and loaded language (BABE)

# %%
notebook.publish(framing_figures.framing_validity_plot, t.framing_validation, study=study)

# %% [markdown]
# ## Two instruments for one construct: how far they agree, overall and per outlet

# %%
notebook.publish(validation_figures.instrument_agreement_plot, t.instrument_agreement, seed=t.study.seed, study=study)

# %%
t.sentiment_validation

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
# # Framing: frames, distinctive terms, word choice, topics and loaded language
# Frames come from the codebooks in `study.toml` (the first leads the
# figures); every comparison resamples articles and leaves duplicates out.

# %% tags=["parameters"]
study = "entity-list"

# %%
from analysis.report import framing_figures, notebook

t = notebook.load_tables(study)
codebook = framing_figures.lead_codebook(t.frame_profiles, t.study.framing.codebooks)
seed = t.study.seed
min_articles = t.study.compare.min_articles

# %% [markdown]
# ## Frames by leaning, in the outlet's own voice

# %%
notebook.publish(framing_figures.frame_profile_heatmap, t.frame_profiles, codebook=codebook, seed=seed,
                 min_articles=min_articles, study=study, name=f"frames_{codebook}_by_leaning")

# %% [markdown]
# ## Who frames it: the outlet, or the people it quotes

# %%
notebook.publish(framing_figures.frame_voice_plot, t.frame_profiles, t.frame_voices, codebook=codebook, seed=seed,
                 min_articles=min_articles, study=study)

# %% [markdown]
# ## Frames by outlet, in the outlet's own voice

# %%
notebook.publish(framing_figures.frame_profile_heatmap, t.frame_profiles, codebook=codebook, seed=seed, by="outlet",
                 min_articles=min_articles, study=study, name=f"frames_{codebook}_by_outlet")

# %% [markdown]
# ## What the frame indicators matched

# %%
notebook.publish_table("frame_evidence", framing_figures.frame_evidence_table, t.frame_evidence, codebook=codebook,
                       study=study)

# %% [markdown]
# ## Distinctive terms by leaning

# %%
notebook.publish(framing_figures.distinctive_terms_plot, t.distinctive_terms, by="leaning", study=study)

# %% [markdown]
# ## Word choice for the same referent

# %%
notebook.publish(framing_figures.label_matrix, t.label_shares, min_articles=min_articles, study=study)

# %% [markdown]
# ## Topics by leaning

# %%
notebook.publish(framing_figures.topic_prevalence_plot, t.topic_prevalence, t.topic_k_scores, seed=seed, study=study)

# %% [markdown]
# ## Epistemic markers and loaded words by leaning

# %%
notebook.publish(framing_figures.markers_plot, t.markers_by_group, seed=seed, study=study)

# %% [markdown]
# ## Supervised frames (classifier trained on coded articles)

# %%
notebook.publish(framing_figures.frame_prediction_heatmap, t.frame_prediction_profiles, t.framing_validation,
                 seed=seed, min_articles=min_articles, study=study)

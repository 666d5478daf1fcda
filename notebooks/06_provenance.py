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
# # Provenance: who copied whom, who is quoted, and which facts each outlet left out
# Text reuse from word-shingle containment, quotes with their speakers, and
# facts matched across outlets; every comparison resamples articles (or events).

# %% tags=["parameters"]
study = "entity-list"

# %%
from analysis.provenance import reuse_sensitivity
from analysis.report import notebook, provenance_figures

t = notebook.load_tables(study)
seed = t.study.seed
settings = t.study.provenance

# %% [markdown]
# ## Text reuse

# %%
notebook.publish(provenance_figures.reuse_network, t.reuse_pairs, t.articles,
                 min_containment=settings.min_containment, study=study)

# %%
notebook.publish_table("reuse_clusters", provenance_figures.reuse_clusters_table, t.reuse_clusters, study=study)

# %% [markdown]
# ## Do the findings survive reuse?

# %%
verdicts = reuse_sensitivity.survival(t.reuse_sensitivity, alpha=1 - t.study.compare.confidence)
notebook.publish(provenance_figures.reuse_sensitivity_plot, t.reuse_sensitivity, verdicts, seed=seed,
                 n_boot=t.study.compare.n_boot, alpha=1 - t.study.compare.confidence, study=study)

# %% [markdown]
# ## Who is quoted

# %%
alpha = 1 - t.study.compare.confidence
notebook.publish(provenance_figures.quote_sources_plot, t.quote_sources, by="outlet", seed=seed,
                 contrasts=t.quote_source_contrasts, alpha=alpha, study=study, name="quote_sources_by_outlet")

# %%
notebook.publish(provenance_figures.quote_sources_plot, t.quote_sources, by="leaning", seed=seed,
                 contrasts=t.quote_source_contrasts, alpha=alpha, study=study, name="quote_sources_by_leaning")

# %%
notebook.publish_table("travelled_quotes", provenance_figures.travelled_quotes_table, t.quote_spread, study=study,
                       source="quote_spread")

# %% [markdown]
# ## Which facts each outlet reported or left out

# %%
event = provenance_figures.busiest_event(t.fact_coverage)
notebook.publish(provenance_figures.fact_coverage_plot, t.fact_coverage, t.facts, by="outlet", event=event, study=study)

# %%
notebook.publish(provenance_figures.fact_omission_plot, t.fact_omission, by="leaning", seed=seed,
                 contrasts=t.omission_contrasts, alpha=alpha, study=study)

# %%
notebook.publish_table("one_sided_facts", provenance_figures.one_sided_table, t.one_sided_facts, study=study)

# %%
notebook.publish_table("fact_matching_validity", provenance_figures.fact_matching_table, t.fact_matching_validation,
                       study=study, source="fact_matching_validation")

"""Statistics kernels shared by every comparison: group summaries, bootstrap and permutation, FDR, agreement.

Modules: ``contrasts`` (group summaries and contrasts, articles resampled), ``resampling`` (the vectorised
scale path), ``instrument_agreement`` (two instruments for one construct).
"""

from analysis.stats.contrasts import adjust_fdr, summarize_groups

__all__ = ["adjust_fdr", "summarize_groups"]

"""Statistics kernels shared by every comparison: group summaries, bootstrap and permutation, FDR, agreement.

Modules: ``contrasts`` (group summaries and contrasts, articles resampled), ``resampling`` (the vectorised
scale path), ``instrument_agreement`` (two instruments for one construct).
"""

from analysis.core.lazy import exports

__getattr__, __all__ = exports(__name__, {
    "adjust_fdr": "analysis.stats.contrasts",
    "summarize_groups": "analysis.stats.contrasts",
})

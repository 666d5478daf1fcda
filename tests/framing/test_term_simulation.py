"""Planted distinctive terms: the stable flag's recovery and false-positive rates on synthetic articles."""

from __future__ import annotations

from analysis.framing.term_simulation import simulate_recovery


def test_flag_recovers_planted_terms_with_few_false_positives():
    # Seed 0, 30 vs 30 articles, 20 words planted at 3x: the flag recovered 0.35-0.60 and flagged 0.1-0.3% of the
    # other words over seeds 0-9 (benchmarks/distinctive_terms_simulation.py); z >= 1.96 alone flags 6-8% of them.
    r = simulate_recovery(seeds=(0,)).iloc[0]
    assert r["planted"] == 20 and r["unplanted"] > 800
    assert r["recovery"] >= 0.3 and r["fp_rate"] <= 0.01
    assert r["fp_rate"] < r["fp_rate_z"] / 5


def test_no_planted_difference_flags_almost_nothing():
    r = simulate_recovery(seeds=(0,), lift=1.0).iloc[0]
    assert r["recovery"] <= 0.1 and r["fp_rate"] <= 0.01

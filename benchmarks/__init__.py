"""Reproducible benchmarks with their baselines."""

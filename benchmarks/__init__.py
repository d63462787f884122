"""Benchmarks (issue 7)."""

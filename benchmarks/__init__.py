"""Benchmarks of the app and its computations; each prints its figures side by side in one run."""

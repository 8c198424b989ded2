"""Benchmarks (`make bench`): each module has run() that prints figures and ratios."""

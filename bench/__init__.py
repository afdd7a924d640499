"""Benchmarks (`make bench`): not tests; numbers are reported as ratios within one run."""

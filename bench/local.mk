# bench: benchmarks are scripts under bench/<area>/, run by hand (see bench/README.md); not part of make check.

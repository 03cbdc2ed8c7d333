"""The benchmark, apart from the product: quality and cost against the peers (quality, peers),
the scaling of alignment and clustering (scaling), the nightly command timed end to end (run) and
events per hour (events). Runs from a checkout: `python -m bench`, `python -m bench.run`, ..."""

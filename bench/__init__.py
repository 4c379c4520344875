"""The Collaborative's benchmarks: ``python -m bench all`` (``make bench``) and its pieces."""

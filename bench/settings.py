"""The portal's settings with one view added for the benchmarks: ``/bench/bare/``.

Each page is measured against a view that answers "ok" through the same middleware,
the same server and the same run, so the ratio says what the page itself costs.
"""

from collaborative.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

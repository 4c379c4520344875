"""gunicorn's settings, the same wherever the portal runs.

gunicorn reads this file from the folder it starts in: the image's default command and
docker-compose's ``web`` start it in /app, the benchmarks (``bench/stack.py``) in the
project's folder, and none of them sets workers or threads of its own.

A request spends most of its time waiting for PostgreSQL and Redis, so each worker
process serves several at once in threads (``gthread``): while one waits for the
database another runs, and a booking queued on a workshop's lock holds a thread, not a
whole process. ``WEB_CONCURRENCY`` sets the processes (about one per core) and
``WEB_THREADS`` the threads in each; every thread may hold a database connection.

A gthread worker closes a connection whose request has not arrived within ``keepalive``
seconds (2 by default); 5 leaves room for a client, or a proxy, slow to send it.
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 5

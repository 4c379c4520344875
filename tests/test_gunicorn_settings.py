"""gunicorn runs with the same workers and threads in production and in the benchmarks.

They all start gunicorn in the project's folder, where it reads ``gunicorn.conf.py``; so
none of their commands may set workers, threads or the worker class of its own.
"""

import inspect
import json
import re
import sys

import yaml
from gunicorn.app.wsgiapp import WSGIApplication

from bench import stack
from collaborative.settings import BASE_DIR

WORKER_OPTIONS = re.compile(r"--workers|--threads|--worker-class|-w\b|-k\b")


def test_gunicorn_reads_gthread_workers_from_the_project_folder(monkeypatch):
    monkeypatch.chdir(BASE_DIR)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("WEB_THREADS", raising=False)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    monkeypatch.setattr(sys, "argv", ["gunicorn", "collaborative.wsgi"])
    config = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").cfg
    settings = (config.worker_class_str, config.workers, config.threads, config.keepalive)
    assert settings == ("gthread", 2, 4, 5)


def test_production_and_the_benchmarks_leave_workers_to_the_settings_file():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    web = compose["services"]["web"]["command"]
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    image = json.loads(re.search(r"^CMD (.*)$", dockerfile, re.MULTILINE).group(1))
    harness = inspect.getsource(stack.start_gunicorn)
    assert web[0] == image[0] == "gunicorn"
    assert "collaborative.wsgi" in harness
    for command in (" ".join(web), " ".join(image), harness):
        assert not WORKER_OPTIONS.search(command), command

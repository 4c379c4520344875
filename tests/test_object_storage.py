"""Uploads on S3-compatible object storage, read by the other machines of the portal.

A real S3-compatible server (moto's, on a free local port) holds the bucket. The file
is uploaded through the admin in this process; a real Celery worker reads its text for
search and a gunicorn serves it, each a process of its own that knows the file only by
the storage settings (``AWS_*``), as a second machine would. Waits follow events (the
worker's log of the finished task, gunicorn's "Listening"), with timeouts only against a
hang.
"""

import hashlib
import re
import runpy
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer

from collaborative.settings import BASE_DIR
from resources.models import Resource
from tests import real_worker
from tests.test_resource_uploads import pdf_bytes, post_to_admin, upload

pytestmark = pytest.mark.slow

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "portal-test", "AWS_SECRET_ACCESS_KEY": "portal-test-secret"}


@pytest.fixture
def object_storage(settings, monkeypatch):
    """A bucket on a real S3-compatible server, and the ``AWS_*`` variables that name it.

    This process's STORAGES are the ones settings.py makes of those variables."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    variables = {
        "AWS_STORAGE_BUCKET_NAME": f"portal-uploads-{uuid.uuid4().hex[:8]}",
        "AWS_S3_ENDPOINT_URL": f"http://{host}:{port}",
        "AWS_S3_REGION_NAME": "eu-west-2",
        **CREDENTIALS,
    }
    bucket = boto3.resource(
        "s3",
        endpoint_url=variables["AWS_S3_ENDPOINT_URL"],
        region_name=variables["AWS_S3_REGION_NAME"],
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    ).create_bucket(
        Bucket=variables["AWS_STORAGE_BUCKET_NAME"],
        CreateBucketConfiguration={"LocationConstraint": variables["AWS_S3_REGION_NAME"]},
    )
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = runpy.run_path(str(BASE_DIR / "collaborative" / "settings.py"))["STORAGES"]
    try:
        yield variables, bucket
    finally:
        server.stop()


@contextmanager
def gunicorn(env, log):
    """The portal under gunicorn on a port the system picks; its base URL."""
    command = [
        Path(sys.executable).parent / "gunicorn",
        "collaborative.wsgi",
        "--bind",
        "127.0.0.1:0",
        "--workers",
        "1",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        pattern = r"Listening at: (http://127\.0\.0\.1:\d+)"
        real_worker.until(
            lambda: re.search(pattern, log.read_text()) or process.poll() is not None,
            what="gunicorn listening",
            log=log,
        )
        listening = re.search(pattern, log.read_text())
        assert listening, log.read_text()
        yield listening[1]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=real_worker.HANG)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_upload_to_object_storage_is_indexed_by_a_worker_and_served_by_another_process(
    object_storage, admin_client, redis_url, settings, tmp_path
):
    variables, bucket = object_storage
    content = pdf_bytes("Restorative supervision for ward managers across the region.")
    env = {
        **real_worker.worker_environment(redis_url, real_worker.free_port(), name="storage"),
        **variables,
        # Nowhere shared: anything written to local files would be lost to the others.
        "MEDIA_ROOT": str(tmp_path / "not-shared"),
    }
    with (
        real_worker.own_queue(redis_url, prefix="test-storage") as queue,
        real_worker.running_worker(env, queue, tmp_path / "worker.log", concurrency=1),
    ):
        response = post_to_admin(admin_client, upload("supervision.pdf", content))
        assert response.status_code == 302
        resource = Resource.objects.get()
        worker_log = tmp_path / "worker.log"
        real_worker.until(
            lambda: re.search(r"extract_resource_text\[\S+\] succeeded", worker_log.read_text()),
            what="the worker reading the file's text",
            log=worker_log,
        )

    stored = [item.key for item in bucket.objects.all()]
    assert stored == [resource.file.name]
    assert not Path(settings.MEDIA_ROOT).exists()
    assert not (tmp_path / "not-shared").exists()
    found = Resource.objects.filter(body_text__contains="Restorative supervision")
    assert list(found.filter(search_vector="restorative")) == [resource]

    with gunicorn(env, tmp_path / "gunicorn.log") as url:
        download = reverse("resources:download", args=[resource.slug])
        served = get(f"{url}{download}")
        Resource.objects.filter(pk=resource.pk).update(is_published=False)
        unpublished = get(f"{url}{download}")

    assert (served[0], hashlib.sha256(served[1]).hexdigest()) == (
        200,
        hashlib.sha256(content).hexdigest(),
    )
    assert unpublished == (404, b"")


def test_without_a_bucket_uploads_stay_in_local_files(monkeypatch):
    for name in ("AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    storages = runpy.run_path(str(BASE_DIR / "collaborative" / "settings.py"))["STORAGES"]
    assert storages["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_name_puts_uploads_on_object_storage_that_never_overwrites(monkeypatch):
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "portal-uploads")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "https://objects.example.invalid")
    monkeypatch.delenv("AWS_S3_REGION_NAME", raising=False)
    storages = runpy.run_path(str(BASE_DIR / "collaborative" / "settings.py"))["STORAGES"]
    assert storages["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storages["default"]["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "portal-uploads",
        "https://objects.example.invalid",
        None,
    )
    assert options["file_overwrite"] is False

"""How many database queries a page costs: the tests that a page's cost does not grow with
its rows all ask the same question, so they ask it here."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_to_get(client, url, data=None):
    """The number of queries a GET of ``url`` makes, and the response, which must be a 200."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200, response.status_code
    return len(queries), response

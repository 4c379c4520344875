"""A small heading vector to rank on, and storage that keeps library search off the large vectors.

On PostgreSQL only (SQLite has no full-text search):

- ``heading_vector`` (title, summary, organisation) is kept in the row (STORAGE MAIN), so
  ranking every match reads it from the page, not from TOAST.
- ``toast_tuple_target = 1024`` moves the file's text and the whole-document vector out of
  the row even when they compress well, so a search's pass over its matches reads about
  eight rows per page instead of two or three.
- ``search_vector`` has no statistics. With them, a common word (one in half the library)
  makes the planner prefer a sequential scan, which reads every document's vector from
  TOAST to test the match; it does not count that cost. Without them it uses the default
  selectivity and the GIN index, which answers the match without reading any vector.
"""

import django.contrib.postgres.search
from django.contrib.postgres.search import SearchVector
from django.db import migrations

STORAGE = (
    "ALTER TABLE resources_resource SET (toast_tuple_target = 1024)",
    "ALTER TABLE resources_resource ALTER COLUMN heading_vector SET STORAGE MAIN",
    "ALTER TABLE resources_resource ALTER COLUMN search_vector SET STATISTICS 0",
    # Changing the type, even to itself, drops the statistics already gathered.
    "ALTER TABLE resources_resource ALTER COLUMN search_vector TYPE tsvector",
)
DEFAULT_STORAGE = (
    "ALTER TABLE resources_resource RESET (toast_tuple_target)",
    "ALTER TABLE resources_resource ALTER COLUMN search_vector SET STATISTICS -1",
)


def store_and_fill(apps, schema_editor):
    """Set the storage, then rewrite every row with its heading vector, which applies it."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in STORAGE:
        schema_editor.execute(statement)
    Resource = apps.get_model("resources", "Resource")
    Resource.objects.using(schema_editor.connection.alias).update(
        heading_vector=SearchVector("title", weight="A", config="english")
        + SearchVector("summary", "author_organisation", weight="B", config="english")
    )
    schema_editor.execute("ANALYZE resources_resource")


def default_storage(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DEFAULT_STORAGE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0004_server_chosen_file_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="resource",
            name="heading_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(store_and_fill, default_storage),
    ]

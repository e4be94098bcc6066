"""The register's full-text index: FTS5 on SQLite, a GIN index over a tsvector on PostgreSQL."""

from typing import Any

from django.db import migrations

from summitry.search import TextIndex

# Frozen here: a later change to the index gets its own migration.
INDEX = TextIndex(table="engagements_engagement", columns=("title", "readout"))


def create(apps: Any, schema_editor: Any) -> None:
    INDEX.create(schema_editor.connection)


def drop(apps: Any, schema_editor: Any) -> None:
    INDEX.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("engagements", "0003_review_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]

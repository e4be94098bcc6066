"""PostgreSQL: the register's text vector kept in a column (written by a trigger) and indexed,
instead of a GIN index over an expression. A page of a frequent word walks the order's index and
tests thousands of rows: reading a stored vector costs far less than computing one. SQLite keeps
its FTS5 table."""

from typing import Any

from django.db import migrations

from summitry.search import TextIndex

# Frozen here: a later change to the index gets its own migration.
EXPRESSION = TextIndex(table="engagements_engagement", columns=("title", "readout"))
STORED = TextIndex(table="engagements_engagement", columns=("title", "readout"), stored=True)


def store(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    STORED.create(schema_editor.connection)
    EXPRESSION.drop(schema_editor.connection)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ANALYZE engagements_engagement")


def unstore(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    EXPRESSION.create(schema_editor.connection)
    STORED.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("engagements", "0006_register_access_indexes")]

    operations = [migrations.RunPython(store, unstore, elidable=False)]

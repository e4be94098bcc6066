from typing import Any

from django.db import migrations


def add_items(apps: Any, schema_editor: Any) -> None:
    from summitry.assistance.catalogue import ITEMS

    Item = apps.get_model("assistance", "Item")
    for code, name, unit in ITEMS:
        Item.objects.update_or_create(code=code, defaults={"name": name, "unit": unit})


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]

    operations = [migrations.RunPython(add_items, migrations.RunPython.noop)]

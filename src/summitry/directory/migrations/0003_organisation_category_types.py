# The organisation types of issue 14: "mechanism" becomes "format"; forum is a forum alone.
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def mechanisms_to_formats(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("directory", "Organisation").objects.filter(category="mechanism").update(
        category="format"
    )


def formats_to_mechanisms(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("directory", "Organisation").objects.filter(category="format").update(
        category="mechanism"
    )


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_organisation_person_names")]

    operations = [
        migrations.AlterField(
            model_name="organisation",
            name="category",
            field=models.CharField(
                choices=[
                    ("international_organisation", "International organisation"),
                    ("regional_organisation", "Regional organisation"),
                    ("forum", "Forum"),
                    ("format", "Format"),
                    ("initiative", "Initiative"),
                ],
                max_length=40,
            ),
        ),
        migrations.RunPython(mechanisms_to_formats, formats_to_mechanisms),
    ]

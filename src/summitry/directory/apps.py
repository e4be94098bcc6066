from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DirectoryConfig(AppConfig):
    name = "summitry.directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        from summitry.directory.services import sync_reference_data_after_migrate

        post_migrate.connect(sync_reference_data_after_migrate, sender=self)

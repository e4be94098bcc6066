from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EngagementsConfig(AppConfig):
    name = "summitry.engagements"
    verbose_name = "Register of engagements"

    def ready(self) -> None:
        from summitry.engagements.search import ensure_index

        post_migrate.connect(ensure_index, sender=self)

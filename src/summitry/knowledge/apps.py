from django.apps import AppConfig
from django.db.models.signals import post_migrate


class KnowledgeConfig(AppConfig):
    name = "summitry.knowledge"
    verbose_name = "Knowledge centre"

    def ready(self) -> None:
        from summitry.knowledge.search import ensure_indexes

        post_migrate.connect(ensure_indexes, sender=self)

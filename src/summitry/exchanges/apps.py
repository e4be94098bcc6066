from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ExchangesConfig(AppConfig):
    name = "summitry.exchanges"
    verbose_name = "Expert exchanges"

    def ready(self) -> None:
        from summitry.exchanges.search import ensure_index

        post_migrate.connect(ensure_index, sender=self)

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "summitry.review"
    verbose_name = "Review"

    def ready(self) -> None:
        from summitry.review import cache, tally

        cache.connect()
        tally.connect()

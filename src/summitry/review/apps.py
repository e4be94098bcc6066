from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "summitry.review"
    verbose_name = "Review"

    def ready(self) -> None:
        from summitry.review.cache import connect

        connect()

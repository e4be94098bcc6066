from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "summitry.review"
    verbose_name = "Review"

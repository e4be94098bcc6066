from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "summitry.web"
    verbose_name = "Web"

from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "summitry.engagements"
    verbose_name = "Register of engagements"

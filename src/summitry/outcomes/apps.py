from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "summitry.outcomes"
    verbose_name = "Outcome documents"

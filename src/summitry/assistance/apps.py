from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "summitry.assistance"
    verbose_name = "Assistance ledger"

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "summitry.accounts"
    verbose_name = "Accounts"

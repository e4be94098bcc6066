from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "summitry.rooms"
    verbose_name = "Live rooms"

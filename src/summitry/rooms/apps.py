from django.apps import AppConfig
from django.db.models.signals import post_save


class RoomsConfig(AppConfig):
    name = "summitry.rooms"
    verbose_name = "Live rooms"

    def ready(self) -> None:
        # The register does not know the rooms: a move or a cancellation reaches those
        # invited by mail through its save signal.
        from summitry.engagements.models import Engagement
        from summitry.rooms import mail

        post_save.connect(mail.on_engagement_saved, sender=Engagement, dispatch_uid="rooms-mail")

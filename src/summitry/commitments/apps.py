from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "summitry.commitments"
    verbose_name = "Commitments"

    def ready(self) -> None:
        from summitry.commitments import evidence

        # The commitment's own progress reports are one provider among others (deliveries...).
        evidence.register("reports", evidence.progress_reports)

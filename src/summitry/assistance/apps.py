from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "summitry.assistance"
    verbose_name = "Assistance ledger"

    def ready(self) -> None:
        from summitry.assistance.links import delivery_evidence
        from summitry.commitments import evidence

        # Deliveries linked to a commitment, with their quantities, count as its evidence.
        evidence.register("deliveries", delivery_evidence)

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    class Role(models.TextChoices):
        READER = "reader", "Reader"
        EDITOR = "editor", "Editor"
        ADMINISTRATOR = "administrator", "Administrator"

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.READER)
    time_zone = models.CharField(
        max_length=64, blank=True, help_text="IANA zone in which times are shown; UTC when empty."
    )

    @property
    def is_editor(self) -> bool:
        return self.is_active and self.role in {self.Role.EDITOR, self.Role.ADMINISTRATOR}

    @property
    def is_administrator(self) -> bool:
        return self.is_active and self.role == self.Role.ADMINISTRATOR

    def save(self, *args: object, **kwargs: object) -> None:
        # The Django admin is the administrators' tool: its flags follow the role.
        self.is_staff = self.is_superuser = self.role == self.Role.ADMINISTRATOR
        super().save(*args, **kwargs)  # type: ignore[arg-type]

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        READER = "reader", _("Reader")
        EDITOR = "editor", _("Editor")
        ADMINISTRATOR = "administrator", _("Administrator")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.READER)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("IANA zone in which times are shown; UTC when empty."),
    )
    # Empty: the browser's language (Accept-Language), else English.
    language = models.CharField(
        _("language"),
        max_length=16,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Language of the interface; the browser's language when empty."),
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

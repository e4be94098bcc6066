"""Read-only: every change to a document goes through the services (the drafting page or the API),
so that the lifecycle's rules hold; the admin only shows what is stored."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from summitry.outcomes.models import DocumentEngagement, DocumentSource, OutcomeDocument, Party


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LinkInline(ReadOnly, admin.TabularInline[DocumentEngagement, OutcomeDocument]):
    model = DocumentEngagement
    extra = 0


class PartyInline(ReadOnly, admin.TabularInline[Party, OutcomeDocument]):
    model = Party
    extra = 0


class SourceInline(ReadOnly, admin.TabularInline[DocumentSource, OutcomeDocument]):
    model = DocumentSource
    extra = 0


@admin.register(OutcomeDocument)
class OutcomeDocumentAdmin(ReadOnly, admin.ModelAdmin[OutcomeDocument]):
    list_display = ("title", "kind", "status", "published_at")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    inlines = [LinkInline, PartyInline, SourceInline]

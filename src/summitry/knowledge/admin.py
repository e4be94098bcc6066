"""Administrators grant readers their country here; works, editions and translations are
published through the portal's forms (services), which keep the search index and the current
edition right."""

from django.contrib import admin

from summitry.knowledge.models import AccessGrant, DownloadCount, Topic


@admin.register(AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin[AccessGrant]):
    list_display = ("user", "country", "note", "granted_at")
    list_filter = ("country",)
    search_fields = ("user__username", "country__name", "country__code")
    autocomplete_fields = ("user", "country")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(DownloadCount)
class DownloadCountAdmin(admin.ModelAdmin[DownloadCount]):
    list_display = ("edition", "language", "country", "day", "count")
    list_filter = ("language", "country")
    date_hierarchy = "day"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

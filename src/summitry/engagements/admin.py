from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from summitry.engagements.models import Engagement, EngagementText, Participation, Source, Topic


class ParticipationInline(admin.TabularInline[Participation, Engagement]):
    model = Participation
    extra = 0
    autocomplete_fields = ("person", "office")


class SourceInline(admin.TabularInline[Source, Engagement]):
    model = Source
    extra = 0


class TextInline(admin.StackedInline[EngagementText, Engagement]):
    model = EngagementText
    extra = 0


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("title", "kind", "status", "start", "confidentiality")
    list_filter = ("kind", "status", "confidentiality")
    search_fields = ("title", "readout", "ref")
    date_hierarchy = "start"
    inlines = [ParticipationInline, SourceInline, TextInline]
    filter_horizontal = ("countries", "organisations", "topics", "readers")
    readonly_fields = ("created_at", "created_by", "updated_at", "updated_by")

    # Writes go through the register's own forms, which enforce its rules; here one reads and
    # browses history. A register keeps its records: cancel an engagement instead of deleting it.
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    search_fields = ("name",)

from django.contrib import admin

from summitry.exchanges.models import Answer, Question


class AnswerInline(admin.StackedInline[Answer, Question]):
    model = Answer
    extra = 0
    raw_id_fields = ("expert", "recorded_by")


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin[Question]):
    list_display = ("engagement", "asker_name", "country", "asked_at")
    raw_id_fields = ("engagement", "asked_by", "country")
    inlines = [AnswerInline]

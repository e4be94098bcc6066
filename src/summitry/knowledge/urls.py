from django.urls import path, register_converter

from summitry.knowledge import views


class LanguageConverter:
    # Django's language codes as they appear in a path: "fr", "zh-hans", "pt-br".
    regex = "[a-z]{2,3}(?:-[a-z0-9]{2,8})*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LanguageConverter, "language")

app_name = "knowledge"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.work_create, name="work_create"),
    path("<slug:slug>/", views.work_detail, name="work"),
    path("<slug:slug>/edit/", views.work_edit, name="work_edit"),
    path("<slug:slug>/editions/new/", views.edition_create, name="edition_create"),
    path("<slug:slug>/compare/<int:old>/<int:new>/", views.compare, name="compare"),
    path("<slug:slug>/<int:number>/", views.edition_detail, name="edition"),
    path("<slug:slug>/<int:number>/download/", views.edition_download, name="download"),
    path(
        "<slug:slug>/<int:number>/translations/new/",
        views.translation_create,
        name="translation_create",
    ),
    path(
        "<slug:slug>/<int:number>/<language:language>/",
        views.translation_detail,
        name="translation",
    ),
    path(
        "<slug:slug>/<int:number>/<language:language>/download/",
        views.translation_download,
        name="translation_download",
    ),
]

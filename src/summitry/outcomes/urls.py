from django.urls import path

from summitry.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.document_list, name="documents"),
    path("new/", views.document_create, name="create"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/compare/", views.document_diff, name="diff"),
    path("<int:pk>/drafting/", views.drafting, name="drafting"),
    path(
        "<int:pk>/drafting/delegations/<int:delegation_pk>/",
        views.delegates_action,
        name="delegates",
    ),
    path("<int:pk>/drafting/<slug:action>/", views.drafting_action, name="act"),
]

from django.urls import path, re_path

from summitry.assistance import views

app_name = "assistance"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("new/", views.create, name="create"),
    path("map/", views.world_map, name="map"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
    path("items/", views.item_totals, name="items"),
    path("countries/<str:code>/", views.country_page, name="country"),
    path("<int:pk>/", views.detail, name="detail"),
]

from django.urls import path

from summitry.exchanges import views

app_name = "exchanges"

urlpatterns = [
    path("questions/", views.search, name="search"),
    path("conferences/<int:pk>/questions/", views.ask, name="ask"),
    path("questions/<int:pk>/answers/", views.answer, name="answer"),
    path("conferences/<int:pk>/materials/", views.present, name="present"),
]

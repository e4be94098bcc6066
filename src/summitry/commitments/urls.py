from django.urls import path

from summitry.commitments import views

app_name = "commitments"

urlpatterns = [
    path("", views.tracker_page, name="tracker"),
    path("<int:pk>/", views.commitment_detail, name="detail"),
]

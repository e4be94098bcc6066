from django.urls import path

from summitry.commitments import views

app_name = "commitments"

urlpatterns = [
    path("", views.tracker_page, name="tracker"),
    path("<int:pk>/", views.commitment_detail, name="detail"),
    path("new/", views.commitment_create, name="create"),
    path("<int:pk>/progress/", views.progress_create, name="progress"),
    path("<int:pk>/edit/", views.commitment_edit, name="edit"),
    path("<int:pk>/withdraw/", views.commitment_withdraw, name="withdraw"),
]

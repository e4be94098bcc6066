from django.urls import path

from summitry.engagements import find_time, views

app_name = "engagements"

urlpatterns = [
    path("", views.engagement_list, name="list"),
    path("calendar/", views.engagement_calendar, name="calendar"),
    path("export.<str:fmt>", views.engagement_export, name="export"),
    path("new/", views.engagement_create, name="create"),
    path("<int:pk>/", views.engagement_detail, name="detail"),
    path("<int:pk>/edit/", views.engagement_edit, name="edit"),
    path("<int:pk>/history/", views.engagement_history, name="history"),
    path("<int:pk>/calendar.ics", views.engagement_ics, name="ics"),
    path("<int:pk>/find-time/", find_time.find_time, name="find_time"),
]

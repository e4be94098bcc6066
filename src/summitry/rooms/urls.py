from django.urls import URLPattern, URLResolver, path

from summitry.rooms import invitation_views, views

app_name = "rooms"

urlpatterns: list[URLPattern | URLResolver] = [
    path("join/<str:token>/", views.join, name="join"),
    path("join/<str:token>/place/", views.take_place_back, name="take_place_back"),
    path("watch/<str:token>/", views.watch, name="watch"),
    path("open/<int:engagement_pk>/", views.open_room, name="open"),
    path("<int:room_id>/journal/", views.journal, name="journal"),
    path("<int:room_id>/invitations/", views.invitations, name="invitations"),
    path("janus-events/", views.janus_events, name="janus_events"),
    path("<int:room_id>/send/", invitation_views.send_link, name="send"),
    path("<int:room_id>/enter/", invitation_views.enter_as_chair, name="enter"),
    path("<int:room_id>/reopen/", invitation_views.reopen, name="reopen"),
]

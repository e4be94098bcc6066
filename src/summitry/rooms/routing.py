"""WebSocket routes of live rooms."""

from django.urls import URLPattern, URLResolver, path

from summitry.rooms.consumers import RoomConsumer, WatchConsumer

websocket_urlpatterns: list[URLPattern | URLResolver] = [
    path("ws/rooms/watch/<str:token>/", WatchConsumer.as_asgi()),
    path("ws/rooms/<str:token>/", RoomConsumer.as_asgi()),
]

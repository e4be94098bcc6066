from django.urls import URLPattern, URLResolver

app_name = "rooms"

urlpatterns: list[URLPattern | URLResolver] = []

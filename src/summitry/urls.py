from allauth.account.views import logout as account_logout
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from summitry.accounts.views import admin_login
from summitry.api import api
from summitry.engagements.views import calendar_feed

admin.site.site_header = "Summitry administration"
admin.site.site_title = "Summitry"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="engagements:list", permanent=False)),
    path("engagements/", include("summitry.engagements.urls")),
    path("review/", include("summitry.review.urls")),
    path("rooms/", include("summitry.rooms.urls")),
    path("calendar.ics", calendar_feed, name="calendar_feed"),
    path("api/", api.urls),
    # Django's own admin sign-in would skip the second factor: allauth's pages stand in for it.
    path("admin/login/", admin_login),
    path("admin/logout/", account_logout),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

from allauth.account.views import logout as account_logout
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from summitry.accounts.views import admin_login, set_language
from summitry.api import api
from summitry.engagements import feeds
from summitry.exchanges import atom, citation, oai

admin.site.site_header = "Summitry administration"
admin.site.site_title = "Summitry"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="engagements:list", permanent=False)),
    path("engagements/", include("summitry.engagements.urls")),
    path("review/", include("summitry.review.urls")),
    path("outcomes/", include("summitry.outcomes.urls")),
    path("commitments/", include("summitry.commitments.urls")),
    path("rooms/", include("summitry.rooms.urls")),
    path("assistance/", include("summitry.assistance.urls")),
    path("knowledge/", include("summitry.knowledge.urls")),
    path("exchanges/", include("summitry.exchanges.urls")),
    # The knowledge centre harvested over OAI-PMH (docs/knowledge.md).
    path("oai", oai.endpoint, name="oai"),
    path("knowledge/feed.atom", atom.feed, name="knowledge_feed"),
    path(
        "knowledge/<slug:slug>/<int:number>/cite.<str:fmt>",
        citation.cite,
        name="knowledge_cite",
    ),
    path(
        "knowledge/<slug:slug>/<int:number>/<str:language>/cite.<str:fmt>",
        citation.cite,
        name="knowledge_cite_translation",
    ),
    path("calendar.ics", feeds.calendar_feed, name="calendar_feed"),
    path("calendar/people/<int:pk>.ics", feeds.person_feed, name="person_feed"),
    path("calendar/topics/<int:pk>.ics", feeds.topic_feed, name="topic_feed"),
    path("api/", api.urls),
    # Django's own admin sign-in would skip the second factor: allauth's pages stand in for it.
    path("admin/login/", admin_login),
    path("admin/logout/", account_logout),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    # gettext() for the pages' scripts: every app's djangojs catalogue in the page's language
    # (a same-origin script, as the CSP wants; Vary: Accept-Language, Cookie keeps it right).
    path(
        "jsi18n/",
        cache_control(max_age=3600)(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
]

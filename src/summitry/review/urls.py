from django.urls import path

from summitry.review import views

app_name = "review"

urlpatterns = [
    path("", views.latest, name="latest"),
    path("<int:year>/", views.year_page, name="year"),
    path("<int:year>.pdf", views.year_pdf, name="pdf"),
]

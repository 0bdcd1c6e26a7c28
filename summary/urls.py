from django.urls import path

from . import views

app_name = "summary"

urlpatterns = [
    # The first two names stay for links written before the other formats.
    path("console/meetings/<int:pk>/export.md", views.export, {"fmt": "md"}, name="markdown"),
    path("console/meetings/<int:pk>/export.json", views.export, {"fmt": "json"}, name="json"),
    path("console/meetings/<int:pk>/export.<slug:fmt>", views.export, name="export"),
]

from django.urls import path

from . import views

app_name = "summary"

urlpatterns = [
    path("console/meetings/<int:pk>/export.md", views.export_markdown, name="markdown"),
    path("console/meetings/<int:pk>/export.json", views.export_json, name="json"),
]

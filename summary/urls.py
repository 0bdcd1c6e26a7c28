from django.urls import path

from . import theme_views, views

app_name = "summary"

urlpatterns = [
    # The first two names stay for links written before the other formats.
    path("console/meetings/<int:pk>/export.md", views.export, {"fmt": "md"}, name="markdown"),
    path("console/meetings/<int:pk>/export.json", views.export, {"fmt": "json"}, name="json"),
    path("console/meetings/<int:pk>/export.<slug:fmt>", views.export, name="export"),
    path("console/meetings/<int:pk>/summary/themes/", theme_views.themes_page, name="themes"),
    path(
        "console/meetings/<int:pk>/summary/themes/rename/",
        theme_views.theme_rename,
        name="theme_rename",
    ),
    path(
        "console/meetings/<int:pk>/summary/themes/merge/",
        theme_views.theme_merge,
        name="theme_merge",
    ),
    path(
        "console/meetings/<int:pk>/summary/themes/split/",
        theme_views.theme_split,
        name="theme_split",
    ),
    path(
        "console/meetings/<int:pk>/summary/themes/dismiss/",
        theme_views.theme_dismiss,
        name="theme_dismiss",
    ),
    path(
        "console/meetings/<int:pk>/summary/themes/restore/",
        theme_views.theme_restore,
        name="theme_restore",
    ),
    path(
        "console/meetings/<int:pk>/summary/themes/reset/",
        theme_views.themes_reset,
        name="themes_reset",
    ),
]

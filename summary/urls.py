from django.urls import path

from . import series_views, theme_views, views, workspace_views

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
    # The themes phase, from the console (hide, show again, rename before the room shows it)
    # Summary workspace and public page (branch `workspace`)
    path("console/meetings/<int:pk>/summary/", workspace_views.workspace, name="workspace"),
    path(
        "console/meetings/<int:pk>/summary/text/<slug:field>/",
        workspace_views.save_text,
        name="save_text",
    ),
    path(
        "console/meetings/<int:pk>/summary/factors/<int:factor_id>/",
        workspace_views.save_factor,
        name="save_factor",
    ),
    path(
        "console/meetings/<int:pk>/summary/groups/<int:group_id>/move/",
        workspace_views.move_group,
        name="move_group",
    ),
    path("console/meetings/<int:pk>/summary/publish/", workspace_views.publish, name="publish"),
    path("console/meetings/<int:pk>/summary/revoke/", workspace_views.revoke, name="revoke"),
    path("console/meetings/<int:pk>/summary/preview/", workspace_views.preview, name="preview"),
    path("s/<str:token>/", workspace_views.public, name="public"),
    # Series over years (branch `workspace`)
    path("console/series/", series_views.series_list, name="series_list"),
    path("console/series/<int:pk>/", series_views.series_detail, name="series"),
    path("console/series/<int:pk>/indicator/", series_views.series_indicator, name="indicator"),
    path("console/series/<int:pk>/share/", series_views.series_share, name="series_share"),
    path(
        "console/series/<int:pk>/indicator/values/",
        series_views.series_value,
        name="indicator_value",
    ),
    path(
        "console/series/<int:pk>/indicator/values/<int:year>/remove/",
        series_views.series_value_remove,
        name="indicator_value_remove",
    ),
    # Every series download is an output of the registry (summary/outputs.py); the first two
    # names stay for links written before it.
    path(
        "console/series/<int:pk>/export.xlsx",
        series_views.series_export,
        {"fmt": "xlsx"},
        name="series_xlsx",
    ),
    path(
        "console/series/<int:pk>/export.csv",
        series_views.series_export,
        {"fmt": "csv"},
        name="series_csv",
    ),
    path(
        "console/series/<int:pk>/export.<slug:fmt>",
        series_views.series_export,
        name="series_export",
    ),
]

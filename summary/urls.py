from django.urls import path

from . import series_views, views, workspace_views

app_name = "summary"

urlpatterns = [
    path("console/meetings/<int:pk>/export.md", views.export_markdown, name="markdown"),
    path("console/meetings/<int:pk>/export.json", views.export_json, name="json"),
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
    path(
        "console/series/<int:pk>/export.xlsx", series_views.series_export_xlsx, name="series_xlsx"
    ),
    path("console/series/<int:pk>/export.csv", series_views.series_export_csv, name="series_csv"),
]

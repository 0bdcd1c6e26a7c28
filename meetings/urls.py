from django.urls import path

from . import (
    converters,  # noqa: F401  (registers <joincode:…>, <roomtoken:…>)
    views,
)

app_name = "meetings"

urlpatterns = [
    path("", views.start, name="start"),
    path("m/<joincode:code>/", views.join, name="join"),
    path("m/<joincode:code>/qr.svg", views.join_qr, name="qr"),
    path("room/<roomtoken:token>/", views.room, name="room"),
    path("console/", views.console, name="console"),
    path("console/meetings/new/", views.meeting_create, name="create"),
    path("console/meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("console/meetings/<int:pk>/groups/", views.group_add, name="group_add"),
    path("console/meetings/<int:pk>/groups/usual/", views.groups_add_usual, name="groups_usual"),
    path(
        "console/meetings/<int:pk>/groups/<int:group_id>/unlock/",
        views.group_unlock,
        name="group_unlock",
    ),
    path("console/meetings/<int:pk>/joining/", views.joining_toggle, name="joining"),
    path("console/meetings/<int:pk>/room-token/", views.room_token_rotate, name="room_rotate"),
    path("console/meetings/<int:pk>/delete/", views.meeting_delete, name="delete"),
]

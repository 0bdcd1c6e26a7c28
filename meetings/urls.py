from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.start, name="start"),
    path("m/<str:code>/", views.join, name="join"),
    path("m/<str:code>/qr.svg", views.join_qr, name="qr"),
    path("room/<str:token>/", views.room, name="room"),
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
]

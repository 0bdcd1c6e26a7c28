from django.urls import path

import meetings.converters  # noqa: F401  (registers <joincode:…>, <roomtoken:…>)

from . import meeting_views as views

app_name = "meetings"

urlpatterns = [
    path("", views.start, name="start"),
    path("m/<joincode:code>/", views.join, name="join"),
    path("m/<joincode:code>/qr.svg", views.join_qr, name="qr"),
    path("m/<joincode:code>/g/<int:group_id>/", views.join_group, name="join_group"),
    path("room/<roomtoken:token>/", views.room, name="room"),
    path("console/", views.console, name="console"),
    path("console/meetings/new/", views.meeting_create, name="create"),
    path("console/meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("console/meetings/<int:pk>/groups/", views.group_add, name="group_add"),
    path("console/meetings/<int:pk>/groups/usual/", views.groups_add_usual, name="groups_usual"),
    path("console/meetings/<int:pk>/joining/", views.joining_toggle, name="joining"),
    path(
        "console/meetings/<int:pk>/groups/<int:group_id>/rename/",
        views.group_rename,
        name="group_rename",
    ),
    path(
        "console/meetings/<int:pk>/groups/<int:group_id>/move/", views.group_move, name="group_move"
    ),
    path(
        "console/meetings/<int:pk>/groups/<int:group_id>/delete/",
        views.group_delete,
        name="group_delete",
    ),
    path("console/meetings/<int:pk>/participants/", views.people, name="people"),
    path(
        "console/meetings/<int:pk>/participants/<int:participant_id>/move/",
        views.participant_move,
        name="participant_move",
    ),
    path("console/meetings/<int:pk>/phases/", views.phase_add, name="phase_add"),
    path(
        "console/meetings/<int:pk>/phases/<int:phase_id>/",
        views.phase_update,
        name="phase_update",
    ),
    path(
        "console/meetings/<int:pk>/phases/<int:phase_id>/remove/",
        views.phase_remove,
        name="phase_remove",
    ),
    path(
        "console/meetings/<int:pk>/phases/<int:phase_id>/move/",
        views.phase_move,
        name="phase_move",
    ),
    path("console/meetings/<int:pk>/run/start/", views.phase_start, name="phase_start"),
    path("console/meetings/<int:pk>/run/pause/", views.phase_pause, name="phase_pause"),
    path("console/meetings/<int:pk>/run/resume/", views.phase_resume, name="phase_resume"),
    path("console/meetings/<int:pk>/run/adjust/", views.phase_adjust, name="phase_adjust"),
    path("console/meetings/<int:pk>/run/end/", views.phase_end, name="phase_end"),
    path("console/meetings/<int:pk>/room-token/", views.room_token_rotate, name="room_rotate"),
    path("console/meetings/<int:pk>/delete/", views.meeting_delete, name="delete"),
    path("console/meetings/<int:pk>/cards.pdf", views.cards, name="cards"),
    path("console/meetings/<int:pk>/themes/hide/", views.theme_hide, name="theme_hide"),
    path("console/meetings/<int:pk>/themes/show/", views.theme_show, name="theme_show"),
    path("console/meetings/<int:pk>/themes/rename/", views.theme_rename, name="theme_rename"),
    path(
        "console/meetings/<int:pk>/experts/allocate/",
        views.experts_allocate,
        name="experts_allocate",
    ),
    path(
        "console/meetings/<int:pk>/experts/publish/", views.experts_publish, name="experts_publish"
    ),
    path(
        "console/meetings/<int:pk>/experts/participants/<int:participant_id>/move/",
        views.experts_move,
        name="experts_move",
    ),
    path(
        "console/meetings/<int:pk>/participants/<int:participant_id>/left/",
        views.participant_left,
        name="participant_left",
    ),
]

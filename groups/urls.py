from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("m/<str:code>/group/", views.group_page, name="page"),
    path("m/<str:code>/group/<int:group_id>/state/", views.group_state, name="state"),
    path("m/<str:code>/group/<int:group_id>/factors/", views.add_factor, name="add"),
    path(
        "m/<str:code>/group/<int:group_id>/factors/<int:factor_id>/edit/",
        views.edit_factor,
        name="edit",
    ),
    path(
        "m/<str:code>/group/<int:group_id>/factors/<int:factor_id>/move/",
        views.move_factor,
        name="move",
    ),
    path(
        "m/<str:code>/group/<int:group_id>/factors/<int:factor_id>/remove/",
        views.remove_factor,
        name="remove",
    ),
    path("m/<str:code>/group/<int:group_id>/agree/", views.mark_agreed, name="agree"),
]

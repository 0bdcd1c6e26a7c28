from django.urls import path

import meetings.converters  # noqa: F401  (registers <joincode:…>, <roomtoken:…>)

from . import group_views as views

app_name = "groups"

urlpatterns = [
    path("m/<joincode:code>/group/", views.group_page, name="page"),
    path("m/<joincode:code>/group/<int:group_id>/state/", views.group_state, name="state"),
    path("m/<joincode:code>/group/<int:group_id>/factors/", views.add_factor, name="add"),
    path(
        "m/<joincode:code>/group/<int:group_id>/factors/<int:factor_id>/edit/",
        views.edit_factor,
        name="edit",
    ),
    path(
        "m/<joincode:code>/group/<int:group_id>/factors/<int:factor_id>/move/",
        views.move_factor,
        name="move",
    ),
    path(
        "m/<joincode:code>/group/<int:group_id>/factors/<int:factor_id>/remove/",
        views.remove_factor,
        name="remove",
    ),
    path("m/<joincode:code>/group/<int:group_id>/agree/", views.mark_agreed, name="agree"),
    path("m/<joincode:code>/expert/", views.expert_page, name="expert"),
    path("m/<joincode:code>/reflection/", views.reflect, name="reflect"),
    path("console/meetings/<int:pk>/words/hide/", views.word_hide, name="word_hide"),
    path("console/meetings/<int:pk>/words/show/", views.word_show, name="word_show"),
    path("m/<joincode:code>/group/<int:group_id>/ideas/", views.add_idea, name="idea_add"),
    path(
        "m/<joincode:code>/group/<int:group_id>/ideas/<int:idea_id>/edit/",
        views.edit_idea,
        name="idea_edit",
    ),
    path(
        "m/<joincode:code>/group/<int:group_id>/ideas/<int:idea_id>/withdraw/",
        views.withdraw_idea,
        name="idea_withdraw",
    ),
    path("m/<joincode:code>/group/<int:group_id>/ideas/<int:idea_id>/dot/", views.dot, name="dot"),
    path(
        "m/<joincode:code>/group/<int:group_id>/ideas/<int:idea_id>/pick/",
        views.pick_idea,
        name="pick",
    ),
    path("m/<joincode:code>/group/<int:group_id>/ideas/merge/", views.merge_ideas, name="merge"),
    path("m/<joincode:code>/group/<int:group_id>/ideas/reveal/", views.reveal_pool, name="reveal"),
    # The facilitator's console acts on a group's list through this app.
    path(
        "console/meetings/<int:pk>/groups/<int:group_id>/unlock/",
        views.console_unlock,
        name="console_unlock",
    ),
    path(
        "console/meetings/<int:pk>/groups/<int:group_id>/reveal/",
        views.console_reveal,
        name="console_reveal",
    ),
    path(
        "console/meetings/<int:pk>/pool/", views.console_pool_settings, name="console_pool_settings"
    ),
]

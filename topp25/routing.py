from django.urls import path

from meetings.consumers import GroupConsumer, RoomScreenConsumer

websocket_urlpatterns = [
    path("ws/room/<str:token>/", RoomScreenConsumer.as_asgi()),
    path("ws/m/<str:code>/groups/<int:group_id>/", GroupConsumer.as_asgi()),
]

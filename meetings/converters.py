"""URL converters: what cannot be a join code or a room token never reaches the database."""

from __future__ import annotations

from django.urls import register_converter


class JoinCodeConverter:
    # Lower case too: a typed link is redirected to the canonical upper-case code.
    regex = "[A-Za-z0-9]{1,20}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class RoomTokenConverter:
    regex = "[A-Za-z0-9_-]{16,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(JoinCodeConverter, "joincode")
register_converter(RoomTokenConverter, "roomtoken")

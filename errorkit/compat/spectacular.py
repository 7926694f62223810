"""drf-spectacular internals errorkit extends: each proven by
tests/core/test_compat.py.

drf-spectacular's ``AutoSchema`` builds an operation's responses in
``_get_response_bodies`` and a serializer field's schema in
``_map_serializer_field``; neither step has a public hook. This base class
gives each a public one, so that errorkit's ``AutoSchema`` overrides only
names of its own.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema


class HookedAutoSchema(AutoSchema):
    def response_bodies(self, responses: dict[str, Any], direction: Any) -> Any:
        """The operation's responses (``direction`` "response") or request
        bodies, as drf-spectacular made them: return them changed."""
        return responses

    def serializer_field(self, schema: dict[str, Any], field: Any) -> dict[str, Any]:
        """The schema drf-spectacular made for a serializer field."""
        return schema

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        return self.response_bodies(super()._get_response_bodies(direction), direction)

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        return self.serializer_field(dict(schema), field)

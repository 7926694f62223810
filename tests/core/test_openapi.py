"""errorkit.openapi: each operation documents the errors it can answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authentication import BasicAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSet

import errorkit
from errorkit.conversion import WRONG_HOST
from errorkit.declarations import HeaderParameter, declare
from errorkit.views import handler400, handler403, handler404, handler500  # noqa: F401
from tests.views import LimitedViewSet, ThrottledView


def statuses(operation: dict) -> set[str]:
    return set(operation["responses"])


def example_codes(response: dict) -> set[str]:
    return set(response["content"]["application/json"]["examples"])


# What a view is made of decides its errors.


class Item(serializers.Serializer):
    name = serializers.CharField()


class OpenItemView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses=Item)
    def get(self, request):
        return Response({"name": "x"})

    @extend_schema(request=Item, responses={201: Item})
    def post(self, request):
        return Response({"name": "x"}, status=201)


class StaffItemView(APIView):
    authentication_classes = [BasicAuthentication]
    permission_classes = [IsAdminUser]

    @extend_schema(responses=Item)
    def get(self, request, item_id):
        return Response({"name": "x"})


class OwnNotFoundView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: Item, 404: OpenApiResponse(description="Our own 404.")}
    )
    def get(self, request, item_id):
        return Response({"name": "x"})


def other_handler(exc, context):
    return None


class OtherHandlerView(OpenItemView):
    def get_exception_handler(self):
        return other_handler


class GatewayError(errorkit.BadGateway):
    default_code = "upstream_failed"


class ItemViewSet(ViewSet):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses=Item)
    @errorkit.raises(GatewayError)
    def retrieve(self, request, pk=None):
        return Response({"name": "x"})


# The URLconf of the test that serves them (pytest.mark.urls), with the
# handlers a project imports into its root URLconf.
urlpatterns = [
    path("v1/items", OpenItemView.as_view()),
    path("v1/staff/<int:item_id>", StaffItemView.as_view()),
    path("v1/things/<int:pk>", ItemViewSet.as_view({"get": "retrieve"})),
]


def schema_of(*patterns) -> dict:
    return SchemaGenerator(patterns=list(patterns)).get_schema(
        request=None, public=True
    )


def test_an_open_read_can_only_fail_on_our_side():
    paths = schema_of(path("items", OpenItemView.as_view()))["paths"]
    # 403: a Host the project does not serve; 405: a method the path does not
    # serve; 406: an Accept header no renderer of the view serves.
    assert statuses(paths["/items"]["get"]) == {"200", "403", "405", "406", "500"}
    # A body can be invalid, too large or of the wrong type.
    assert statuses(paths["/items"]["post"]) == {
        "201",
        "400",
        "403",
        "405",
        "406",
        "413",
        "415",
        "500",
    }


def test_authentication_permissions_and_path_parameters_add_401_403_404():
    paths = schema_of(path("staff/<int:item_id>", StaffItemView.as_view()))["paths"]
    assert statuses(paths["/staff/{item_id}"]["get"]) == {
        "200",
        "401",
        "403",
        "404",
        "405",
        "406",
        "500",
    }


def test_a_status_the_view_documents_itself_is_kept():
    paths = schema_of(path("own/<int:item_id>", OwnNotFoundView.as_view()))["paths"]
    responses = paths["/own/{item_id}"]["get"]["responses"]
    assert responses["404"]["description"] == "Our own 404."
    assert "content" not in responses["404"]


def test_views_answered_by_another_handler_are_left_alone():
    paths = schema_of(path("other", OtherHandlerView.as_view()))["paths"]
    assert statuses(paths["/other"]["get"]) == {"200"}


def test_viewset_actions_document_what_they_declare():
    view = ItemViewSet.as_view({"get": "retrieve"})
    paths = schema_of(path("things/<int:pk>", view))["paths"]
    responses = paths["/things/{id}"]["get"]["responses"]
    assert statuses(paths["/things/{id}"]["get"]) == {
        "200",
        "403",
        "404",
        "405",
        "406",
        "500",
        "502",
    }
    assert example_codes(responses["502"]) == {"upstream_failed"}


def test_rate_limits_add_429_and_503_when_they_fail_closed():
    patterns = (
        path("limited", LimitedViewSet.as_view({"get": "list"})),
        path("throttled", ThrottledView.as_view()),
    )
    paths = schema_of(*patterns)["paths"]
    assert {"429", "500"} <= statuses(paths["/limited"]["get"])
    assert "429" in statuses(paths["/throttled"]["get"])
    assert "503" not in statuses(paths["/limited"]["get"])
    with override_settings(ERRORKIT={"RATELIMIT_ON_CACHE_FAILURE": "closed"}):
        paths = schema_of(*patterns)["paths"]
    assert "503" in statuses(paths["/limited"]["get"])
    assert "503" in statuses(paths["/throttled"]["get"])


@pytest.mark.parametrize("bad", [ValueError, "not_found", errorkit.NotFound()])
def test_raises_takes_errorkit_error_classes_only(bad):
    with pytest.raises(ImproperlyConfigured, match="APIError subclasses"):
        errorkit.raises(bad)


class WritesNeedStaff(IsAdminUser):
    """A permission that says when it can refuse: only on unsafe methods."""

    def may_refuse(self, method: str) -> bool:
        return method not in SAFE_METHODS


class ReadMostlyView(OpenItemView):
    authentication_classes = [BasicAuthentication]
    permission_classes = [WritesNeedStaff]


def test_a_permission_that_says_when_it_refuses_adds_403_only_there():
    paths = schema_of(path("read-mostly", ReadMostlyView.as_view()))["paths"]
    # GET's 403 is only the wrong Host's; POST's is the permission's too.
    read = paths["/read-mostly"]["get"]["responses"]["403"]
    write = paths["/read-mostly"]["post"]["responses"]["403"]
    assert example_message(read) == str(WRONG_HOST)
    assert example_message(write) == "You are not allowed to perform this request."
    assert str(WRONG_HOST) in write["description"]


def example_message(response: dict) -> str:
    (example,) = response["content"]["application/json"]["examples"].values()
    return example["value"]["message"]


@pytest.mark.urls(__name__)
def test_every_operation_documents_the_403_of_a_host_it_does_not_serve(client):
    schema = schema_of(*urlpatterns)
    for route, operations in schema["paths"].items():
        for method, operation in operations.items():
            response = operation["responses"]["403"]
            assert response["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }, (route, method)
            assert example_codes(response) == {"forbidden"}
            assert "X-Request-ID" in response["headers"]
    # And the server answers it so: the Error body with that code, JSON.
    answer = client.get("/v1/items", HTTP_HOST="evil.example")
    assert answer.status_code == 403
    assert answer["Content-Type"] == "application/json"
    body = answer.json()
    assert body["error"] == "forbidden"
    assert body["message"] == example_message(
        schema["paths"]["/v1/items"]["get"]["responses"]["403"]
    )
    assert body["requestId"] == answer["X-Request-ID"]


TRACE = HeaderParameter("X-Trace-Budget", "How long the caller will wait.")


def traced(view):
    """A project's own decorator, declaring the header it reads."""

    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    declare(wrapper, view, headers=(TRACE,))
    return wrapper


class TracedView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses=Item)
    @traced
    @errorkit.raises(GatewayError)
    def get(self, request):
        return Response({"name": "x"})


def test_declared_headers_and_errors_reach_the_operation():
    operation = schema_of(path("traced", TracedView.as_view()))["paths"]["/traced"]
    parameters = {p["name"]: p for p in operation["get"]["parameters"]}
    assert parameters["X-Trace-Budget"]["in"] == "header"
    assert example_codes(operation["get"]["responses"]["502"]) == {"upstream_failed"}


def test_every_error_is_documented_as_problem_details_too():
    schema = schema_of(path("items", OpenItemView.as_view()))
    response = schema["paths"]["/items"]["get"]["responses"]["500"]
    problem = response["content"]["application/problem+json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}
    component = schema["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "error", "requestId"} <= set(
        component["required"]
    )
    assert "message" not in component["properties"]


def test_the_links_an_error_may_carry_are_documented_in_both_bodies():
    schema = schema_of(path("items", OpenItemView.as_view()))
    for name in ("Error", "Problem"):
        links = schema["components"]["schemas"][name]["properties"]["links"]
        assert links["type"] == "object"
        assert links["additionalProperties"] == {"type": "string", "format": "uri"}
        assert "addFunds" in links["description"] and "keys" in links["description"]


class Priced(serializers.Serializer):
    price = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0)
    delta = serializers.DecimalField(max_digits=8, decimal_places=2)
    payload = serializers.JSONField()


class DocumentedView(APIView):
    """The view's own words."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=Priced, responses=Priced)
    def post(self, request):
        """Price a thing.

        Longer words about pricing, for the description."""
        return Response({})


def test_summary_and_description_come_from_the_docstring():
    operation = schema_of(path("priced", DocumentedView.as_view()))["paths"]["/priced"][
        "post"
    ]
    assert operation["summary"] == "Price a thing."
    assert (
        operation["description"] == "Longer words about pricing, for the description."
    )


def test_money_is_a_non_negative_decimal_string_and_json_is_any_json():
    schema = schema_of(path("priced", DocumentedView.as_view()))
    fields = schema["components"]["schemas"]["Priced"]["properties"]
    assert fields["price"]["pattern"].startswith("^\\d")  # min_value=0: no sign
    assert fields["delta"]["pattern"].startswith("^-?")  # may be negative
    kinds = {option["type"] for option in fields["payload"]["oneOf"]}
    assert kinds == {"object", "array", "string", "number", "boolean"}


def test_every_operation_documents_405_with_its_allow_header():
    operation = schema_of(path("items", OpenItemView.as_view()))["paths"]["/items"][
        "get"
    ]
    response = operation["responses"]["405"]
    assert "Allow" in response["headers"]
    assert set(response["content"]["application/json"]["examples"]) == {
        "method_not_allowed"
    }


# Headers a view announces on every answer (errorkit.idempotent's
# Idempotency-Supported is one), declared by a phase of its pipeline.


def announcing(view):
    """A phase-based decorator declaring X-Announced on every answer."""
    from dataclasses import dataclass
    from typing import ClassVar

    from errorkit.declarations import ResponseHeader
    from errorkit.pipeline import NOTHING, Phase, Stage, add_phase

    @dataclass(frozen=True, eq=False)
    class Announces(Phase):
        stage: ClassVar[Stage] = Stage.LIMIT
        name: ClassVar[str] = "announces"
        answer_headers: ClassVar[tuple[ResponseHeader, ...]] = (
            ResponseHeader("X-Announced", "yes", "Said on every answer."),
        )

        def begin(self, call):
            return NOTHING

    return add_phase(view, Announces())


class AnnouncingView(APIView):
    authentication_classes = [BasicAuthentication]
    permission_classes = [AllowAny]

    @extend_schema(request=Item, responses={201: Item})
    @announcing
    @errorkit.raises(GatewayError)
    def post(self, request, item_id):
        return Response({"name": "x"}, status=201)

    @extend_schema(responses=Item)
    def get(self, request, item_id):
        return Response({"name": "x"})


def test_an_announced_header_is_documented_on_every_answer_of_its_operation():
    schema = schema_of(
        path("announcing/<int:item_id>", AnnouncingView.as_view()),
        path("items", OpenItemView.as_view()),
    )
    paths = schema["paths"]
    announced = paths["/announcing/{item_id}"]["post"]["responses"]
    # Its success, its errors (the view's own 502 too) and the 500 of a crash.
    assert {"201", "400", "404", "500", "502"} <= set(announced)
    for status, response in announced.items():
        header = response["headers"]["X-Announced"]
        assert header == {
            "schema": {"type": "string", "enum": ["yes"]},
            "description": "Said on every answer.",
        }, status
    others = [
        paths["/announcing/{item_id}"]["get"],
        paths["/items"]["get"],
        paths["/items"]["post"],
    ]
    for operation in others:
        for response in operation["responses"].values():
            assert "X-Announced" not in response.get("headers", {})

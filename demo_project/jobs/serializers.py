from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from .models import Job


class JobRequestSerializer(serializers.Serializer):
    # Blank or all-space ids are refused, and the schema says so (pattern).
    # "Space" as Python strips it (\x1c-\x1f and \x85 too, which a JSON
    # Schema's \s does not name), so that every id the pattern admits
    # survives DRF's trimming.
    model = serializers.RegexField(
        r"^[\s\x1c-\x1f\x85]*[^\s\x1c-\x1f\x85][\s\S]*$", max_length=64
    )
    input = serializers.JSONField(allow_null=True)


class JobSerializer(serializers.ModelSerializer):
    cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, coerce_to_string=True
    )

    class Meta:
        model = Job
        fields = ["id", "model", "status", "input", "output", "cost", "created"]


# The shapes below describe responses for the OpenAPI schema (GET /v1/schema).


# "CatalogModel", not "Model": a generated client's package has its own
# ``models`` module, and a class named Model beside it.
@extend_schema_serializer(component_name="CatalogModel")
class ModelSerializer(serializers.Serializer):
    id = serializers.CharField()
    price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text="USD per successful job.",
    )
    description = serializers.CharField()


class ModelListSerializer(serializers.Serializer):
    data = ModelSerializer(many=True)


class BalanceSerializer(serializers.Serializer):
    balance = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text="What the account can spend now.",
    )
    held = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text="Held by jobs still running.",
    )
    currency = serializers.CharField()

from rest_framework import serializers

from .models import Job


class JobRequestSerializer(serializers.Serializer):
    model = serializers.CharField(max_length=64)
    input = serializers.JSONField(allow_null=True)


class JobSerializer(serializers.ModelSerializer):
    cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=True
    )

    class Meta:
        model = Job
        fields = ["id", "model", "status", "input", "output", "cost", "created"]

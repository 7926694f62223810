"""POST /v1/jobs as demo_project's view runs it, without errorkit's
decorators (idempotency, rate limit, balance hold): B6's baseline."""

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from demo_project.jobs.models import Job
from demo_project.jobs.serializers import JobRequestSerializer, JobSerializer
from demo_project.jobs.views import get_model, run_model


class BareJobList(APIView):
    def post(self, request: Request) -> Response:
        serializer = JobRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        model = get_model(serializer.validated_data["model"])
        payload = serializer.validated_data["input"]
        job = Job.objects.create(
            owner=request.user,
            model=model.id,
            input=payload,
            output=run_model(model, payload),
            cost=model.price,
        )
        return Response(JobSerializer(job).data, status=201)


urlpatterns = [path("v1/jobs", BareJobList.as_view())]

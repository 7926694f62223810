"""POST /v1/jobs as demo_project's view runs it, without errorkit's
decorators (idempotency, rate limit, balance hold): B6's baseline; and
``handmade``, the same endpoint charging the way a team would write it by
hand (django-ratelimit's decorator, the account locked with
``select_for_update`` while the job runs and is charged), reported beside it."""

from django.conf import settings
from django.db import transaction
from django.urls import path
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from demo_project.jobs.models import Job
from demo_project.jobs.serializers import JobRequestSerializer, JobSerializer
from demo_project.jobs.views import get_model, run_model
from errorkit.billing.models import CreditAccount, LedgerEntry


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


def caller(group: str, request: Request) -> str:
    return str(request.user.pk)


def jobs_rate(group: str, request: Request) -> str:
    return settings.DEMO_JOBS_RATE


class HandmadeJobList(APIView):
    @method_decorator(ratelimit(key=caller, rate=jobs_rate, block=False))
    def post(self, request: Request) -> Response:
        if getattr(request, "limited", False):
            return Response({"error": "rate_limit_exceeded"}, status=429)
        serializer = JobRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        model = get_model(serializer.validated_data["model"])
        payload = serializer.validated_data["input"]
        with transaction.atomic():
            account = CreditAccount.objects.select_for_update().get(owner=request.user)
            if account.balance < model.price:
                return Response({"error": "insufficient_balance"}, status=402)
            job = Job.objects.create(
                owner=request.user,
                model=model.id,
                input=payload,
                output=run_model(model, payload),
                cost=model.price,
            )
            account.balance -= model.price
            account.save(update_fields=["balance"])
            LedgerEntry.objects.create(
                account=account, kind="post", amount=-model.price, reference=job.pk
            )
        return Response(JobSerializer(job).data, status=201)


urlpatterns = [path("v1/jobs", BareJobList.as_view())]
handmade = [path("v1/jobs", HandmadeJobList.as_view())]

"""The demo API. Keys, balances, rate limits and idempotency wrap these views
as decorators; the views themselves only say what a job does."""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import errorkit
from errorkit.billing.funds import funds_of

from .catalog import MODELS, DemoModel
from .models import Job
from .serializers import (
    BalanceSerializer,
    JobRequestSerializer,
    JobSerializer,
    ModelListSerializer,
    ModelSerializer,
)

JOB_ID = re.compile(r"job_[0-9a-f]{24}")


class UpstreamCrashed(RuntimeError):
    """demo-crash's deliberate bug: the handler must answer 500 without this text."""


class ModelNotFound(errorkit.NotFound):
    default_code = "model_not_found"
    default_detail = _lazy("No such model. Use a model from GET /v1/models.")


class JobNotFound(errorkit.NotFound):
    default_code = "job_not_found"
    default_detail = _lazy("No such job for this API key's account.")


def get_model(model_id: str) -> DemoModel:
    try:
        return MODELS[model_id]
    except KeyError:
        raise ModelNotFound(
            _("No model %(id)r. Use a model from GET /v1/models.") % {"id": model_id}
        ) from None


def run_model(model: DemoModel, payload: object) -> object:
    if model.id == "demo-crash":
        raise UpstreamCrashed("demo-crash: secret internal state 0xdeadbeef")
    if model.id == "demo-flaky":
        raise errorkit.BadGateway()
    if model.id == "demo-overloaded":
        raise errorkit.ServiceUnavailable(retry_after=30)
    return payload


class ModelList(APIView):
    @extend_schema(
        operation_id="list_models", responses=ModelListSerializer, tags=["catalog"]
    )
    def get(self, request: Request) -> Response:
        """List the models.

        Each with its price in USD per successful job."""
        return Response({"data": [m.as_dict() for m in MODELS.values()]})


class ModelDetail(APIView):
    @extend_schema(
        operation_id="get_model", responses=ModelSerializer, tags=["catalog"]
    )
    @errorkit.raises(ModelNotFound)
    def get(self, request: Request, model_id: str) -> Response:
        """Get one model.

        404 `model_not_found` for an id the catalog does not have."""
        return Response(get_model(model_id).as_dict())


def jobs_rate(group: str, request: Request) -> str:
    # Read per request, so that a changed setting applies without a restart.
    return settings.DEMO_JOBS_RATE


def job_price(request: Request) -> errorkit.Price:
    """The job as it will run, validated (400, 404 before any money moves),
    priced by the model it names: the view acts on exactly these values."""
    serializer = JobRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    model = get_model(serializer.validated_data["model"])
    return errorkit.Price(model.price, (model, serializer.validated_data["input"]))


class JobList(APIView):
    @extend_schema(
        operation_id="create_job",
        request=JobRequestSerializer,
        responses={201: JobSerializer},
    )
    @errorkit.idempotent
    @errorkit.ratelimit(rate=jobs_rate, key="api_key", name="jobs")
    @errorkit.require_balance(cost=job_price)
    @errorkit.raises(ModelNotFound, errorkit.BadGateway, errorkit.ServiceUnavailable)
    def post(self, request: Request) -> Response:
        """Run a job.

        The model's price is held on the balance (402 when it cannot be),
        and charged only with the job's stored success. Send an
        `Idempotency-Key` to retry safely: a repeat replays the first answer
        and charges nothing more."""
        model, payload = request.errorkit.charge.priced
        output = run_model(model, payload)
        job = Job.objects.create(
            owner=request.user
            if getattr(request.user, "is_authenticated", False)
            else None,
            model=model.id,
            input=payload,
            output=output,
            cost=model.price,
        )
        # The customer's ledger names the job beside the charge's request id.
        request.errorkit.charge.describe(f"job {job.id}")
        return Response(JobSerializer(job).data, status=201)


class JobDetail(APIView):
    @extend_schema(operation_id="get_job", responses=JobSerializer)
    @errorkit.raises(JobNotFound)
    def get(self, request: Request, job_id: str) -> Response:
        """Get one of the account's jobs.

        404 `job_not_found` for an unknown id or another account's job."""
        # Only a well-formed id reaches the database (PostgreSQL refuses a NUL).
        job = JOB_ID.fullmatch(job_id) and (
            Job.objects.filter(pk=job_id, owner=request.user).first()
        )
        if not job:
            raise JobNotFound(_("No job %(id)r.") % {"id": job_id[:64]})
        return Response(JobSerializer(job).data)


def cents(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))


class BalanceView(APIView):
    @extend_schema(operation_id="get_balance", responses=BalanceSerializer)
    def get(self, request: Request) -> Response:
        """Get the account's balance.

        `balance` is what the account can spend now, `held` what running
        jobs have reserved."""
        funds = funds_of(request.user)
        return Response(
            {
                "balance": cents(funds.balance),
                "held": cents(funds.held),
                "currency": funds.currency,
            }
        )

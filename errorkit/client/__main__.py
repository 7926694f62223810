"""Call an errorkit API by hand: ``python -m errorkit.client`` (or the
``errorkit-client`` script).

    errorkit-client [--base-url URL] [--api-key KEY] [--deadline S] COMMAND

Commands: ``models``, ``model ID``, ``job MODEL [--input JSON]
[--idempotency-key KEY]``, ``get-job ID``, ``balance``. The key defaults to
``$ERRORKIT_API_KEY``, the base URL to ``$ERRORKIT_BASE_URL`` or the demo's.
A result is printed as JSON; a failure prints what to tell a person, the
error and its request id on stderr, and exits 1 (2 for a bad command line).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from . import calls
from .clients import DEFAULT_BASE_URL, Client
from .errors import APIError
from .retries import RetryPolicy


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="errorkit-client", description="Call an errorkit API."
    )
    p.add_argument(
        "--base-url", default=os.environ.get("ERRORKIT_BASE_URL", DEFAULT_BASE_URL)
    )
    p.add_argument("--api-key", default=os.environ.get("ERRORKIT_API_KEY"))
    p.add_argument(
        "--deadline", type=float, default=60.0, help="seconds, retries included"
    )
    commands = p.add_subparsers(dest="command", required=True)
    commands.add_parser("models", help="list the models")
    commands.add_parser("model", help="one model").add_argument("id")
    job = commands.add_parser("job", help="run a job")
    job.add_argument("model")
    job.add_argument("--input", default="null", help="any JSON (default null)")
    job.add_argument("--idempotency-key")
    commands.add_parser("get-job", help="one job").add_argument("id")
    commands.add_parser("balance", help="the account's balance")
    return p


def call_of(args: argparse.Namespace) -> calls.Call[Any]:
    if args.command == "models":
        return calls.models()
    if args.command == "model":
        return calls.model(args.id)
    if args.command == "job":
        try:
            data = json.loads(args.input)
        except ValueError as exc:
            raise SystemExit(f"errorkit-client: --input is not JSON: {exc}") from None
        return calls.create_job(args.model, data, args.idempotency_key)
    if args.command == "get-job":
        return calls.job(args.id)
    return calls.balance()


def as_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: as_json(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.deadline <= 0:
        parser().error("--deadline must be positive")
    try:
        call = call_of(args)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    with Client(
        args.api_key, args.base_url, retry=RetryPolicy(deadline=args.deadline)
    ) as client:
        try:
            result = client.call(call)
        except APIError as error:
            print(error.user_message, file=sys.stderr)
            print(f"error: {error}", file=sys.stderr)
            print(f"request id: {error.request_id or '-'}", file=sys.stderr)
            return 1
    print(json.dumps(as_json(result), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

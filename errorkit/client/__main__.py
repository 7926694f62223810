"""Call an errorkit API from a shell: ``errorkit-client`` (or
``python -m errorkit.client``).

    errorkit-client [--base-url URL] [--api-key KEY] [--deadline S]
                    METHOD PATH [--json JSON] [--param NAME=VALUE ...]
                    [--header NAME:VALUE ...] [--idempotency-key KEY]
                    [--idempotent | --not-idempotent]

The base URL defaults to ``$ERRORKIT_BASE_URL``, the key to
``$ERRORKIT_API_KEY`` (so that it is not in the shell's history). The answer's
body is printed as JSON on stdout and its request id on stderr; a failure
prints what to tell a person, the error and its request id on stderr and
exits 1 (2 for a bad command line).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from .calls import METHODS
from .clients import Client
from .errors import APIError
from .retries import RetryPolicy


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="errorkit-client",
        description="Call an API that follows errorkit's error contract.",
    )
    p.add_argument(
        "--base-url",
        default=os.environ.get("ERRORKIT_BASE_URL"),
        help="the API's address (default: $ERRORKIT_BASE_URL)",
    )
    p.add_argument(
        "--api-key",
        default=os.environ.get("ERRORKIT_API_KEY"),
        help="sent as Authorization: Bearer (default: $ERRORKIT_API_KEY)",
    )
    p.add_argument(
        "--deadline", type=float, default=60.0, help="seconds, retries included"
    )
    p.add_argument("method", type=str.upper, choices=METHODS, metavar="METHOD")
    p.add_argument("path", metavar="PATH", help="such as /v1/orders")
    p.add_argument("--json", dest="body", help="the JSON body")
    p.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="query"
    )
    p.add_argument(
        "--header", action="append", default=[], metavar="NAME:VALUE", help="header"
    )
    p.add_argument("--idempotency-key", help="default: a new one per call")
    said = p.add_mutually_exclusive_group()
    said.add_argument(
        "--idempotent",
        dest="idempotent",
        action="store_const",
        const=True,
        help="the endpoint honours Idempotency-Key: retry a write after a 5xx",
    )
    said.add_argument(
        "--not-idempotent",
        dest="idempotent",
        action="store_const",
        const=False,
        help="never retry a write that may have run",
    )
    return p


def pairs(values: list[str], separator: str, what: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition(separator)
        if not sep or not name.strip():
            raise ValueError(f"{what} {value!r} is not NAME{separator}VALUE")
        found[name.strip()] = rest.strip() if separator == ":" else rest
    return found


def main(argv: Sequence[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    try:
        if not args.base_url:
            raise ValueError("give --base-url or set ERRORKIT_BASE_URL")
        if args.deadline <= 0:
            raise ValueError("--deadline must be positive")
        body: Any = None if args.body is None else json.loads(args.body)
        params = pairs(args.param, "=", "--param")
        headers = pairs(args.header, ":", "--header")
        client = Client(
            args.base_url,
            api_key=args.api_key,
            retry=RetryPolicy(deadline=args.deadline),
        )
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        what = "--json is not JSON" if isinstance(exc, json.JSONDecodeError) else ""
        print(f"errorkit-client: {what + ': ' if what else ''}{exc}", file=sys.stderr)
        return 2
    with client:
        try:
            response = client.request(
                args.method,
                args.path,
                json=body,
                params=params or None,
                headers=headers or None,
                idempotency_key=args.idempotency_key,
                idempotent=args.idempotent,
            )
        except APIError as error:
            print(error.user_message, file=sys.stderr)
            print(f"error: {error}", file=sys.stderr)
            print(f"request id: {error.request_id or '-'}", file=sys.stderr)
            return 1
    info = response.info
    print(
        f"{response.status_code} request id: {info.request_id or '-'}", file=sys.stderr
    )
    if info.replayed:
        print(f"replayed from request {info.original_request_id}", file=sys.stderr)
    if response.data is not None:
        print(json.dumps(response.data, indent=2, ensure_ascii=False))
    elif response.text:
        print(response.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
